"""Ledger writes: open accounts, create transfers in batches, expire pending transfers.

``transfers_create`` is the one way money moves. A batch runs in one database transaction:

1. read the pending transfers that the batch posts or voids (immutable rows, no lock needed);
2. lock every account the batch touches, in ascending id order (``accounts_lock``), so two
   batches never wait on each other in a cycle;
3. read which ids already exist and which pending transfers are already resolved — after the
   locks, so a concurrent batch on the same accounts has either committed or not started;
4. decide each transfer in Python against the locked totals, chain by chain (a failed linked
   chain is undone in memory);
5. write the accepted transfers with one multi-row INSERT and the totals with
   ``col = col + delta`` in one statement.

The first attempt skips the look-up of existing ids in step 3, because almost every batch is
new: the primary key refuses a duplicate at the INSERT. If any transfer of that attempt fails
(its answer could depend on an id that already exists), the attempt is dropped before it writes
and the batch reruns with the look-up.

A unique violation (the same id racing in from another batch, or a duplicate the first attempt
did not look for) or a deadlock/serialization/lock-timeout error rolls the batch back and
retries it from step 1; a retry then sees the committed rows and answers ``exists``. Callers
never see those errors.
"""

import dataclasses
import json
import time
import uuid
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import psycopg
from django.db import IntegrityError, OperationalError, connection, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from puhui.core.errors import PuhuiError
from puhui.core.money import CURRENCY_EXPONENTS
from puhui.ledger.errors import LedgerError, TransferResult
from puhui.ledger.models import RESOLUTION_KINDS, Account, NormalBalance, Transfer, TransferKind

R = TransferResult
BIGINT_MAX = 2**63 - 1
BATCH_SIZE_MAX = 8190
RETRY_ATTEMPTS_MAX = 8
EXPIRY_NAMESPACE = uuid.UUID("6f1c3b52-8a4e-4f0e-9a57-3c1d2b7e9f10")


@dataclass(frozen=True, slots=True)
class NewTransfer:
    """One transfer as a client asks for it (TigerBeetle's fields; zero/empty means unset).

    A post or void may leave accounts, currency, code and amount unset: they come from the
    pending transfer (a post with amount 0 posts the full pending amount).
    """

    id: uuid.UUID
    debit_account_id: int = 0
    credit_account_id: int = 0
    amount: int = 0
    currency: str = ""
    code: str = ""
    pending: bool = False
    post_pending_transfer: bool = False
    void_pending_transfer: bool = False
    pending_id: uuid.UUID | None = None
    timeout_seconds: int = 0
    linked: bool = False
    reference: str = ""


SUCCEEDED = frozenset({TransferResult.OK, TransferResult.EXISTS})


@dataclass(frozen=True, slots=True)
class TransferOutcome:
    index: int
    id: uuid.UUID
    result: TransferResult

    @property
    def succeeded(self) -> bool:
        """Made now, or made before under the same id (a retry)."""
        return self.result in SUCCEEDED


def transfer_failures(outcomes: Iterable[TransferOutcome]) -> list[TransferOutcome]:
    return [outcome for outcome in outcomes if not outcome.succeeded]


class LedgerRefused(RuntimeError):
    """The ledger refused transfers its caller had already checked: a defect to look into,
    never a person's mistake (those are refused earlier, with a ``PuhuiError``)."""

    def __init__(self, what: str, failures: Sequence[TransferOutcome]) -> None:
        self.failures = list(failures)
        shown = ", ".join(f"#{f.index} {f.result.value}" for f in self.failures[:5])
        super().__init__(f"{what} refused by the ledger: {shown}")


def transfers_require(outcomes: Iterable[TransferOutcome], *, what: str) -> None:
    """Every transfer succeeded (``ok`` or ``exists``), or ``LedgerRefused`` names those that
    did not."""
    failures = transfer_failures(outcomes)
    if failures:
        raise LedgerRefused(what, failures)


@dataclass(slots=True)
class _Row:
    """A transfer as stored (read back, or staged for the INSERT)."""

    id: uuid.UUID
    debit_account_id: int
    credit_account_id: int
    amount: int
    currency: str
    code: str
    kind: str
    linked: bool
    pending_id: uuid.UUID | None
    timeout_seconds: int
    expires_at: datetime | None
    reference: str


_ROW_FIELDS = [
    "id", "debit_account_id", "credit_account_id", "amount", "currency", "code", "kind", "linked",
    "pending_id", "timeout_seconds", "expires_at", "reference",
]


@dataclass(slots=True)
class _AccountState:
    currency: str
    debits_must_not_exceed_credits: bool
    credits_must_not_exceed_debits: bool
    debits_pending: int
    debits_posted: int
    credits_pending: int
    credits_posted: int
    original: tuple[int, int, int, int]


# --- accounts ---------------------------------------------------------------------------------


def account_create(
    *,
    kind: str,
    owner: str,
    currency: str,
    normal_balance: str = NormalBalance.CREDIT,
    debits_must_not_exceed_credits: bool = False,
    credits_must_not_exceed_debits: bool = False,
) -> Account:
    return accounts_create(
        [
            dict(
                kind=kind, owner=owner, currency=currency, normal_balance=normal_balance,
                debits_must_not_exceed_credits=debits_must_not_exceed_credits,
                credits_must_not_exceed_debits=credits_must_not_exceed_debits,
            )
        ]
    )[0]


def account_for(*, kind: str, owner: str, currency: str,
                normal_balance: str = NormalBalance.CREDIT,
                debits_must_not_exceed_credits: bool = False) -> Account:
    """The owner's account of that kind and currency, opened on first use."""
    existing = Account.objects.filter(kind=kind, owner=owner, currency=currency).first()
    return existing or account_create(
        kind=kind, owner=owner, currency=currency, normal_balance=normal_balance,
        debits_must_not_exceed_credits=debits_must_not_exceed_credits)


@transaction.atomic
def accounts_create(specs: Iterable[dict]) -> list[Account]:
    """Open accounts in one statement; each spec holds ``account_create``'s keywords."""
    now = timezone.now()
    accounts = []
    for spec in specs:
        if spec["currency"] not in CURRENCY_EXPONENTS:
            raise PuhuiError(LedgerError.UNKNOWN_CURRENCY, currency=spec["currency"])
        if spec.get("debits_must_not_exceed_credits") and spec.get(
            "credits_must_not_exceed_debits"
        ):
            raise PuhuiError(LedgerError.ACCOUNT_FLAGS_CONFLICT)
        if spec.get("normal_balance", NormalBalance.CREDIT) not in NormalBalance.values:
            raise PuhuiError(LedgerError.INVALID_NORMAL_BALANCE, value=spec["normal_balance"])
        accounts.append(Account(created_at=now, **spec))
    return Account.objects.bulk_create(accounts)


# --- transfers --------------------------------------------------------------------------------


def linked_chain(transfers: Sequence[NewTransfer]) -> list[NewTransfer]:
    """The same transfers as one linked chain: all of them succeed, or none."""
    last = len(transfers) - 1
    return [dataclasses.replace(t, linked=i < last) for i, t in enumerate(transfers)]


def transfers_create(transfers: Sequence[NewTransfer]) -> list[TransferOutcome]:
    """Create a batch of transfers atomically; returns one outcome per transfer, in order."""
    return _batch_run(transfers, expiry=False)


def transfers_expire_due(*, now: datetime | None = None, limit: int = 1000) -> int:
    """Release pending transfers whose timeout has passed; returns how many were expired."""
    now = now or timezone.now()
    due = list(
        Transfer.objects.filter(kind=TransferKind.PENDING, expires_at__lte=now)
        .exclude(Exists(Transfer.objects.filter(pending_id=OuterRef("id"))))
        .order_by("expires_at", "id")
        .values_list("id", flat=True)[:limit]
    )
    expiries = [
        NewTransfer(id=uuid.uuid5(EXPIRY_NAMESPACE, str(pending_id)), pending_id=pending_id)
        for pending_id in due
    ]
    outcomes = _batch_run(expiries, expiry=True, now=now)
    return sum(outcome.result == R.OK for outcome in outcomes)


def _batch_run(
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
        self.staged: list[_Row] = []
        self.batch_rows: dict[uuid.UUID, _Row] = {}
        self.undo: list[tuple] = []

    # Steps 1–3: read what the decisions need, under the account locks.
    def _load(self) -> None:
        pending_ids = {e.pending_id for e in self.events if e.pending_id is not None}
        self.pendings: dict[uuid.UUID, _Row] = {
            row.id: row for row in _transfers_where("id", pending_ids)
        }
        account_ids = {e.debit_account_id for e in self.events if e.debit_account_id}
        account_ids |= {e.credit_account_id for e in self.events if e.credit_account_id}
        for pending in self.pendings.values():
            account_ids |= {pending.debit_account_id, pending.credit_account_id}
        self.accounts = accounts_lock(account_ids)
        self.existing: dict[uuid.UUID, _Row] = {
            row.id: row for row in _transfers_where("id", (e.id for e in self.events))
        } if self.look_up_ids else {}
        self.resolutions: dict[uuid.UUID, str] = {
            row.pending_id: row.kind for row in _transfers_where("pending_id", pending_ids)
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
        row = _Row(
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
            _Row(
                e.id, pending.debit_account_id, pending.credit_account_id, amount,
                pending.currency, pending.code, kind, e.linked, pending.id, 0, None,
                e.reference,
            )
        )
        self.resolutions[pending.id] = kind
        self.undo.append(("resolution", pending.id))
        return R.OK

    def _add(self, account: _AccountState, total: str, delta: int) -> None:
        self.undo.append(("total", account, total, getattr(account, total)))
        setattr(account, total, getattr(account, total) + delta)

    def _stage(self, row: _Row) -> None:
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


def _compare_with_existing(e: NewTransfer, kind: str, row: _Row) -> TransferResult:
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


# --- the statements of the hot path ----------------------------------------------------------
#
# On PostgreSQL every statement takes whole arrays as a handful of binary parameters
# (``= ANY(%b)``, ``unnest``) through a server-binding psycopg cursor: the statement text stays
# short and cached however large the batch, and the arrays are encoded by psycopg's C dumpers.
# On SQLite, in-process, ``executemany`` is the fast path.

_ROW_COLUMNS = ", ".join(_ROW_FIELDS)
_INSERT_COLUMNS = _ROW_COLUMNS + ", created_at"
_ACCOUNT_COLUMNS = (
    "id, currency, debits_must_not_exceed_credits, credits_must_not_exceed_debits, "
    "debits_pending, debits_posted, credits_pending, credits_posted"
)


def _is_postgres() -> bool:
    return connection.vendor == "postgresql"


@contextmanager
def _binary_cursor() -> Iterator[psycopg.Cursor]:
    """A server-binding cursor on Django's own connection (same transaction, Django's errors)."""
    connection.ensure_connection()
    raw = connection.connection
    assert isinstance(raw, psycopg.Connection)
    with connection.wrap_database_errors, psycopg.Cursor(raw) as cursor:
        yield cursor


def accounts_lock(account_ids: Iterable[int]) -> dict[int, _AccountState]:
    """Lock the accounts (ascending id order, so lockers never deadlock) and read their totals.

    On SQLite the transaction already holds the one write lock (BEGIN IMMEDIATE).
    """
    ids = sorted(set(account_ids))
    if not ids:
        return {}
    if _is_postgres():
        with _binary_cursor() as cursor:
            cursor.execute(
                f"SELECT {_ACCOUNT_COLUMNS} FROM ledger_account WHERE id = ANY(%b::bigint[]) "
                "ORDER BY id FOR NO KEY UPDATE",
                [ids],
            )
            rows: list = cursor.fetchall()
    else:
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {_ACCOUNT_COLUMNS} FROM ledger_account "
                "WHERE id IN (SELECT value FROM json_each(%s))",
                [json.dumps(ids)],
            )
            rows = cursor.fetchall()
    return {
        row[0]: _AccountState(row[1], row[2], row[3], row[4], row[5], row[6], row[7],
                              (row[4], row[5], row[6], row[7]))
        for row in rows
    }


def _transfers_where(column: str, ids: Iterable[uuid.UUID]) -> list[_Row]:
    ids = list(ids)
    if not ids:
        return []
    if _is_postgres():
        with _binary_cursor() as cursor:
            cursor.execute(
                f"SELECT {_ROW_COLUMNS} FROM ledger_transfer WHERE {column} = ANY(%b::uuid[])",
                [ids],
            )
            return [_Row(*values) for values in cursor.fetchall()]
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {_ROW_COLUMNS} FROM ledger_transfer "
            f"WHERE {column} IN (SELECT value FROM json_each(%s))",
            [json.dumps([value.hex for value in ids])],
        )
        return [
            _Row(uuid.UUID(r[0]), r[1], r[2], r[3], r[4], r[5], r[6], bool(r[7]),
                 uuid.UUID(r[8]) if r[8] else None, r[9],
                 _sqlite_datetime(r[10]) if r[10] else None, r[11])
            for r in cursor.fetchall()
        ]


def _sqlite_datetime(value: str | datetime) -> datetime:
    """SQLite keeps Django's datetimes as naive UTC (text, or parsed by Django's converter)."""
    parsed = value if isinstance(value, datetime) else datetime.fromisoformat(value)
    return parsed.replace(tzinfo=UTC)


def transfers_insert(rows: Sequence[_Row], *, first_created_at: datetime) -> None:
    """Insert staged rows in one statement, values adapted the way Django's fields adapt them.

    Rows are stamped one microsecond apart, so a statement lists a batch in the order it was
    sent; a pending transfer expires ``timeout_seconds`` after its own stamp.
    """
    stamps = [first_created_at + timedelta(microseconds=offset) for offset in range(len(rows))]
    expiries = [
        stamp + timedelta(seconds=row.timeout_seconds) if row.timeout_seconds else None
        for stamp, row in zip(stamps, rows, strict=True)
    ]
    if _is_postgres():
        with _binary_cursor() as cursor:
            cursor.execute(
                f"INSERT INTO ledger_transfer ({_INSERT_COLUMNS}) SELECT * FROM unnest("
                "%b::uuid[], %b::bigint[], %b::bigint[], %b::bigint[], %b::varchar[], "
                "%b::varchar[], %b::varchar[], %b::boolean[], %b::uuid[], %b::integer[], "
                "%b::timestamptz[], %b::varchar[], %b::timestamptz[])",
                [
                    [r.id for r in rows], [r.debit_account_id for r in rows],
                    [r.credit_account_id for r in rows], [r.amount for r in rows],
                    [r.currency for r in rows], [r.code for r in rows],
                    [r.kind for r in rows], [r.linked for r in rows],
                    [r.pending_id for r in rows], [r.timeout_seconds for r in rows],
                    expiries, [r.reference for r in rows], stamps,
                ],
            )
        return
    # Django keeps datetimes in SQLite as naive UTC text (what ``str`` of one gives).
    def utc_text(moment: datetime) -> str:
        return str(moment.astimezone(UTC).replace(tzinfo=None))

    with connection.cursor() as sqlite_cursor:
        sqlite_cursor.executemany(
            f"INSERT INTO ledger_transfer ({_INSERT_COLUMNS}) "
            "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
            [
                (r.id.hex, r.debit_account_id, r.credit_account_id, r.amount, r.currency,
                 r.code, r.kind, r.linked, r.pending_id.hex if r.pending_id else None,
                 r.timeout_seconds, utc_text(expires_at) if expires_at else None,
                 r.reference, utc_text(stamp))
                for r, stamp, expires_at in zip(rows, stamps, expiries, strict=True)
            ],
        )


def account_totals_add(deltas: Sequence[tuple[int, int, int, int, int]]) -> None:
    """Add (id, Δdebits_pending, Δdebits_posted, Δcredits_pending, Δcredits_posted) to totals.

    ``col = col + delta``, never a total computed in Python, so no update can be lost.
    """
    if not deltas:
        return
    if _is_postgres():
        with _binary_cursor() as cursor:
            cursor.execute(
                "UPDATE ledger_account AS a SET "
                "debits_pending = a.debits_pending + v.dp, "
                "debits_posted = a.debits_posted + v.dpo, "
                "credits_pending = a.credits_pending + v.cp, "
                "credits_posted = a.credits_posted + v.cpo "
                "FROM unnest(%b::bigint[], %b::bigint[], %b::bigint[], %b::bigint[], "
                "%b::bigint[]) AS v(id, dp, dpo, cp, cpo) WHERE a.id = v.id",
                [list(column) for column in zip(*deltas, strict=True)],
            )
        return
    with connection.cursor() as cursor:
        cursor.executemany(
            "UPDATE ledger_account SET debits_pending = debits_pending + %s, "
            "debits_posted = debits_posted + %s, credits_pending = credits_pending + %s, "
            "credits_posted = credits_posted + %s WHERE id = %s",
            [(dp, dpo, cp, cpo, account_id) for account_id, dp, dpo, cp, cpo in deltas],
        )
