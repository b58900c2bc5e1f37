"""Hypothesis stateful test: random create / pending / post / void / expire / linked / retry
sequences against a small in-memory model of the ledger's rules.

After every step each account's four totals equal the model's, and Σ debits = Σ credits (posted
and pending) holds over the whole ledger. The model is written from TigerBeetle's documented
semantics, separately from ``services``.
"""

import uuid
from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from puhui.ledger.models import Account
from puhui.ledger.services import (
    NewTransfer,
    account_create,
    transfers_create,
    transfers_expire_due,
)

ACCOUNTS = 4  # 0: unlimited source; 1–2: wallets (no overdraft); 3: credits capped by debits


@dataclass
class ModelAccount:
    no_overdraft: bool = False
    credit_cap: bool = False
    totals: list[int] = field(default_factory=lambda: [0, 0, 0, 0])  # dp, dpo, cp, cpo


@dataclass
class ModelPending:
    debit: int
    credit: int
    amount: int
    timeout: int
    state: str = "pending"  # pending | posted | voided | expired


class LedgerModel:
    """The rules, restated plainly: what each request should answer and do."""

    def __init__(self) -> None:
        self.accounts = [ModelAccount(), ModelAccount(no_overdraft=True),
                         ModelAccount(no_overdraft=True), ModelAccount(credit_cap=True)]
        self.pendings: dict[uuid.UUID, ModelPending] = {}
        self.done: dict[uuid.UUID, tuple] = {}

    def copy_state(self) -> tuple:
        return ([list(a.totals) for a in self.accounts],
                {k: v.state for k, v in self.pendings.items()}, dict(self.done),
                set(self.pendings))

    def restore(self, state: tuple) -> None:
        totals, states, done, keys = state
        for account, saved in zip(self.accounts, totals, strict=True):
            account.totals = saved
        for key in list(self.pendings):
            if key not in keys:
                del self.pendings[key]
        for key, value in states.items():
            self.pendings[key].state = value
        self.done = done

    def apply(self, request: tuple) -> str:
        tid, op, debit, credit, amount, extra = request
        if tid in self.done:
            return "exists" if self.done[tid] == request else "exists_with_different"
        if op in ("single", "pending"):
            d, c = self.accounts[debit], self.accounts[credit]
            if d.no_overdraft and d.totals[0] + d.totals[1] + amount > d.totals[3]:
                return "exceeds_credits"
            if c.credit_cap and c.totals[2] + c.totals[3] + amount > c.totals[1]:
                return "exceeds_debits"
            if op == "single":
                d.totals[1] += amount
                c.totals[3] += amount
            else:
                d.totals[0] += amount
                c.totals[2] += amount
                self.pendings[tid] = ModelPending(debit, credit, amount, extra)
        else:
            pending = self.pendings.get(extra)
            if pending is None:
                return "pending_transfer_not_found"
            if pending.state != "pending":
                return {"posted": "pending_transfer_already_posted",
                        "voided": "pending_transfer_already_voided",
                        "expired": "pending_transfer_expired"}[pending.state]
            posted = (amount or pending.amount) if op == "post" else 0
            if posted > pending.amount:
                return "exceeds_pending_transfer_amount"
            d, c = self.accounts[pending.debit], self.accounts[pending.credit]
            d.totals[0] -= pending.amount
            c.totals[2] -= pending.amount
            d.totals[1] += posted
            c.totals[3] += posted
            pending.state = "posted" if op == "post" else "voided"
        self.done[tid] = request
        return "ok"

    def expire_all_with_timeout(self) -> int:
        expired = 0
        for pending in self.pendings.values():
            if pending.state == "pending" and pending.timeout:
                d, c = self.accounts[pending.debit], self.accounts[pending.credit]
                d.totals[0] -= pending.amount
                c.totals[2] -= pending.amount
                pending.state = "expired"
                expired += 1
        return expired


amounts = st.integers(min_value=1, max_value=5_000)
account_index = st.integers(min_value=0, max_value=ACCOUNTS - 1)


class LedgerMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        # Each example runs in its own savepoint, rolled back in teardown: examples don't mix.
        self.example = transaction.atomic()
        self.example.__enter__()
        self.model = LedgerModel()
        self.accounts = [
            account_create(kind="source", owner="model", currency="CNY"),
            account_create(kind="wallet", owner="model", currency="CNY",
                           debits_must_not_exceed_credits=True),
            account_create(kind="wallet", owner="model", currency="CNY",
                           debits_must_not_exceed_credits=True),
            account_create(kind="capped", owner="model", currency="CNY",
                           credits_must_not_exceed_debits=True),
        ]
        self.requests: list[tuple] = []
        self.pending_ids: list[uuid.UUID] = []

    def _transfer(self, request: tuple, linked: bool = False) -> NewTransfer:
        tid, op, debit, credit, amount, extra = request
        if op in ("single", "pending"):
            return NewTransfer(
                id=tid, debit_account_id=self.accounts[debit].id,
                credit_account_id=self.accounts[credit].id, amount=amount, currency="CNY",
                code="model", pending=op == "pending",
                timeout_seconds=extra if op == "pending" else 0, linked=linked,
            )
        return NewTransfer(id=tid, pending_id=extra, amount=amount, linked=linked,
                           post_pending_transfer=op == "post", void_pending_transfer=op == "void")

    def _run_one(self, request: tuple) -> None:
        expected = self.model.apply(request)
        [outcome] = transfers_create([self._transfer(request)])
        if expected == "exists_with_different":
            assert outcome.result.value.startswith("exists_with_different")
        else:
            assert outcome.result.value == expected, (request, outcome)
        self.requests.append(request)
        if request[1] == "pending":
            self.pending_ids.append(request[0])

    @rule(debit=account_index, credit=account_index, amount=amounts)
    def single(self, debit: int, credit: int, amount: int) -> None:
        if debit != credit:
            self._run_one((uuid.uuid4(), "single", debit, credit, amount, 0))

    @rule(debit=account_index, credit=account_index, amount=amounts,
          timeout=st.sampled_from([0, 0, 3600]))
    def pending(self, debit: int, credit: int, amount: int, timeout: int) -> None:
        if debit != credit:
            self._run_one((uuid.uuid4(), "pending", debit, credit, amount, timeout))

    @precondition(lambda self: self.pending_ids)
    @rule(data=st.data(), partial=st.integers(min_value=0, max_value=6_000))
    def post(self, data: st.DataObject, partial: int) -> None:
        pending_id = data.draw(st.sampled_from(self.pending_ids))
        self._run_one((uuid.uuid4(), "post", 0, 0, partial, pending_id))

    @precondition(lambda self: self.pending_ids)
    @rule(data=st.data())
    def void(self, data: st.DataObject) -> None:
        pending_id = data.draw(st.sampled_from(self.pending_ids))
        self._run_one((uuid.uuid4(), "void", 0, 0, 0, pending_id))

    @rule()
    def post_unknown(self) -> None:
        self._run_one((uuid.uuid4(), "post", 0, 0, 0, uuid.uuid4()))

    @rule()
    def expire(self) -> None:
        expected = self.model.expire_all_with_timeout()
        later = timezone.now() + timedelta(hours=2)
        assert transfers_expire_due(now=later, limit=10_000) == expected

    @precondition(lambda self: self.requests)
    @rule(data=st.data())
    def retry(self, data: st.DataObject) -> None:
        self._run_one(data.draw(st.sampled_from(self.requests)))

    @rule(steps=st.lists(st.tuples(account_index, account_index, amounts), min_size=2,
                         max_size=4))
    def linked_chain(self, steps: list[tuple[int, int, int]]) -> None:
        requests = [(uuid.uuid4(), "single", d, c, a, 0) for d, c, a in steps if d != c]
        if len(requests) < 2:
            return
        saved = self.model.copy_state()
        expected = [self.model.apply(request) for request in requests]
        chain_ok = all(result == "ok" for result in expected)
        if not chain_ok:
            self.model.restore(saved)
        transfers = [self._transfer(r, linked=i < len(requests) - 1)
                     for i, r in enumerate(requests)]
        outcomes = [o.result.value for o in transfers_create(transfers)]
        if chain_ok:
            assert outcomes == ["ok"] * len(requests)
        else:
            failing = next(i for i, r in enumerate(expected) if r != "ok")
            assert outcomes[failing] == expected[failing]
            assert all(o == "linked_event_failed"
                       for i, o in enumerate(outcomes) if i != failing)

    def teardown(self) -> None:
        transaction.set_rollback(True)
        self.example.__exit__(None, None, None)

    @invariant()
    def totals_match_the_model(self) -> None:
        for account, modelled in zip(self.accounts, self.model.accounts, strict=True):
            account.refresh_from_db()
            assert [account.debits_pending, account.debits_posted, account.credits_pending,
                    account.credits_posted] == modelled.totals

    @invariant()
    def debits_equal_credits(self) -> None:
        sums = Account.objects.aggregate(dp=Sum("debits_pending"), dpo=Sum("debits_posted"),
                                         cp=Sum("credits_pending"), cpo=Sum("credits_posted"))
        assert sums["dpo"] == sums["cpo"]
        assert sums["dp"] == sums["cp"]


@pytest.mark.django_db
def test_ledger_matches_its_model():
    run_state_machine_as_test(
        LedgerMachine,
        settings=settings(max_examples=30, stateful_step_count=25, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow]),
    )
