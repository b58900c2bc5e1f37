"""The hot path's statements per database (private to the ledger, unchecked: the batch engine
has decided every row before they run): account locks in id order, look-ups of transfers,
the multi-row INSERT and ``total = total + delta``. On PostgreSQL whole arrays go as binary
parameters through a server-binding cursor on Django's own connection; on SQLite executemany."""

import json
import uuid
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import psycopg
from django.db import connection


@dataclass(slots=True)
class Row:
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


ROW_FIELDS = [
    "id", "debit_account_id", "credit_account_id", "amount", "currency", "code", "kind", "linked",
    "pending_id", "timeout_seconds", "expires_at", "reference",
]


@dataclass(slots=True)
class AccountState:
    currency: str
    debits_must_not_exceed_credits: bool
    credits_must_not_exceed_debits: bool
    debits_pending: int
    debits_posted: int
    credits_pending: int
    credits_posted: int
    original: tuple[int, int, int, int]


_ROW_COLUMNS = ", ".join(ROW_FIELDS)
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


def accounts_lock(account_ids: Iterable[int]) -> dict[int, AccountState]:
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
        row[0]: AccountState(row[1], row[2], row[3], row[4], row[5], row[6], row[7],
                              (row[4], row[5], row[6], row[7]))
        for row in rows
    }


def transfers_where(column: str, ids: Iterable[uuid.UUID]) -> list[Row]:
    ids = list(ids)
    if not ids:
        return []
    if _is_postgres():
        with _binary_cursor() as cursor:
            cursor.execute(
                f"SELECT {_ROW_COLUMNS} FROM ledger_transfer WHERE {column} = ANY(%b::uuid[])",
                [ids],
            )
            return [Row(*values) for values in cursor.fetchall()]
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {_ROW_COLUMNS} FROM ledger_transfer "
            f"WHERE {column} IN (SELECT value FROM json_each(%s))",
            [json.dumps([value.hex for value in ids])],
        )
        return [
            Row(uuid.UUID(r[0]), r[1], r[2], r[3], r[4], r[5], r[6], bool(r[7]),
                 uuid.UUID(r[8]) if r[8] else None, r[9],
                 _sqlite_datetime(r[10]) if r[10] else None, r[11])
            for r in cursor.fetchall()
        ]


def _sqlite_datetime(value: str | datetime) -> datetime:
    """SQLite keeps Django's datetimes as naive UTC (text, or parsed by Django's converter)."""
    parsed = value if isinstance(value, datetime) else datetime.fromisoformat(value)
    return parsed.replace(tzinfo=UTC)


def transfers_insert(rows: Sequence[Row], *, first_created_at: datetime) -> None:
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
