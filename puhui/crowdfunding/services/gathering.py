"""Group commit of pledges on a hot campaign (leader and followers).

A pledge request joins its campaign's queue in this process. If no batch is being booked, its
thread becomes the leader: it takes everything queued (at most ``BATCH_MOST``) and books it
with ``pledges_place`` — one campaign lock, one ledger batch, each pledge its own chain and
its own answer — then hands the lead to the first request that queued meanwhile and returns
its own answer. Requests arriving while a batch is booked wait for the next one, so the batch
grows with the load instead of every pledge waiting for the one before it under the campaign
lock. Processes (server workers) gather apart; their batches meet at the campaign's row lock.
Every guarantee is the ledger's and the lock's, as for a single pledge: the queue only decides
which pledges share a transaction.
"""

import threading
from dataclasses import dataclass, field
from datetime import date

from puhui.crowdfunding.models import Campaign
from puhui.crowdfunding.services.pledges import PledgeOutcome, PledgeRequest, pledges_place

BATCH_MOST = 500  # pledges one transaction books at most


@dataclass
class _Waiting:
    request: PledgeRequest
    business_date: date | None
    wake: threading.Event = field(default_factory=threading.Event)
    outcome: PledgeOutcome | None = None
    failure: BaseException | None = None
    leads: bool = False  # woken to book the next batch, not with its answer


@dataclass
class _Queue:
    lock: threading.Lock = field(default_factory=threading.Lock)
    waiting: list[_Waiting] = field(default_factory=list)
    leading: bool = False


_queues: dict[int, _Queue] = {}
_queues_lock = threading.Lock()


def _queue_of(campaign_id: int) -> _Queue:
    with _queues_lock:
        return _queues.setdefault(campaign_id, _Queue())


def pledge_gathered(*, campaign: Campaign, request: PledgeRequest,
                    business_date: date | None = None) -> PledgeOutcome:
    """Place one pledge in the next batch of its campaign; its own answer, as
    ``pledges_place`` gives it (a refusal is an outcome, not an exception)."""
    queue = _queue_of(campaign.pk)
    me = _Waiting(request, business_date)
    with queue.lock:
        queue.waiting.append(me)
        me.leads = not queue.leading
        queue.leading = True
    while not me.leads:
        me.wake.wait()
        me.wake.clear()
        if me.outcome is not None or me.failure is not None:
            return _answer(me)
    _lead(queue, campaign)
    return _answer(me)


def _answer(me: _Waiting) -> PledgeOutcome:
    if me.failure is not None:
        raise me.failure
    assert me.outcome is not None
    return me.outcome


def _lead(queue: _Queue, campaign: Campaign) -> None:
    """Book what is queued (the leader's own request first among it), answer each, and pass
    the lead on to the first request still waiting, or give it up."""
    with queue.lock:
        batch, queue.waiting = queue.waiting[:BATCH_MOST], queue.waiting[BATCH_MOST:]
    try:
        outcomes = pledges_place(campaign=campaign, requests=[w.request for w in batch],
                                 business_date=batch[0].business_date)
        for waiting, outcome in zip(batch, outcomes, strict=True):
            waiting.outcome = outcome
    except Exception as error:  # the whole transaction failed: every request in it hears it
        for waiting in batch:
            waiting.failure = error
    with queue.lock:
        successor = queue.waiting[0] if queue.waiting else None
        queue.leading = successor is not None
        if successor is not None:
            successor.leads = True
    for waiting in batch:
        waiting.wake.set()
    if successor is not None:
        successor.wake.set()
