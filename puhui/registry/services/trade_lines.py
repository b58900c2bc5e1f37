"""Trade-line reports: validated record by record, idempotent by the member's event id, applied
set-wise (COPY and one merge on PostgreSQL), each line keeping its 24-month payment history."""

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from puhui.core.errors import PuhuiError
from puhui.core.money import money_to_minor
from puhui.core.pii import pii_encrypt, pii_mask
from puhui.registry.models import (
    Member,
    ProductType,
    Subject,
    SubjectKind,
    TradeLine,
    TradeLineReport,
    TradeLineStatus,
)
from puhui.registry.services.members import SUBJECT_CONTEXT, subject_index

HISTORY_CODES = set("N1234567CGDZ#*")
TRADE_LINE_EVENTS = ("opened", "paid", "overdue", "default", "recovery", "closed", "monthly")


class RecordRejected(Exception):
    def __init__(self, code: str, reason: str) -> None:
        super().__init__(reason)
        self.code, self.reason = code, reason


@dataclass(frozen=True)
class BatchResult:
    accepted: int
    duplicates: int
    rejected: list[dict[str, Any]]


def _fen(record: dict[str, Any], field: str) -> int:
    try:
        return money_to_minor(str(record[field]), "CNY")
    except KeyError:
        raise RecordRejected("FIELD_MISSING", f"{field} is missing") from None
    except (ValueError, ArithmeticError, PuhuiError):
        raise RecordRejected("FIELD_INVALID", f"{field} is not an amount in yuan") from None


def _day(record: dict[str, Any], field: str, *, required: bool = True) -> date | None:
    value = record.get(field)
    if not value:
        if required:
            raise RecordRejected("FIELD_MISSING", f"{field} is missing")
        return None
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise RecordRejected("FIELD_INVALID", f"{field} is not a date (YYYY-MM-DD)") from None


def _validated(record: dict[str, Any]) -> dict[str, Any]:
    """The record's fields, checked one by one; the first problem names its field."""
    for field in ("event_id", "event", "subject_kind", "subject_id", "account_number",
                  "product_type", "status", "payment_history"):
        if not str(record.get(field) or "").strip():
            raise RecordRejected("FIELD_MISSING", f"{field} is missing")
    if record["event"] not in TRADE_LINE_EVENTS:
        raise RecordRejected("FIELD_INVALID",
                             f"event must be one of {', '.join(TRADE_LINE_EVENTS)}")
    if record["subject_kind"] not in SubjectKind.values:
        raise RecordRejected("FIELD_INVALID", "subject_kind must be enterprise or person")
    if record["product_type"] not in ProductType.values:
        raise RecordRejected("FIELD_INVALID",
                             f"product_type must be one of {', '.join(ProductType.values)}")
    if record["status"] not in TradeLineStatus.values:
        raise RecordRejected("FIELD_INVALID",
                             f"status must be one of {', '.join(TradeLineStatus.values)}")
    history = str(record["payment_history"])
    if len(history) > 24 or set(history) - HISTORY_CODES:
        raise RecordRejected("FIELD_INVALID", "payment_history is up to 24 codes of "
                             "N, 1–7, C, G, D, Z, #, *")
    fields = {
        "amount_fen": _fen(record, "amount"), "balance_fen": _fen(record, "balance"),
        "scheduled_payment_fen": _fen(record, "scheduled_payment"),
        "past_due_fen": _fen(record, "past_due"),
        "opened_on": _day(record, "opened_on"), "as_of": _day(record, "as_of"),
        "first_delinquency_on": _day(record, "first_delinquency_on", required=False),
        "product_type": record["product_type"], "status": record["status"],
        "payment_history": history,  # one code: this month's, merged into the window
    }
    if fields["amount_fen"] <= 0 or min(fields["balance_fen"], fields["past_due_fen"],
                                        fields["scheduled_payment_fen"]) < 0:
        raise RecordRejected("FIELD_INVALID", "amount must be positive and balances not negative")
    if fields["past_due_fen"] and fields["first_delinquency_on"] is None:
        raise RecordRejected("FIELD_MISSING", "first_delinquency_on is missing for an amount "
                             "past due")
    return fields


@transaction.atomic
def trade_lines_report(*, member: Member, records: Iterable[dict[str, Any]]) -> BatchResult:
    """Validate every record alone (a bad one is rejected with its reason; the good ones stay),
    skip those already received (same event id: a duplicate, not applied twice), then apply
    the rest set-wise: subjects found or created by blind index, trade lines upserted by
    (member, account number) — the last record of an account wins — and every event logged."""
    rejected: list[dict[str, Any]] = []
    valid: list[tuple[dict[str, Any], dict[str, Any]]] = []
    seen: set[str] = set()
    duplicates = 0
    for index, record in enumerate(records):
        event_id = str(record.get("event_id") or "")
        try:
            fields = _validated(record)
        except RecordRejected as problem:
            rejected.append({"index": index, "event_id": event_id, "code": problem.code,
                             "reason": problem.reason})
            continue
        if event_id in seen:
            duplicates += 1
            continue
        seen.add(event_id)
        valid.append((record, fields | {"_index": index}))
    known = set(TradeLineReport.objects.filter(member=member, event_id__in=seen)
                .values_list("event_id", flat=True))
    duplicates += sum(1 for record, _ in valid if record["event_id"] in known)
    valid = [(record, fields) for record, fields in valid if record["event_id"] not in known]
    subjects = _subjects_for({(r["subject_kind"], str(r["subject_id"])) for r, _ in valid})
    accounts = {str(r["account_number"]) for r, _ in valid}
    owners, windows = {}, {}
    for account, subject_id, history, as_of in TradeLine.objects.filter(
            member=member, account_number__in=accounts).values_list(
            "account_number", "subject_id", "payment_history", "as_of"):
        owners[account], windows[account] = subject_id, (history, as_of)
    applied: list[tuple[dict[str, Any], dict[str, Any], int]] = []
    for record, fields in valid:
        subject_id = subjects[(record["subject_kind"], str(record["subject_id"]))]
        account = str(record["account_number"])
        if owners.setdefault(account, subject_id) != subject_id:
            rejected.append({"index": fields["_index"], "event_id": record["event_id"],
                             "code": "SUBJECT_CHANGED", "reason": "the account belongs to "
                             "another subject in earlier reports"})
            continue
        fields["payment_history"] = _history_window(windows.get(account),
                                                    fields["payment_history"], fields["as_of"])
        windows[account] = (fields["payment_history"], fields["as_of"])
        applied.append((record, fields, subject_id))
    latest = {str(record["account_number"]): (fields, subject_id)
              for record, fields, subject_id in applied}
    line_ids = _trade_lines_upsert(member, latest)
    _event_log_write([
        (member.pk, record["event_id"], record["event"],
         line_ids[str(record["account_number"])], _jsonable(record))
        for record, _fields, _s in applied])
    rejected.sort(key=lambda problem: problem["index"])
    return BatchResult(len(applied), duplicates, rejected)


def _trade_lines_upsert(member: Member, latest: dict[str, tuple[dict[str, Any], int]]
                        ) -> dict[str, int]:
    """Insert or update the member's trade lines by account number; returns each account's
    trade-line id. On PostgreSQL the rows go by COPY into a session's staging table and are
    merged in one statement; elsewhere by a bulk upsert."""
    if connection.vendor != "postgresql":
        TradeLine.objects.bulk_create(
            [TradeLine(member=member, account_number=account, subject_id=subject_id,
                       **{k: v for k, v in fields.items() if k != "_index"})
             for account, (fields, subject_id) in latest.items()],
            update_conflicts=True, unique_fields=["member", "account_number"],
            update_fields=[*TRADE_LINE_FIELDS, "subject", "updated_at"], batch_size=1000)
        return dict(TradeLine.objects.filter(member=member, account_number__in=latest)
                    .values_list("account_number", "pk"))
    columns = ("account_number", "subject_id", *TRADE_LINE_FIELDS)
    table = TradeLine._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TEMP TABLE IF NOT EXISTS trade_line_batch AS "
                       f"SELECT {', '.join(columns)} FROM {table} WITH NO DATA")
        cursor.execute("TRUNCATE trade_line_batch")
        with cursor.cursor.copy(f"COPY trade_line_batch ({', '.join(columns)}) "
                                "FROM STDIN") as copy:
            for account, (fields, subject_id) in latest.items():
                copy.write_row((account, subject_id, *(fields[f] for f in TRADE_LINE_FIELDS)))
        updates = ", ".join(f"{column} = EXCLUDED.{column}"
                            for column in (*columns[1:], "updated_at"))
        cursor.execute(
            f"""INSERT INTO {table} (member_id, {', '.join(columns)}, updated_at)
                SELECT %s, {', '.join(columns)}, now() FROM trade_line_batch
                ON CONFLICT (member_id, account_number) DO UPDATE SET {updates}
                RETURNING account_number, id""", [member.pk])
        return dict(cursor.fetchall())


def _event_log_write(rows: list[tuple[int, str, str, int, dict[str, Any]]]) -> None:
    """Append (member, event id, event, trade line, record) rows to the event log: on
    PostgreSQL by COPY — the log is most of what a batch writes, and COPY skips building and
    quoting a thousand-row INSERT — elsewhere by a bulk insert."""
    received = timezone.now()
    if connection.vendor != "postgresql":
        TradeLineReport.objects.bulk_create(
            [TradeLineReport(member_id=member_id, event_id=event_id, event=event,
                             trade_line_id=line_id, record=record, received_at=received)
             for member_id, event_id, event, line_id, record in rows], batch_size=1000)
        return
    table = TradeLineReport._meta.db_table
    with connection.cursor() as cursor, cursor.cursor.copy(
            f"COPY {table} (member_id, event_id, event, trade_line_id, record, received_at) "
            "FROM STDIN") as copy:
        for member_id, event_id, event, line_id, record in rows:
            copy.write_row((member_id, event_id, event, line_id, json.dumps(record),
                            received))


def _history_window(previous: tuple[str, date] | None, reported: str, as_of: date) -> str:
    """The 24-month payment history after a report. A full string replaces the window; a single
    code is this month's: it replaces the last code of the same month, or moves the window on
    by the months since the last report (months nobody reported are ``#``, unknown)."""
    if len(reported) > 1 or previous is None:
        return reported.rjust(24, "*")[-24:]
    history, last = previous
    months = (as_of.year - last.year) * 12 + as_of.month - last.month
    if months < 0:  # an older report than the window: the window stands
        return history
    if months == 0:
        return history[:-1] + reported
    return (history + "#" * (months - 1) + reported)[-24:]
TRADE_LINE_FIELDS = ("product_type", "opened_on", "amount_fen", "balance_fen",
                     "scheduled_payment_fen", "past_due_fen", "status", "payment_history",
                     "first_delinquency_on", "as_of")


def _subjects_for(identities: set[tuple[str, str]]) -> dict[tuple[str, str], int]:
    """Each (kind, identity) → its subject's id, creating the missing ones in one statement."""
    indexed = {(kind, identity): subject_index(kind, identity) for kind, identity in identities}
    kinds = {kind for kind, _identity in identities}
    found = {(kind, index): pk for kind, index, pk in Subject.objects.filter(
        kind__in=kinds, identity_index__in=set(indexed.values()))
        .values_list("kind", "identity_index", "pk")}
    missing = {key: index for key, index in indexed.items() if (key[0], index) not in found}
    if missing:
        Subject.objects.bulk_create(
            [Subject(kind=kind, identity_index=index,
                     identity_sealed=pii_encrypt(identity.strip().upper(),
                                                 context=SUBJECT_CONTEXT),
                     identity_masked=pii_mask(identity, keep_start=4, keep_end=4))
             for (kind, identity), index in missing.items()],
            ignore_conflicts=True, batch_size=1000)
        found |= {(kind, index): pk for kind, index, pk in Subject.objects.filter(
            kind__in=kinds, identity_index__in=set(missing.values()))
            .values_list("kind", "identity_index", "pk")}
    return {key: found[(key[0], index)] for key, index in indexed.items()}


def _jsonable(record: dict[str, Any]) -> dict[str, Any]:
    """The record as reported, without the identity number (the trade line names the subject)."""
    return {key: str(value) for key, value in record.items() if key != "subject_id"}
