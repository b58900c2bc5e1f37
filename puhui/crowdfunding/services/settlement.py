"""The end of a raise: at the deadline a campaign that reached its goal (or raised anything,
when it keeps what it raised) collects every pledge, pays the platform's fee and the issuer;
one that missed releases every pledge at once. A campaign cancelled by its issuer or by an
operator releases its pledges the same way."""

from datetime import date

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from puhui.audit.services import audit_record
from puhui.core.business_day import business_date_today
from puhui.core.errors import PuhuiError
from puhui.core.money import money_from_minor, money_quantize, money_to_minor
from puhui.core.pii import pii_decrypt
from puhui.crowdfunding import ballot
from puhui.crowdfunding.errors import CrowdfundingError
from puhui.crowdfunding.models import (
    Allocation,
    Campaign,
    CampaignKind,
    CampaignStatus,
    FundingModel,
    Pledge,
    PledgeStatus,
)
from puhui.crowdfunding.notices import notices_campaign_ended
from puhui.crowdfunding.ports import CrowdfundingCode, crowdfunding_transfer_id
from puhui.crowdfunding.services.across_platforms import (
    issuer_cap_resolve,
    pledge_limits_resolve,
)
from puhui.crowdfunding.services.equity import shares_issue
from puhui.crowdfunding.services.fulfilment import fulfilments_open
from puhui.crowdfunding.services.milestones import tranches_split
from puhui.crowdfunding.services.pledges import BALLOT_SEED_CONTEXT, pledges_resolve
from puhui.crowdfunding.services.rules import campaign_move_require, crowdfunding_rules
from puhui.custody.ports import CustodyAccount
from puhui.ledger.services import (
    NewTransfer,
    account_for,
    linked_chain,
    transfers_create,
    transfers_require,
)
from puhui.lending.ports import LendingAccount
from puhui.parties.models import OperatorDuty, Role, User
from puhui.parties.services import require_duty


def _release_all(campaign: Campaign) -> list[Pledge]:
    """Void every pledge still held; the money is back in the wallets."""
    held = list(Pledge.objects.select_for_update().select_related("backer").filter(
        campaign=campaign, status__in=(PledgeStatus.PENDING, PledgeStatus.RECONFIRM)))
    pledges_resolve(held, post=False)
    pledge_limits_resolve(campaign, held, collected=False)
    Pledge.objects.filter(pk__in=[p.pk for p in held]).update(status=PledgeStatus.RELEASED)
    return held


def _lapse_unconfirmed(campaign: Campaign) -> None:
    """Pledges still waiting for their reconfirmation when the raise ends do not count."""
    waiting = list(Pledge.objects.select_for_update().filter(campaign=campaign,
                                                             status=PledgeStatus.RECONFIRM))
    pledges_resolve(waiting, post=False)
    pledge_limits_resolve(campaign, waiting, collected=False)
    Pledge.objects.filter(pk__in=[p.pk for p in waiting]).update(status=PledgeStatus.LAPSED)


def campaign_fee_fen(campaign: Campaign, raised_fen: int) -> int:
    rate = crowdfunding_rules().platform_fee_rate
    return money_to_minor(money_quantize(money_from_minor(raised_fen, campaign.currency) * rate,
                                         campaign.currency), campaign.currency)


def _pay_out(campaign: Campaign, raised_fen: int) -> int:
    """Escrow → the platform's fee income and the issuer's wallet (the first tranche; the
    milestones' tranches stay in the escrow), as one linked chain; the fee is the rulebook's
    rate of what was raised, rounded half-up to the fen."""
    fee = campaign_fee_fen(campaign, raised_fen)
    escrow = campaign.escrow_account_id or 0
    issuer = account_for(kind=CustodyAccount.BORROWER_WALLET,
                         owner=f"enterprise:{campaign.enterprise_id}", currency=campaign.currency,
                         debits_must_not_exceed_credits=True)
    legs = []
    if fee:
        income = account_for(kind=LendingAccount.PLATFORM_FEE_INCOME, owner="platform",
                             currency=campaign.currency)
        legs.append(NewTransfer(id=crowdfunding_transfer_id("fee", campaign.pk),
                                debit_account_id=escrow, credit_account_id=income.id,
                                amount=fee, currency=campaign.currency,
                                code=CrowdfundingCode.CAMPAIGN_FEE, reference=campaign.subject))
    first_tranche = tranches_split(campaign, raised_fen - fee)
    if first_tranche:
        legs.append(NewTransfer(id=crowdfunding_transfer_id("payout", campaign.pk),
                                debit_account_id=escrow, credit_account_id=issuer.id,
                                amount=first_tranche, currency=campaign.currency,
                                code=CrowdfundingCode.CAMPAIGN_PAYOUT, reference=campaign.subject))
    if legs:
        transfers_require(transfers_create(linked_chain(legs)), what="a campaign's payout")
    return fee


def _ballot_draw(campaign: Campaign, held: list[Pledge]) -> None:
    """Reveal the seed committed at launch and allocate the maximum by its tickets."""
    seed = pii_decrypt(campaign.ballot_seed_sealed, context=BALLOT_SEED_CONTEXT)
    campaign.ballot_seed = seed
    shares = ballot.allocation(seed, [(str(p.pk), p.amount_fen) for p in held],
                               maximum=campaign.maximum_fen or 0,
                               unit=campaign.price_per_share_fen or 1)
    for pledge in held:
        pledge.allocated_fen = shares[str(pledge.pk)]


def _collect(campaign: Campaign, held: list[Pledge]) -> None:
    """Post what each pledge was allocated (all of it, unless a ballot gave less) and release
    the pledges the ballot left out."""
    won = [p for p in held if p.allocated_fen]
    lost = [p for p in held if not p.allocated_fen]
    pledges_resolve(won, post=True, amounts={p.pk: p.allocated_fen for p in won})
    pledges_resolve(lost, post=False)
    pledge_limits_resolve(campaign, won, collected=True)
    pledge_limits_resolve(campaign, lost, collected=False)
    for pledge in won:
        pledge.status = PledgeStatus.COLLECTED
    for pledge in lost:
        pledge.status = PledgeStatus.RELEASED
    Pledge.objects.bulk_update(held, ["status", "allocated_fen"])


@transaction.atomic
def campaign_settle(*, campaign: Campaign, business_date: date | None = None) -> Campaign:
    """Close an online campaign whose deadline has passed by ``business_date``: funded or
    failed. Before then, or when it is not online, nothing changes."""
    today = business_date or business_date_today()
    campaign = Campaign.objects.select_for_update(of=("self",)).get(pk=campaign.pk)
    if campaign.status != CampaignStatus.ONLINE or campaign.deadline is None or (
            today < campaign.deadline):
        return campaign
    _lapse_unconfirmed(campaign)
    held = list(Pledge.objects.select_for_update(of=("self",)).select_related(
        "backer", "tier").filter(
        campaign=campaign, status=PledgeStatus.PENDING))
    for pledge in held:
        pledge.allocated_fen = pledge.amount_fen
    if campaign.allocation == Allocation.BALLOT:
        _ballot_draw(campaign, held)
    raised = sum(p.allocated_fen for p in held)
    reached = (raised >= campaign.goal_fen if campaign.funding_model == FundingModel.ALL_OR_NOTHING
               else raised > 0)
    if reached:
        _collect(campaign, held)
        shares_issue(campaign, [p for p in held if p.allocated_fen], today)
        fulfilments_open([p for p in held if p.allocated_fen])
        # notes become a lending loan at close of business (operations.crowdfunding_notes),
        # which takes its fee and pays the issuer out of the escrow
        campaign.fee_fen = 0 if campaign.kind == CampaignKind.DEBT else _pay_out(campaign, raised)
        campaign.status = CampaignStatus.FUNDED
    else:
        held = _release_all(campaign)
        campaign.status = CampaignStatus.FAILED
    campaign.raised_fen = raised
    issuer_cap_resolve(campaign, raised if reached else 0)
    campaign.save(update_fields=["status", "raised_fen", "fee_fen", "ballot_seed"])
    notices_campaign_ended(campaign, held)
    audit_record(actor=None, action=f"campaign.{campaign.status}", subject=campaign.subject,
                 raised_fen=raised, fee_fen=campaign.fee_fen, business_date=today.isoformat())
    return campaign


def campaigns_settle_due(*, business_date: date) -> int:
    """Every online campaign whose deadline is on or before ``business_date``; how many."""
    due = Campaign.objects.filter(status=CampaignStatus.ONLINE, deadline__lte=business_date)
    settled = 0
    for campaign in due.order_by("pk").iterator():
        campaign_settle(campaign=campaign, business_date=business_date)
        settled += 1
    return settled


@transaction.atomic
def campaign_cancel(*, user: User, campaign: Campaign, reasons: str) -> Campaign:
    """The issuer withdraws the campaign (or an operator ends a suspended one); every pledge
    held is released. A second cancel changes nothing."""
    campaign = Campaign.objects.select_for_update(of=("self",)).select_related(
        "enterprise").get(pk=campaign.pk)
    if campaign.status == CampaignStatus.CANCELLED:
        return campaign
    if user.role == Role.OPERATOR:
        require_duty(user, OperatorDuty.RISK_OFFICER)
    elif campaign.enterprise.representative_id != user.pk:
        raise PuhuiError(CrowdfundingError.NOT_YOUR_CAMPAIGN)
    campaign_move_require(campaign, CampaignStatus.CANCELLED, _("cancelled"))
    released = _release_all(campaign) if campaign.escrow_account_id else []
    issuer_cap_resolve(campaign, 0)
    campaign.status = CampaignStatus.CANCELLED
    campaign.decision_reasons = reasons or campaign.decision_reasons
    campaign.save(update_fields=["status", "decision_reasons"])
    notices_campaign_ended(campaign, released)
    audit_record(actor=user, action="campaign.cancelled", subject=campaign.subject,
                 reasons=reasons, released=len(released))
    return campaign


@transaction.atomic
def campaign_loan_record(*, campaign: Campaign, loan_id: int) -> Campaign:
    """A funded debt campaign's notes are lending's loan ``loan_id`` from now on."""
    campaign = Campaign.objects.select_for_update(of=("self",)).get(pk=campaign.pk)
    if campaign.loan_id is None:
        campaign.loan_id = loan_id
        campaign.save(update_fields=["loan_id"])
        audit_record(actor=None, action="campaign.loan_booked", subject=campaign.subject,
                     loan=loan_id)
    return campaign
