"""The batch engine behind ``transfers_create`` (private to the ledger): each transfer decided in
Python against the locked totals, chain by chain, then written in one INSERT and one UPDATE;
retried on unique violations and deadlocks. The steps are stated in ``ledger/services.py``."""

import time
import uuid
from collections.abc import Sequence
from datetime import datetime, timedelta

from django.db import IntegrityError, OperationalError, transaction
from django.utils import timezone

from puhui.ledger._sql import (
    AccountState,
    Row,
    account_totals_add,
    accounts_lock,
    transfers_insert,
    transfers_where,
)
from puhui.ledger.errors import TransferResult
from puhui.ledger.models import RESOLUTION_KINDS, TransferKind
from puhui.ledger.ports import BIGINT_MAX, NewTransfer, TransferOutcome

R = TransferResult
BATCH_SIZE_MAX = 8190
RETRY_ATTEMPTS_MAX = 8


def batch_run(
    transfers: Sequence[NewTransfer], *, expiry: bool, now: datetime | None = None
) -> list[TransferOutcome]:
    if len(transfers) > BATCH_SIZE_MAX:
        raise ValueError(f"a batch holds at most {BATCH_SIZE_MAX} transfers")
    if not transfers:
        return []
    for attempt in range(RETRY_ATTEMPTS_MAX):
        try:
            with transaction.atomic():
                batch = _Batch(transfers, expiry=expiry, now=now or timezone.now(),
                               look_up_ids=attempt > 0)
                return batch.run()
        except _LookUpIdsFirst:
            continue
        except (IntegrityError, OperationalError) as error:
            if attempt == RETRY_ATTEMPTS_MAX - 1 or not _is_retryable(error):
                raise
            time.sleep(0.001 * 2**attempt)
    raise AssertionError("unreachable")


class _LookUpIdsFirst(Exception):
    """A transfer failed in an attempt that did not look up existing ids; rerun with it."""


def _is_retryable(error: Exception) -> bool:
    if isinstance(error, IntegrityError):
        return True  # a racing batch took the id or the pending transfer first; re-decide
    text = str(error).lower()
    return any(
        marker in text
        for marker in ("deadlock", "could not serialize", "database is locked", "lock timeout")
    )


class _Batch:
    def __init__(
        self, events: Sequence[NewTransfer], *, expiry: bool, now: datetime, look_up_ids: bool
    ) -> None:
        self.look_up_ids = look_up_ids
        self.events = events
        self.expiry = expiry
        self.now = now
        self.staged: list[Row] = []
        self.batch_rows: dict[uuid.UUID, Row] = {}
        self.undo: list[tuple] = []

    # Steps 1–3: read what the decisions need, under the account locks.
    def _load(self) -> None:
        pending_ids = {e.pending_id for e in self.events if e.pending_id is not None}
        self.pendings: dict[uuid.UUID, Row] = {
            row.id: row for row in transfers_where("id", pending_ids)
        }
        account_ids = {e.debit_account_id for e in self.events if e.debit_account_id}
        account_ids |= {e.credit_account_id for e in self.events if e.credit_account_id}
        for pending in self.pendings.values():
            account_ids |= {pending.debit_account_id, pending.credit_account_id}
        self.accounts = accounts_lock(account_ids)
        self.existing: dict[uuid.UUID, Row] = {
            row.id: row for row in transfers_where("id", (e.id for e in self.events))
        } if self.look_up_ids else {}
        self.resolutions: dict[uuid.UUID, str] = {
            row.pending_id: row.kind for row in transfers_where("pending_id", pending_ids)
            if row.pending_id is not None
        }

    def run(self) -> list[TransferOutcome]:
        self._load()
        events = self.events
        count = len(events)
        results: list[TransferResult] = [R.LINKED_EVENT_FAILED] * count
        start = 0
        while start < count:
            end = start
            while end < count and events[end].linked:
                end += 1
            if end == count:  # the batch ends inside a chain: the chain fails whole
                results[count - 1] = R.LINKED_EVENT_CHAIN_OPEN
                break
            undo_mark, staged_mark = len(self.undo), len(self.staged)
            for index in range(start, end + 1):
                result = self._decide(index, events[index])
                results[index] = result
                if result is not R.OK and result is not R.EXISTS:
                    self._rollback(undo_mark, staged_mark)
                    for other in range(start, end + 1):
                        if other != index:
                            results[other] = R.LINKED_EVENT_FAILED
                    break
            start = end + 1
        if not self.look_up_ids and any(result is not R.OK for result in results):
            raise _LookUpIdsFirst
        self._write()
        return [
            TransferOutcome(index=index, id=event.id, result=results[index])
            for index, event in enumerate(events)
        ]

    # Step 4: one decision.
    def _decide(self, index: int, e: NewTransfer) -> TransferResult:
        if e.pending + e.post_pending_transfer + e.void_pending_transfer > 1:
            return R.FLAGS_ARE_MUTUALLY_EXCLUSIVE
        if self.expiry:
            kind = TransferKind.EXPIRE_PENDING
        elif e.post_pending_transfer:
            kind = TransferKind.POST_PENDING
        elif e.void_pending_transfer:
            kind = TransferKind.VOID_PENDING
        elif e.pending:
            kind = TransferKind.PENDING
        else:
            kind = TransferKind.POSTED
        if e.amount < 0:
            return R.AMOUNT_MUST_NOT_BE_NEGATIVE
        if e.timeout_seconds < 0:
            return R.TIMEOUT_MUST_NOT_BE_NEGATIVE
        is_resolution = kind in RESOLUTION_KINDS
        if not is_resolution:
            if e.pending_id is not None:
                return R.PENDING_ID_MUST_BE_ZERO
            if kind == TransferKind.POSTED and e.timeout_seconds:
                return R.TIMEOUT_RESERVED_FOR_PENDING_TRANSFER
            if not e.debit_account_id:
                return R.DEBIT_ACCOUNT_ID_MUST_NOT_BE_ZERO
            if not e.credit_account_id:
                return R.CREDIT_ACCOUNT_ID_MUST_NOT_BE_ZERO
            if e.debit_account_id == e.credit_account_id:
                return R.ACCOUNTS_MUST_BE_DIFFERENT
            if e.amount == 0:
                return R.AMOUNT_MUST_NOT_BE_ZERO
            if not e.currency:
                return R.CURRENCY_MUST_NOT_BE_EMPTY
            if not e.code:
                return R.CODE_MUST_NOT_BE_EMPTY
        else:
            if e.pending_id is None:
                return R.PENDING_ID_MUST_NOT_BE_ZERO
            if e.pending_id == e.id:
                return R.PENDING_ID_MUST_BE_DIFFERENT
            if e.timeout_seconds:
                return R.TIMEOUT_RESERVED_FOR_PENDING_TRANSFER
        prior = self.batch_rows.get(e.id) or self.existing.get(e.id)
        if prior is not None:
            return _compare_with_existing(e, kind, prior)
        if is_resolution:
            return self._resolve(e, kind)
        return self._create(e, kind)

    def _create(self, e: NewTransfer, kind: str) -> TransferResult:
        debit = self.accounts.get(e.debit_account_id)
        if debit is None:
            return R.DEBIT_ACCOUNT_NOT_FOUND
        credit = self.accounts.get(e.credit_account_id)
        if credit is None:
            return R.CREDIT_ACCOUNT_NOT_FOUND
        if debit.currency != credit.currency:
            return R.ACCOUNTS_MUST_HAVE_THE_SAME_CURRENCY
        if e.currency != debit.currency:
            return R.TRANSFER_MUST_HAVE_THE_SAME_CURRENCY_AS_ACCOUNTS
        amount = e.amount
        if debit.debits_pending + debit.debits_posted + amount > BIGINT_MAX:
            return R.OVERFLOWS_DEBITS
        if credit.credits_pending + credit.credits_posted + amount > BIGINT_MAX:
            return R.OVERFLOWS_CREDITS
        if debit.debits_must_not_exceed_credits and (
            debit.debits_pending + debit.debits_posted + amount > debit.credits_posted
        ):
            return R.EXCEEDS_CREDITS
        if credit.credits_must_not_exceed_debits and (
            credit.credits_pending + credit.credits_posted + amount > credit.debits_posted
        ):
            return R.EXCEEDS_DEBITS
        if kind == TransferKind.PENDING:
            self._add(debit, "debits_pending", amount)
            self._add(credit, "credits_pending", amount)
        else:
            self._add(debit, "debits_posted", amount)
            self._add(credit, "credits_posted", amount)
        row = Row(
            e.id, e.debit_account_id, e.credit_account_id, amount, e.currency, e.code, kind,
            e.linked, None, e.timeout_seconds,
            self.now + timedelta(seconds=e.timeout_seconds) if e.timeout_seconds else None,
            e.reference,
        )
        self._stage(row)
        if kind == TransferKind.PENDING:
            self.pendings[e.id] = row
            self.undo.append(("pending", e.id))
        return R.OK

    def _resolve(self, e: NewTransfer, kind: str) -> TransferResult:
        assert e.pending_id is not None
        pending = self.pendings.get(e.pending_id)
        if pending is None:
            return R.PENDING_TRANSFER_NOT_FOUND
        if pending.kind != TransferKind.PENDING:
            return R.PENDING_TRANSFER_NOT_PENDING
        if e.debit_account_id and e.debit_account_id != pending.debit_account_id:
            return R.PENDING_TRANSFER_HAS_DIFFERENT_DEBIT_ACCOUNT_ID
        if e.credit_account_id and e.credit_account_id != pending.credit_account_id:
            return R.PENDING_TRANSFER_HAS_DIFFERENT_CREDIT_ACCOUNT_ID
        if e.currency and e.currency != pending.currency:
            return R.PENDING_TRANSFER_HAS_DIFFERENT_CURRENCY
        if e.code and e.code != pending.code:
            return R.PENDING_TRANSFER_HAS_DIFFERENT_CODE
        resolved = self.resolutions.get(pending.id)
        if resolved == TransferKind.POST_PENDING:
            return R.PENDING_TRANSFER_ALREADY_POSTED
        if resolved == TransferKind.VOID_PENDING:
            return R.PENDING_TRANSFER_ALREADY_VOIDED
        if resolved == TransferKind.EXPIRE_PENDING:
            return R.PENDING_TRANSFER_EXPIRED
        if kind != TransferKind.EXPIRE_PENDING and (
            pending.expires_at is not None and pending.expires_at <= self.now
        ):
            return R.PENDING_TRANSFER_EXPIRED
        if kind == TransferKind.POST_PENDING:
            amount = e.amount or pending.amount
            if amount > pending.amount:
                return R.EXCEEDS_PENDING_TRANSFER_AMOUNT
        else:
            if e.amount and e.amount != pending.amount:
                return R.PENDING_TRANSFER_HAS_DIFFERENT_AMOUNT
            amount = pending.amount
        debit = self.accounts[pending.debit_account_id]
        credit = self.accounts[pending.credit_account_id]
        self._add(debit, "debits_pending", -pending.amount)
        self._add(credit, "credits_pending", -pending.amount)
        if kind == TransferKind.POST_PENDING:
            self._add(debit, "debits_posted", amount)
            self._add(credit, "credits_posted", amount)
        self._stage(
            Row(
                e.id, pending.debit_account_id, pending.credit_account_id, amount,
                pending.currency, pending.code, kind, e.linked, pending.id, 0, None,
                e.reference,
            )
        )
        self.resolutions[pending.id] = kind
        self.undo.append(("resolution", pending.id))
        return R.OK

    def _add(self, account: AccountState, total: str, delta: int) -> None:
        self.undo.append(("total", account, total, getattr(account, total)))
        setattr(account, total, getattr(account, total) + delta)

    def _stage(self, row: Row) -> None:
        self.staged.append(row)
        self.batch_rows[row.id] = row

    def _rollback(self, undo_mark: int, staged_mark: int) -> None:
        while len(self.undo) > undo_mark:
            entry = self.undo.pop()
            if entry[0] == "total":
                setattr(entry[1], entry[2], entry[3])
            elif entry[0] == "pending":
                del self.pendings[entry[1]]
            else:
                del self.resolutions[entry[1]]
        for row in self.staged[staged_mark:]:
            del self.batch_rows[row.id]
        del self.staged[staged_mark:]

    # Step 5: write.
    def _write(self) -> None:
        if not self.staged:
            return
        transfers_insert(self.staged, first_created_at=self.now)
        deltas = []
        for account_id, state in self.accounts.items():
            delta = (
                state.debits_pending - state.original[0],
                state.debits_posted - state.original[1],
                state.credits_pending - state.original[2],
                state.credits_posted - state.original[3],
            )
            if any(delta):
                deltas.append((account_id, *delta))
        account_totals_add(deltas)


def _compare_with_existing(e: NewTransfer, kind: str, row: Row) -> TransferResult:
    """``exists`` for a true retry; otherwise the first field that differs, by name."""
    if kind != row.kind or e.linked != row.linked:
        return R.EXISTS_WITH_DIFFERENT_FLAGS
    if e.pending_id != row.pending_id:
        return R.EXISTS_WITH_DIFFERENT_PENDING_ID
    # A post or void may leave these unset; a set value must match what was stored.
    optional = kind in RESOLUTION_KINDS
    if (e.debit_account_id or not optional) and e.debit_account_id != row.debit_account_id:
        return R.EXISTS_WITH_DIFFERENT_DEBIT_ACCOUNT_ID
    if (e.credit_account_id or not optional) and e.credit_account_id != row.credit_account_id:
        return R.EXISTS_WITH_DIFFERENT_CREDIT_ACCOUNT_ID
    if (e.amount or not optional) and e.amount != row.amount:
        return R.EXISTS_WITH_DIFFERENT_AMOUNT
    if (e.currency or not optional) and e.currency != row.currency:
        return R.EXISTS_WITH_DIFFERENT_CURRENCY
    if (e.code or not optional) and e.code != row.code:
        return R.EXISTS_WITH_DIFFERENT_CODE
    if e.timeout_seconds != row.timeout_seconds:
        return R.EXISTS_WITH_DIFFERENT_TIMEOUT
    if e.reference != row.reference:
        return R.EXISTS_WITH_DIFFERENT_REFERENCE
    return R.EXISTS
