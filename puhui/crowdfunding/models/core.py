"""Campaigns, their reward tiers, pledges, and what backers declared. Money is integer fen and
lives on the ledger (``puhui.crowdfunding``'s docstring says how)."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from puhui.core.transitions import StatusMoves


class CampaignKind(models.TextChoices):
    DONATION = "donation", _("Donation")
    REWARD = "reward", _("Reward")
    DEBT = "debt", _("Debt (notes)")
    EQUITY = "equity", _("Equity (shares)")


class FundingModel(models.TextChoices):
    ALL_OR_NOTHING = "all_or_nothing", _("All or nothing")
    KEEP_IT_ALL = "keep_it_all", _("Keep what is raised")


class CampaignStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    IN_REVIEW = "in_review", _("In review")
    REVIEWED = "reviewed", _("Reviewed, waiting for approval")
    ONLINE = "online", _("Online, taking pledges")
    SUSPENDED = "suspended", _("Suspended by the platform")
    FUNDED = "funded", _("Funded")
    FAILED = "failed", _("Did not reach its goal; pledges released")
    CLOSED = "closed", _("Closed")
    REJECTED = "rejected", _("Rejected")
    CANCELLED = "cancelled", _("Cancelled")


_S = CampaignStatus
CAMPAIGN_MOVES = StatusMoves("campaign", {
    _S.DRAFT: frozenset({_S.IN_REVIEW, _S.CANCELLED}),
    # the maker reviews, or sends it back to the issuer for changes
    _S.IN_REVIEW: frozenset({_S.REVIEWED, _S.DRAFT, _S.REJECTED, _S.CANCELLED}),
    # the checker approves (the campaign goes online) or rejects
    _S.REVIEWED: frozenset({_S.ONLINE, _S.REJECTED, _S.CANCELLED}),
    _S.ONLINE: frozenset({_S.FUNDED, _S.FAILED, _S.SUSPENDED, _S.CANCELLED}),
    _S.SUSPENDED: frozenset({_S.ONLINE, _S.CANCELLED}),
    _S.FUNDED: frozenset({_S.CLOSED}),
    _S.FAILED: frozenset(), _S.CLOSED: frozenset(), _S.REJECTED: frozenset(),
    _S.CANCELLED: frozenset(),
})


class EquityHolding(models.TextChoices):
    NOMINEE = "nominee", _("Through the platform's nominee (one line on the register)")
    DIRECT = "direct", _("Directly on the company's register")


class MilestoneMissed(models.TextChoices):
    VOTE = "vote", _("Backers vote: release the tranche or refund the rest")
    REFUND = "refund", _("The rest is refunded to backers pro rata")


class Allocation(models.TextChoices):
    FIRST_COME = "first_come", _("First come, first served up to the maximum")
    BALLOT = "ballot", _("A verifiable ballot when the maximum is oversubscribed")


class Campaign(models.Model):
    enterprise = models.ForeignKey("parties.Enterprise", on_delete=models.PROTECT,
                                   related_name="campaigns")
    kind = models.CharField(max_length=10, choices=CampaignKind.choices)
    funding_model = models.CharField(max_length=16, choices=FundingModel.choices)
    title = models.CharField(max_length=120)
    summary = models.CharField(max_length=300)
    story = models.TextField()
    risks = models.TextField()
    use_of_funds = models.TextField()
    currency = models.CharField(max_length=3, default="CNY")
    goal_fen = models.BigIntegerField()
    maximum_fen = models.BigIntegerField(null=True, blank=True)  # empty: no maximum
    min_pledge_fen = models.BigIntegerField()
    days_open = models.PositiveSmallIntegerField()  # from the day it goes online
    # debt: the note's coupon and schedule (lending.schedules' methods)
    rate_annual = models.DecimalField(max_digits=6, decimal_places=4, null=True, blank=True)
    term_months = models.PositiveSmallIntegerField(null=True, blank=True)
    repayment_method = models.CharField(max_length=20, blank=True)
    # equity: the round's terms
    pre_money_valuation_fen = models.BigIntegerField(null=True, blank=True)
    share_class = models.CharField(max_length=60, blank=True)
    price_per_share_fen = models.BigIntegerField(null=True, blank=True)
    holding = models.CharField(max_length=8, choices=EquityHolding.choices, blank=True)

    status = models.CharField(max_length=10, choices=CampaignStatus.choices,
                              default=CampaignStatus.DRAFT)
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    approver = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    review_note = models.TextField(blank=True)
    decision_reasons = models.TextField(blank=True)
    checks = models.JSONField(default=list)  # the admittance and rule checks, as lending's
    launched_on = models.DateField(null=True, blank=True)
    deadline = models.DateField(null=True, blank=True)  # the last day it takes pledges
    closes_at = models.DateTimeField(null=True, blank=True)  # the end of that day
    # the accounts are opened when it goes online (ledger ids)
    escrow_account_id = models.BigIntegerField(null=True, blank=True)
    capacity_account_id = models.BigIntegerField(null=True, blank=True)
    capacity_sink_account_id = models.BigIntegerField(null=True, blank=True)
    # its maximum raise reserved under the issuer's 12-month cap at the shared registry
    cap_reserved_fen = models.BigIntegerField(default=0)
    # what is paid at funding (basis points of what is left after the fee); the rest waits in
    # the escrow for the milestones, and what happens to it when one is missed
    first_tranche_bp = models.PositiveIntegerField(default=10_000)
    if_milestone_missed = models.CharField(max_length=8, choices=MilestoneMissed.choices,
                                           blank=True)
    key_people = models.TextField(blank=True)
    # how a maximum is shared out; a ballot's seed is committed when it goes online (its
    # SHA-256 published) and revealed when the raise ends (``crowdfunding.ballot``)
    allocation = models.CharField(max_length=10, choices=Allocation.choices,
                                  default=Allocation.FIRST_COME)
    ballot_commitment = models.CharField(max_length=64, blank=True)
    ballot_seed_sealed = models.TextField(blank=True)
    ballot_seed = models.CharField(max_length=64, blank=True)
    raised_fen = models.BigIntegerField(default=0)  # set when it closes
    loan_id = models.BigIntegerField(null=True, blank=True)  # a funded debt campaign's loan
    fee_fen = models.BigIntegerField(default=0)
    rulebook_id = models.CharField(max_length=40)
    rulebook_version = models.CharField(max_length=20)
    created_at = models.DateTimeField(auto_now_add=True)
    request_id = models.UUIDField(null=True, blank=True, unique=True)  # its form's: sent once

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(goal_fen__gt=0, min_pledge_fen__gt=0),
                                   name="crowdfunding_campaign_amounts_positive"),
            models.CheckConstraint(condition=Q(maximum_fen__isnull=True)
                                   | Q(maximum_fen__gte=F("goal_fen")),
                                   name="crowdfunding_campaign_maximum_over_goal"),
            models.CheckConstraint(condition=Q(approver__isnull=True)
                                   | ~Q(approver=F("reviewer")),
                                   name="crowdfunding_campaign_maker_is_not_checker"),
        ]
        indexes = [models.Index(fields=["status", "deadline"],
                                name="crowdfunding_campaign_due")]

    def __str__(self) -> str:
        return f"campaign {self.pk}"

    @property
    def subject(self) -> str:
        return f"campaign:{self.pk}"


class RewardTier(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="tiers")
    title = models.CharField(max_length=120)
    description = models.TextField()
    price_fen = models.BigIntegerField()  # the least a pledge for it gives
    quantity = models.PositiveIntegerField(null=True, blank=True)  # empty: unlimited
    estimated_delivery = models.DateField()
    ships = models.BooleanField(default=False)  # a shipping address is asked after success
    # a limited tier's units on the ledger (opened when the campaign goes online)
    stock_account_id = models.BigIntegerField(null=True, blank=True)
    stock_sink_account_id = models.BigIntegerField(null=True, blank=True)

    class Meta:
        constraints = [models.CheckConstraint(condition=Q(price_fen__gt=0),
                                              name="crowdfunding_tier_price_positive")]
        ordering = ["price_fen", "pk"]

    def __str__(self) -> str:
        return self.title


class PledgeStatus(models.TextChoices):
    PENDING = "pending", _("Pledged, held in your wallet")
    RECONFIRM = "reconfirm", _("Waiting for your reconfirmation")
    CANCELLED = "cancelled", _("Cancelled")
    LAPSED = "lapsed", _("Cancelled: not reconfirmed in time")
    COLLECTED = "collected", _("Collected")
    RELEASED = "released", _("Released")


_P = PledgeStatus
PLEDGE_LIVE = (_P.PENDING, _P.RECONFIRM)  # money held on the ledger
PLEDGE_BACKING = (*PLEDGE_LIVE, _P.COLLECTED)  # the backer is backing the campaign
PLEDGE_MOVES = StatusMoves("pledge", {
    _P.PENDING: frozenset({_P.CANCELLED, _P.RECONFIRM, _P.COLLECTED, _P.RELEASED}),
    _P.RECONFIRM: frozenset({_P.PENDING, _P.CANCELLED, _P.LAPSED, _P.RELEASED}),
    _P.CANCELLED: frozenset(), _P.LAPSED: frozenset(), _P.COLLECTED: frozenset(),
    _P.RELEASED: frozenset(),
})


class Pledge(models.Model):
    """A pledge's money is a pending ledger transfer; ``status`` mirrors how it was resolved."""

    id = models.UUIDField(primary_key=True)  # the client's idempotency key; the transfer id
    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="pledges")
    backer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                               related_name="pledges")
    tier = models.ForeignKey(RewardTier, null=True, blank=True, on_delete=models.PROTECT,
                             related_name="pledges")
    quantity = models.PositiveSmallIntegerField(default=1)  # units of the tier
    amount_fen = models.BigIntegerField()
    capacity_transfer_id = models.UUIDField(null=True, blank=True)
    stock_transfer_id = models.UUIDField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=PledgeStatus.choices,
                              default=PledgeStatus.PENDING)
    reconfirm_by = models.DateField(null=True, blank=True)  # after a material change
    allocated_fen = models.BigIntegerField(default=0)  # what was collected (a ballot: maybe less)
    # part of the backer's 12-month limit reserved at the shared registry for this pledge
    reserved_across_platforms = models.BooleanField(default=False)
    name_shown = models.BooleanField(default=False)  # the backer's consent to be named
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(amount_fen__gt=0, quantity__gte=1),
                                   name="crowdfunding_pledge_amount_positive"),
        ]
        indexes = [models.Index(fields=["campaign", "status"],
                                name="crowdfunding_pledge_status"),
                   models.Index(fields=["backer", "status"], name="crowdfunding_pledge_backer")]

    def __str__(self) -> str:
        return f"pledge {self.id}"


class RiskAcknowledgement(models.Model):
    """A backer read the risks of a kind of campaign before a first pledge of that kind."""

    backer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                               related_name="+")
    kind = models.CharField(max_length=10, choices=CampaignKind.choices)
    acknowledged_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["backer", "kind"],
                                               name="crowdfunding_acknowledged_once")]

    def __str__(self) -> str:
        return f"{self.backer_id} acknowledged {self.kind}"


class BackerStanding(models.Model):
    """What a backer declared for the investment limits and the qualified-investor test
    (yuan, as typed; the income and net worth of KYC are the investor profile's)."""

    backer = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                  related_name="backer_standing")
    accredited = models.BooleanField(default=False)
    financial_assets_yuan = models.DecimalField(max_digits=16, decimal_places=2, default=0)
    average_income_3_years_yuan = models.DecimalField(max_digits=16, decimal_places=2,
                                                      default=0)
    declared_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"standing of {self.backer_id}"
