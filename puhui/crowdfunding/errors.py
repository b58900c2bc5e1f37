"""Crowdfunding errors, with stable codes, in English and Chinese."""

from enum import unique

from django.utils.translation import gettext_noop as _

from puhui.core.errors import ErrorCode


@unique
class CrowdfundingError(ErrorCode):
    KIND_NOT_OFFERED = 403, _(
        "{kind} campaigns are not offered under this platform's rules ({rule}).")
    FUNDING_MODEL_NOT_ALLOWED = 400, _(
        "A {kind} campaign may raise only {allowed}; not {model}.")
    CAMPAIGN_INVALID = 400, _("The campaign is not valid: {problem}.")
    DAYS_OPEN_OUTSIDE_RULES = 400, _(
        "A campaign stays open between {minimum} and {maximum} days; {days} asked.")
    NOT_YOUR_CAMPAIGN = 403, _("Only the issuer's representative may do this.")
    ENTERPRISE_NOT_ADMITTED = 403, _("The enterprise must pass admittance before it raises money.")
    CAMPAIGN_NOT_IN_STATE = 409, _("This campaign is {status}; it cannot be {action}.")
    ISSUER_CAP_EXCEEDED = 409, _(
        "An issuer may raise at most {cap} in 12 months; {raised} is raised or being raised, "
        "so at most {left} is left.")
    ISSUER_CAP_ACROSS_PLATFORMS = 409, _(
        "Across all platforms, an issuer may raise {limit} in 12 months; {used} is raised or "
        "being raised, so at most {left} is left.")
    LIMIT_ACROSS_PLATFORMS = 409, _(
        "Across all platforms, your crowdfunding limit for 12 months is {limit}; {used} is "
        "invested or pledged, so at most {left} is left.")
    REGISTRY_UNREACHABLE = 503, _(
        "The shared credit registry could not be asked ({reason}); nothing was done. Try "
        "again in a moment.")
    ISSUER_CHECKS_FAILED = 409, _(
        "The issuer did not pass every check ({rules}); the campaign cannot go online.")
    CAMPAIGN_NOT_OPEN = 409, _("This campaign is not taking pledges.")
    CAMPAIGN_FULL = 409, _("This campaign has reached its maximum; nothing is left to pledge.")
    PLEDGE_EXCEEDS_REMAINING = 409, _(
        "Only {remaining} is left before this campaign's maximum; pledge that or less.")
    PLEDGE_BELOW_MINIMUM = 400, _("The least you can pledge here is {minimum}.")
    PLEDGE_NOT_WHOLE_SHARES = 400, _(
        "Shares cost {price} each: pledge a whole number of shares.")
    TIER_NOT_IN_CAMPAIGN = 400, _("That reward is not one of this campaign's.")
    TIER_SOLD_OUT = 409, _("Only {left} of this reward is left; choose fewer or another reward.")
    TIER_NEEDS_MORE = 400, _("{quantity} × this reward takes at least {minimum}.")
    BACKER_NOT_ADMITTED = 403, _("Your identity and risk profile must be approved first.")
    KIND_NOT_SUITABLE = 403, _(
        "{kind} campaigns are risk level R{risk}; your risk profile allows up to R{allowed}.")
    RISKS_NOT_ACKNOWLEDGED = 409, _(
        "Read and accept the risks of {kind} campaigns before your first pledge of that kind.")
    QUALIFIED_INVESTORS_ONLY = 403, _(
        "This campaign is open only to qualified investors: {rule}.")
    BACKERS_FULL = 409, _("This campaign may have at most {maximum} backers, and has them all.")
    INVESTOR_LIMIT_EXCEEDED = 409, _(
        "Your crowdfunding limit for 12 months is {limit}; you have {used} invested or pledged, "
        "so at most {left} is left.")
    PLEDGE_OVER_WALLET = 409, _("Your wallet's available balance is too low for this pledge.")
    PLEDGE_NOT_CANCELLABLE = 409, _("This pledge can no longer be cancelled.")
    CANCELLATION_WINDOW_PASSED = 409, _(
        "Pledges are firm from {cutoff}, {hours} hours before the deadline; this one can no "
        "longer be cancelled.")
    PLEDGE_NOT_RECONFIRMABLE = 409, _(
        "This pledge is not waiting for a reconfirmation, or the time to reconfirm it is over.")
    NOT_YOUR_PLEDGE = 403, _("This pledge is not yours.")
    MILESTONE_NOT_IN_STATE = 409, _("This milestone is {status}; that cannot be done now.")
    NOT_A_BACKER = 403, _("Only the campaign's backers vote on its milestones.")
    BACKERS_ONLY = 403, _("Only the campaign's backers may comment on it.")
    REWARD_ON_ITS_WAY = 409, _("The reward is already on its way; the address cannot change.")
    FULFILMENT_OUT_OF_ORDER = 409, _("The reward is {status}; it moves one step at a time.")
    NOT_YOUR_HOLDING = 403, _("These shares are not yours.")
    DIRECT_HOLDING_ON_REGISTER = 409, _(
        "Shares held directly are transferred on the company's register, not here.")
    SHARES_LOCKED = 409, _("These shares cannot be transferred before {day}.")
    BUYER_NOT_FOUND = 404, _("There is no admitted investor with the user name {username}.")
    SHARES_NOT_HELD = 400, _("You may transfer 1 to {held} shares, to another investor.")
    EARLY_CLOSE_REFUSED = 409, _("The campaign cannot close early: {reason}.")
