"""Pledges, many at a time: one campaign lock and one ledger batch for a whole batch of
requests, each pledge still its own linked chain of pending transfers with its own answer.

The chain is wallet → escrow (the money), capacity → sink (when the campaign has a maximum)
and stock → sink (a limited reward's units), so the ledger refuses a pledge that would go past
the maximum or oversell a tier, however many race. The campaign row serialises batches, so
the per-campaign tallies the checks read (backers, a backer's own pledges, a backer's
12-month limit) are exact; where a kind counts toward the investor limit, the shared registry
holds the pledge's part of it across platforms before the pledge is booked."""

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from puhui.audit.services import audit_record, audit_records
from puhui.core.business_day import business_date_today
from puhui.core.errors import PuhuiError, sent_before
from puhui.core.money import UNITS, money_shown, money_to_minor
from puhui.crowdfunding.errors import CrowdfundingError
from puhui.crowdfunding.models import (
    PLEDGE_MOVES,
    Campaign,
    CampaignStatus,
    Pledge,
    PledgeStatus,
    RewardTier,
)
from puhui.crowdfunding.ports import CrowdfundingCode, crowdfunding_transfer_id
from puhui.crowdfunding.services.accounts import campaign_raised_fen, tiers_left
from puhui.crowdfunding.services.across_platforms import (
    pledge_limit_hold,
    pledge_limits_release,
    pledge_limits_resolve,
)
from puhui.crowdfunding.services.backers import backer_may_pledge, backer_tallies
from puhui.crowdfunding.services.rules import crowdfunding_rules
from puhui.custody.ports import CustodyAccount
from puhui.ledger.errors import TransferResult
from puhui.ledger.models import Account
from puhui.ledger.services import (
    NewTransfer,
    account_for,
    linked_chain,
    transfers_create,
    transfers_require,
)
from puhui.parties.models import User


@dataclass(frozen=True)
class PledgeRequest:
    pledge_id: uuid.UUID  # the client's idempotency key
    backer: User
    amount: Decimal
    tier_id: int | None = None
    quantity: int = 1
    name_shown: bool = False


@dataclass(frozen=True)
class PledgeOutcome:
    request: PledgeRequest
    pledge: Pledge | None = None
    error: PuhuiError | None = None


def _pledge_chain(campaign: Campaign, tier: RewardTier | None, request: PledgeRequest,
                  amount_fen: int, wallet_id: int) -> list[NewTransfer]:
    chain = [NewTransfer(id=request.pledge_id, debit_account_id=wallet_id,
                         credit_account_id=campaign.escrow_account_id or 0, amount=amount_fen,
                         currency=campaign.currency, code=CrowdfundingCode.PLEDGE, pending=True,
                         reference=campaign.subject)]
    if campaign.capacity_account_id is not None:
        chain.append(NewTransfer(
            id=crowdfunding_transfer_id("pledge-capacity", request.pledge_id),
            debit_account_id=campaign.capacity_account_id,
            credit_account_id=campaign.capacity_sink_account_id or 0, amount=amount_fen,
            currency=campaign.currency, code=CrowdfundingCode.PLEDGE_CAPACITY, pending=True,
            reference=campaign.subject))
    if tier is not None and tier.stock_account_id is not None:
        chain.append(NewTransfer(
            id=crowdfunding_transfer_id("pledge-stock", request.pledge_id),
            debit_account_id=tier.stock_account_id,
            credit_account_id=tier.stock_sink_account_id or 0, amount=request.quantity,
            currency=UNITS, code=CrowdfundingCode.PLEDGE_STOCK, pending=True,
            reference=campaign.subject))
    return linked_chain(chain)


def _amount_checked(campaign: Campaign, tiers: dict[int, RewardTier],
                    request: PledgeRequest) -> tuple[int, RewardTier | None]:
    amount_fen = money_to_minor(request.amount, campaign.currency)
    if amount_fen < campaign.min_pledge_fen:
        raise PuhuiError(CrowdfundingError.PLEDGE_BELOW_MINIMUM,
                         minimum=money_shown(campaign.min_pledge_fen, campaign.currency))
    tier = None
    if request.tier_id is not None:
        tier = tiers.get(request.tier_id)
        if tier is None or request.quantity < 1:
            raise PuhuiError(CrowdfundingError.TIER_NOT_IN_CAMPAIGN)
        if amount_fen < tier.price_fen * request.quantity:
            raise PuhuiError(CrowdfundingError.TIER_NEEDS_MORE, quantity=request.quantity,
                             minimum=money_shown(tier.price_fen * request.quantity,
                                                 campaign.currency))
    elif request.quantity != 1:
        raise PuhuiError(CrowdfundingError.TIER_NOT_IN_CAMPAIGN)
    price = campaign.price_per_share_fen
    if price and amount_fen % price:
        raise PuhuiError(CrowdfundingError.PLEDGE_NOT_WHOLE_SHARES,
                         price=money_shown(price, campaign.currency))
    return amount_fen, tier


def backer_wallets(backers: set[int], currency: str) -> dict[int, int]:
    """Each backer's wallet id, found in one query (opened where missing)."""
    owners = {f"user:{pk}": pk for pk in backers}
    found = dict(Account.objects.filter(kind=CustodyAccount.INVESTOR_WALLET, currency=currency,
                                        owner__in=owners).values_list("owner", "id"))
    for owner in set(owners) - set(found):
        found[owner] = account_for(kind=CustodyAccount.INVESTOR_WALLET, owner=owner,
                                   currency=currency, debits_must_not_exceed_credits=True).id
    return {owners[owner]: account_id for owner, account_id in found.items()}


def _campaign_open(campaign: Campaign, business_date: date, now: datetime) -> None:
    if campaign.status != CampaignStatus.ONLINE or campaign.deadline is None or (
        business_date > campaign.deadline
    ) or (campaign.closes_at is not None and now >= campaign.closes_at):
        raise PuhuiError(CrowdfundingError.CAMPAIGN_NOT_OPEN)


@transaction.atomic
def pledges_place(*, campaign: Campaign, requests: Sequence[PledgeRequest],
                  business_date: date | None = None, now: datetime | None = None
                  ) -> list[PledgeOutcome]:
    """Place a batch of pledges on one campaign: each is checked and booked on its own (one
    refused leaves the others standing), all under one campaign lock and one ledger batch. A
    request whose id was placed before answers with that pledge."""
    business_date, now = business_date or business_date_today(), now or timezone.now()
    campaign = Campaign.objects.select_for_update(of=("self",)).get(pk=campaign.pk)
    outcomes: dict[uuid.UUID, PledgeOutcome] = {}
    placed = Pledge.objects.in_bulk([r.pledge_id for r in requests])  # sent before
    for request in requests:
        if request.pledge_id in placed:
            outcomes[request.pledge_id] = _sent_again(placed[request.pledge_id], campaign,
                                                      request)
    fresh = [r for r in requests if r.pledge_id not in outcomes]
    if fresh:
        try:
            _campaign_open(campaign, business_date, now)
        except PuhuiError as error:
            outcomes.update({r.pledge_id: PledgeOutcome(r, error=error) for r in fresh})
        else:
            outcomes.update(_book(campaign, fresh, now))
    return [outcomes[request.pledge_id] for request in requests]


def _sent_again(existing: Pledge, campaign: Campaign, request: PledgeRequest) -> PledgeOutcome:
    try:
        return PledgeOutcome(request, pledge=sent_before(
            existing, campaign_id=campaign.pk, backer_id=request.backer.pk,
            amount_fen=money_to_minor(request.amount, campaign.currency),
            tier_id=request.tier_id))
    except PuhuiError as error:
        return PledgeOutcome(request, error=error)


_Chain = tuple[PledgeRequest, int, RewardTier | None, list[NewTransfer]]


@dataclass
class _Checked:
    """A batch's requests after the checks: the chains to book, the refusals, the refusals a
    tally the batch itself raised decided (to decide again if the ledger refuses some), and
    the pledges whose limit the shared registry holds."""

    chains: list[_Chain] = field(default_factory=list)
    outcomes: dict[uuid.UUID, PledgeOutcome] = field(default_factory=dict)
    counted_against: list[PledgeRequest] = field(default_factory=list)
    reserved: set[uuid.UUID] = field(default_factory=set)


def _check_all(campaign: Campaign, requests: Sequence[PledgeRequest], now: datetime
               ) -> _Checked:
    rules = crowdfunding_rules()
    backers = {r.backer.pk for r in requests}
    tallies = backer_tallies(campaign, backers, rules, now)
    tiers = {tier.pk: tier for tier in campaign.tiers.all()}
    wallets = backer_wallets(backers, campaign.currency)
    checked, seen = _Checked(), set()
    for request in requests:
        if request.pledge_id in seen:  # the same id twice in one batch: the first decides
            continue
        seen.add(request.pledge_id)
        try:
            amount_fen, tier = _amount_checked(campaign, tiers, request)
            limit = backer_may_pledge(campaign, rules, tallies, request.backer, amount_fen)
            if limit is not None and pledge_limit_hold(
                    campaign=campaign, profile=tallies.profiles[request.backer.pk],
                    pledge_id=request.pledge_id, amount_fen=amount_fen, limit_fen=limit):
                checked.reserved.add(request.pledge_id)
        except PuhuiError as error:
            checked.outcomes[request.pledge_id] = PledgeOutcome(request, error=error)
            if error.error in _ON_TALLIES:
                checked.counted_against.append(request)
            continue
        tallies.in_campaign[request.backer.pk] += amount_fen
        tallies.used_12_months[request.backer.pk] += amount_fen
        checked.chains.append((request, amount_fen, tier, _pledge_chain(
            campaign, tier, request, amount_fen, wallets[request.backer.pk])))
    return checked


def _book(campaign: Campaign, requests: Sequence[PledgeRequest], now: datetime
          ) -> dict[uuid.UUID, PledgeOutcome]:
    checked = _check_all(campaign, requests, now)
    chains, outcomes, reserved = checked.chains, checked.outcomes, checked.reserved
    tiers = {tier.pk: tier for _r, _a, tier, _c in chains if tier is not None}
    results = transfers_create([t for *_, chain in chains for t in chain]) if chains else []
    made: list[tuple[PledgeRequest, Pledge]] = []
    refusals: list[tuple[PledgeRequest, RewardTier | None, uuid.UUID]] = []
    position = 0
    for request, amount_fen, tier, chain in chains:
        chain_results = results[position:position + len(chain)]
        position += len(chain)
        refused = next((o for o in chain_results
                        if o.result not in (TransferResult.OK, TransferResult.LINKED_EVENT_FAILED)),
                       None)
        if refused is not None:
            refusals.append((request, tier, refused.id))
            continue
        made.append((request, Pledge(
            id=request.pledge_id, campaign=campaign, backer=request.backer, tier=tier,
            quantity=request.quantity, amount_fen=amount_fen,
            capacity_transfer_id=chain[1].id if campaign.capacity_account_id else None,
            stock_transfer_id=chain[-1].id if tier and tier.stock_account_id else None,
            name_shown=request.name_shown, created_at=now,
            reserved_across_platforms=request.pledge_id in reserved)))
    pledge_limits_release(campaign, reserved & {request.pledge_id for request, *_ in refusals})
    if refusals:  # what is left, read once for every refusal of the batch
        left, raised = tiers_left(tiers.values()), campaign_raised_fen(campaign)
        for request, tier, refused_id in refusals:
            outcomes[request.pledge_id] = PledgeOutcome(request, error=_ledger_refusal(
                campaign, tier, refused_id, request.pledge_id, left=left, raised_fen=raised))
    Pledge.objects.bulk_create([pledge for _request, pledge in made])
    audit_records((p.backer, "pledge.placed", campaign.subject,
                   {"pledge": str(p.id), "amount_fen": p.amount_fen}) for _r, p in made)
    outcomes.update({p.id: PledgeOutcome(request, pledge=p) for request, p in made})
    if checked.counted_against and refusals:
        # the ledger refused pledges the tallies had counted: decide again, on what was booked
        outcomes.update(_book(campaign, checked.counted_against, now))
    return outcomes


# Refusals that depend on the pledges before it in the batch.
_ON_TALLIES = (CrowdfundingError.BACKERS_FULL, CrowdfundingError.INVESTOR_LIMIT_EXCEEDED)


BALLOT_SEED_CONTEXT = "crowdfunding.ballot_seed"


def pledges_resolve(pledges: Sequence[Pledge], *, post: bool,
                    amounts: dict[uuid.UUID, int] | None = None) -> None:
    """Post (or void) each pledge's chain of pending transfers, in batches, each chain
    linked; ``amounts`` posts less than a pledge held (a ballot's share; 0: all of it)."""
    step = "post" if post else "void"
    batch: list[NewTransfer] = []
    for pledge in pledges:
        pending = [pledge.pk, pledge.capacity_transfer_id, pledge.stock_transfer_id]
        batch += linked_chain([
            NewTransfer(id=crowdfunding_transfer_id(step, pending_id), pending_id=pending_id,
                        post_pending_transfer=post, void_pending_transfer=not post,
                        amount=(amounts or {}).get(pending_id, 0))
            for pending_id in pending if pending_id is not None])
        if len(batch) >= 8_000:  # whole chains only: a batch never cuts one
            transfers_require(transfers_create(batch), what="the resolution of pledges")
            batch = []
    if batch:
        transfers_require(transfers_create(batch),
                          what="the resolution of pledges")


def _ledger_refusal(campaign: Campaign, tier: RewardTier | None, refused_id: uuid.UUID,
                    pledge_id: uuid.UUID, *, left: dict[int, int | None], raised_fen: int
                    ) -> PuhuiError:
    """Which leg of the chain the ledger refused, said as the backer needs to hear it."""
    if refused_id == pledge_id:
        return PuhuiError(CrowdfundingError.PLEDGE_OVER_WALLET)
    if tier is not None and refused_id == crowdfunding_transfer_id("pledge-stock", pledge_id):
        return PuhuiError(CrowdfundingError.TIER_SOLD_OUT, left=left.get(tier.pk) or 0)
    remaining = (campaign.maximum_fen or 0) - raised_fen
    if remaining <= 0:
        return PuhuiError(CrowdfundingError.CAMPAIGN_FULL)
    return PuhuiError(CrowdfundingError.PLEDGE_EXCEEDS_REMAINING,
                      remaining=money_shown(remaining, campaign.currency))


def pledge_place(*, campaign: Campaign, request: PledgeRequest,
                 business_date: date | None = None, now: datetime | None = None) -> Pledge:
    """One pledge; a refusal is raised."""
    [outcome] = pledges_place(campaign=campaign, requests=[request], business_date=business_date,
                              now=now)
    if outcome.error is not None:
        raise outcome.error
    assert outcome.pledge is not None
    return outcome.pledge


def cancellation_cutoff(campaign: Campaign) -> datetime | None:
    """From this moment pledges are firm (the rulebook's hours before the deadline)."""
    if campaign.closes_at is None:
        return None
    hours = crowdfunding_rules().cancellation_hours_before_deadline
    return campaign.closes_at - timedelta(hours=hours)


@transaction.atomic
def pledge_cancel(*, backer: User, pledge: Pledge, now: datetime | None = None) -> Pledge:
    """The backer takes a pledge back, for any reason, until the cut-off; its money (and its
    reward's units) are free again at once. A second cancel changes nothing."""
    now = now or timezone.now()
    campaign = Campaign.objects.select_for_update(of=("self",)).get(pk=pledge.campaign_id)
    pledge = Pledge.objects.select_for_update().get(pk=pledge.pk)
    if pledge.backer_id != backer.pk:
        raise PuhuiError(CrowdfundingError.NOT_YOUR_PLEDGE)
    if pledge.status == PledgeStatus.CANCELLED:
        return pledge
    if not PLEDGE_MOVES.allows(pledge.status, PledgeStatus.CANCELLED) or campaign.status not in (
            CampaignStatus.ONLINE, CampaignStatus.SUSPENDED):
        raise PuhuiError(CrowdfundingError.PLEDGE_NOT_CANCELLABLE)
    cutoff = cancellation_cutoff(campaign)
    if cutoff is not None and now >= cutoff:
        raise PuhuiError(CrowdfundingError.CANCELLATION_WINDOW_PASSED,
                         cutoff=timezone.localtime(cutoff).strftime("%Y-%m-%d %H:%M"),
                         hours=crowdfunding_rules().cancellation_hours_before_deadline)
    pledges_resolve([pledge], post=False)
    pledge_limits_resolve(campaign, [pledge], collected=False)
    pledge.status = PledgeStatus.CANCELLED
    pledge.save(update_fields=["status"])
    audit_record(actor=backer, action="pledge.cancelled", subject=campaign.subject,
                 pledge=str(pledge.pk))
    return pledge
