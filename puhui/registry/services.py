"""Writes of the shared credit registry: members, consents, trade-line reports, reservations of
headroom under the cross-platform caps, negative records and disputes; and the report, whose
every request is logged as an inquiry, allowed or not.

Guarantees (proved in ``registry/tests``):

- A report needs the subject's valid consent for that member and purpose; without it the answer
  is ``CONSENT_REQUIRED`` and the refused inquiry is still logged.
- Reports of trade lines are idempotent by the member's event id and validated record by record:
  a bad record is rejected with its reason and the good ones are kept.
- Headroom is reserved under a lock on the subject's row, so two members can never both use the
  same headroom: exposure = balances of open trade lines + reservations held, across members.
- A negative record is reported only after the subject was notified, and expires after the
  rulebook's retention; a disputed record or trade line carries a flag until the member answers,
  and a dispute unanswered past the rulebook's deadline is escalated.
"""

import json
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models import Sum
from django.utils import timezone

from puhui.core.business_day import business_date_today
from puhui.core.errors import CoreError, PuhuiError
from puhui.core.money import money_from_minor, money_to_minor
from puhui.core.pii import pii_blind_index, pii_decrypt, pii_encrypt, pii_mask
from puhui.core.signing import signature, signature_matches
from puhui.registry.errors import RegistryError
from puhui.registry.models import (
    Consent,
    Dispute,
    Inquiry,
    Member,
    NegativeKind,
    NegativeRecord,
    ProductType,
    Purpose,
    Reservation,
    ReservationStatus,
    Subject,
    SubjectKind,
    TradeLine,
    TradeLineReport,
    TradeLineStatus,
)
from puhui.registry.ports import RegistryReport, SubjectReport
from puhui.rulebook.schema import Rulebook
from puhui.rulebook.selectors import rulebook_in_force, rulebook_section

SUBJECT_CONTEXT = "registry.subject.identity"
SECRET_CONTEXT = "registry.member.secret"  # noqa: S105 - a sealing context, not a secret
HISTORY_CODES = set("N1234567CGDZ#*")
LIVE = (TradeLineStatus.OPEN, TradeLineStatus.DEFAULT)


# --- members ----------------------------------------------------------------------------------


@transaction.atomic
def member_register(*, code: str, name: str, kind: str,
                    secret: str | None = None) -> tuple[Member, str]:
    """A member and its signing secret (made here unless given; kept sealed). Registering an
    existing code again replaces its name, kind and secret (a key rotation)."""
    secret = secret or secrets.token_urlsafe(32)
    member = Member.objects.select_for_update().filter(code=code).first() or Member(code=code)
    member.name, member.kind = name, kind
    member.secret_sealed = pii_encrypt(secret, context=SECRET_CONTEXT)
    member.full_clean()
    member.save()
    return member, secret


def member_secret(member: Member) -> str:
    return pii_decrypt(member.secret_sealed, context=SECRET_CONTEXT)


# --- subjects ---------------------------------------------------------------------------------


def _subject_index(kind: str, identity: str) -> str:
    return pii_blind_index(identity, context=f"{SUBJECT_CONTEXT}.{kind}")


def subject_find(kind: str, identity: str) -> Subject | None:
    if kind not in SubjectKind.values:
        raise PuhuiError(RegistryError.SUBJECT_KIND_UNKNOWN, kind=kind)
    return Subject.objects.filter(kind=kind, identity_index=_subject_index(kind, identity)).first()


def subject_for(kind: str, identity: str) -> Subject:
    """The subject with this identity, created on first mention (matched by blind index)."""
    found = subject_find(kind, identity)
    if found:
        return found
    try:
        with transaction.atomic():
            return Subject.objects.create(
                kind=kind, identity_index=_subject_index(kind, identity),
                identity_sealed=pii_encrypt(identity.strip().upper(), context=SUBJECT_CONTEXT),
                identity_masked=pii_mask(identity, keep_start=4, keep_end=4))
    except IntegrityError:  # created meanwhile by a concurrent request
        found = subject_find(kind, identity)
        assert found is not None
        return found


# --- consent ----------------------------------------------------------------------------------


def consent_signature(secret: str, *, consent_id: str, subject_kind: str, subject_id: str,
                      purpose: str, granted_at: str, expires_at: str) -> str:
    """What the member signs when it forwards a subject's consent."""
    return signature(secret, "consent", consent_id, subject_kind, subject_id.strip().upper(),
                     purpose, granted_at, expires_at)


@transaction.atomic
def consent_record(*, member: Member, consent_id: str, subject_kind: str, subject_id: str,
                   purpose: str, granted_at: datetime, expires_at: datetime,
                   signed: str) -> Consent:
    """Store a consent the member collected; refused unless the member's signature matches."""
    if purpose not in Purpose.values:
        raise PuhuiError(RegistryError.PURPOSE_UNKNOWN, purpose=purpose)
    if expires_at <= granted_at:
        raise PuhuiError(RegistryError.CONSENT_INVALID, problem="it expires before it is granted")
    if not signature_matches(signed, member_secret(member), "consent", consent_id, subject_kind,
                             subject_id.strip().upper(), purpose, granted_at.isoformat(),
                             expires_at.isoformat()):
        raise PuhuiError(RegistryError.CONSENT_INVALID, problem="the signature does not match")
    subject = subject_for(subject_kind, subject_id)
    existing = Consent.objects.filter(member=member, consent_id=consent_id).first()
    if existing:
        return existing
    return Consent.objects.create(consent_id=consent_id, subject=subject, member=member,
                                  purpose=purpose, granted_at=granted_at,
                                  expires_at=expires_at, signature=signed)


def _consent_valid(*, member: Member, subject: Subject | None, purpose: str,
                   consent_id: str, now: datetime) -> Consent | None:
    if subject is None:
        return None
    return Consent.objects.filter(member=member, subject=subject, consent_id=consent_id,
                                  purpose=purpose, granted_at__lte=now, expires_at__gt=now,
                                  revoked_at__isnull=True).first()


# --- the report -------------------------------------------------------------------------------


def _months_before(day: date, months: int) -> date:
    month_index = day.year * 12 + day.month - 1 - months
    year, month = divmod(month_index, 12)
    return date(year, month + 1, min(day.day, 28))


SECTIONS = {
    "totals": ("outstanding_total", "reserved_total", "open_financings"),
    "financings": ("financings",), "inquiries": ("inquiries",),
    "negative_records": ("negative_records",), "disputes": ("disputes_open",),
}


def report_build(*, subject: Subject, member: Member, today: date, rulebook: Rulebook,
                 purpose: str = Purpose.LOAN_APPLICATION) -> RegistryReport:
    """What a member sees: totals across members, open financings (other members unnamed, as
    bureaus do), payment histories, inquiries by period, negative records, dispute flags —
    only the sections the rulebook allows for the purpose (data minimisation)."""
    policy = rulebook_section(rulebook, "credit_information")
    lines = list(TradeLine.objects.filter(subject=subject).select_related("member")
                 .order_by("opened_on", "pk"))
    disputed_lines = set(Dispute.objects.filter(subject=subject, answered_on__isnull=True,
                                                trade_line__isnull=False)
                         .values_list("trade_line_id", flat=True))
    others: dict[int, str] = {}
    financings = []
    for line in lines:
        if line.member_id == member.pk:
            lender = "you"
        else:
            lender = others.setdefault(line.member_id, f"member {chr(65 + len(others))}")
        financings.append({
            "id": line.pk, "lender": lender, "account_number": line.account_number
            if line.member_id == member.pk else "", "product_type": line.product_type,
            "opened_on": line.opened_on, "amount": _amount(line.amount_fen),
            "balance": _amount(line.balance_fen), "past_due": _amount(line.past_due_fen),
            "status": line.status, "payment_history": line.payment_history,
            "first_delinquency_on": line.first_delinquency_on,
            "disputed": line.pk in disputed_lines, "as_of": line.as_of,
        })
    records = NegativeRecord.objects.filter(subject=subject, expires_on__gt=today,
                                            withdrawn_on__isnull=True).order_by("reported_on")
    disputed_records = set(Dispute.objects.filter(subject=subject, answered_on__isnull=True,
                                                  negative_record__isnull=False)
                           .values_list("negative_record_id", flat=True))
    inquiries = Inquiry.objects.filter(subject=subject, allowed=True)
    held = Reservation.objects.filter(subject=subject, status=ReservationStatus.HELD).aggregate(
        total=Sum("amount_fen"))["total"] or 0
    outstanding = sum(line.balance_fen for line in lines if line.status in LIVE)
    report = {
        "subject": {"kind": subject.kind, "identity": subject.identity_masked},
        "as_of": today,
        "outstanding_total": _amount(outstanding),
        "reserved_total": _amount(held),
        "open_financings": sum(1 for line in lines if line.status in LIVE),
        "financings": financings,
        "inquiries": {f"last_{months}_months": inquiries.filter(
            at__date__gte=_months_before(today, months)).count()
            for months in policy.report_inquiry_months},
        "negative_records": [{"id": r.pk, "kind": r.kind, "detail": r.detail,
                              "reported_on": r.reported_on, "expires_on": r.expires_on,
                              "disputed": r.pk in disputed_records} for r in records],
        "disputes_open": len(disputed_lines) + len(disputed_records),
    }
    allowed = policy.report_sections.get(purpose, [])
    shown = {"subject", "as_of", *(key for section in allowed for key in SECTIONS[section])}
    return RegistryReport.model_validate({key: value for key, value in report.items()
                                          if key in shown})


def _amount(fen: int) -> Decimal:
    return money_from_minor(fen, "CNY")


def _yuan(fen: int) -> str:
    return str(_amount(fen))


def report_request(*, member: Member, subject_kind: str, subject_id: str, purpose: str,
                   consent_id: str, now: datetime | None = None) -> RegistryReport:
    """The report, if the subject consented; every request is logged as an inquiry first (in
    its own savepoint, so a refusal is logged too)."""
    now = now or timezone.now()
    subject = subject_find(subject_kind, subject_id)
    consent = _consent_valid(member=member, subject=subject, purpose=purpose,
                             consent_id=consent_id, now=now)
    with transaction.atomic():
        Inquiry.objects.create(member=member, subject=subject, purpose=purpose, consent=consent,
                               allowed=consent is not None,
                               reason="" if consent else "no valid consent")
    if consent is None or subject is None:
        raise PuhuiError(RegistryError.CONSENT_REQUIRED)
    return report_build(subject=subject, member=member, today=now.date(),
                        rulebook=rulebook_in_force(), purpose=purpose)


def subject_request(*, member: Member, subject_kind: str, subject_id: str, consent_id: str,
                    now: datetime | None = None) -> SubjectReport:
    """The subject's own view, through the member the subject signed in to: the report, and
    who looked (member names shown: it is the subject asking) with purpose and time."""
    report = report_request(member=member, subject_kind=subject_kind, subject_id=subject_id,
                            purpose=Purpose.SUBJECT_REQUEST, consent_id=consent_id, now=now)
    subject = subject_find(subject_kind, subject_id)
    assert subject is not None  # report_request found it
    who_looked = [
        {"member": inquiry.member.name, "purpose": inquiry.purpose, "allowed": inquiry.allowed,
         "at": inquiry.at.isoformat(timespec="seconds")}
        for inquiry in subject.inquiries.select_related("member").order_by("-at")[:100]]
    disputes = [
        {"id": d.pk, "opened_on": d.opened_on, "statement": d.statement,
         "answer_due_on": d.answer_due_on, "answered_on": d.answered_on, "answer": d.answer,
         "upheld": d.upheld, "escalated_on": d.escalated_on}
        for d in subject.disputes.order_by("-opened_on", "-pk")]
    return SubjectReport.model_validate(report.model_dump() | {"who_looked": who_looked,
                                                                "disputes": disputes})


def subject_dispute(*, member: Member, subject_kind: str, subject_id: str, consent_id: str,
                    statement: str, trade_line_id: int | None = None,
                    negative_record_id: int | None = None) -> Dispute:
    """A subject disputes one of their records through the member they signed in to."""
    now = timezone.now()
    subject = subject_find(subject_kind, subject_id)
    consent = _consent_valid(member=member, subject=subject, purpose=Purpose.SUBJECT_REQUEST,
                             consent_id=consent_id, now=now)
    if consent is None or subject is None:
        raise PuhuiError(RegistryError.CONSENT_REQUIRED)
    return dispute_open(
        subject=subject, statement=statement,
        trade_line=TradeLine.objects.filter(pk=trade_line_id).first()
        if trade_line_id else None,
        negative_record=NegativeRecord.objects.filter(pk=negative_record_id).first()
        if negative_record_id else None)


# --- trade lines ------------------------------------------------------------------------------


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
    indexed = {(kind, identity): _subject_index(kind, identity) for kind, identity in identities}
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


# --- reservations under the cross-platform caps -----------------------------------------------


def _cap_fen(subject: Subject, rulebook: Rulebook) -> int:
    caps = rulebook_section(rulebook, "borrowing_caps")
    pair = caps.legal_person if subject.kind == SubjectKind.ENTERPRISE else caps.natural_person
    return money_to_minor(pair.all_platforms, "CNY")


def exposure_fen(subject: Subject) -> int:
    """Balances of live trade lines plus headroom held, across every member."""
    lines = TradeLine.objects.filter(subject=subject, status__in=LIVE).aggregate(
        total=Sum("balance_fen"))["total"] or 0
    held = Reservation.objects.filter(subject=subject, status=ReservationStatus.HELD).aggregate(
        total=Sum("amount_fen"))["total"] or 0
    return int(lines) + int(held)


@transaction.atomic
def reservation_hold(*, member: Member, subject_kind: str, subject_id: str, reference: str,
                     amount_fen: int, rulebook: Rulebook | None = None) -> Reservation:
    """Reserve ``amount_fen`` of the subject's headroom for the member's listing ``reference``;
    refused when it would take the subject over the cap across all members. Idempotent by
    reference (the same amount again is the same reservation)."""
    if amount_fen <= 0:
        raise PuhuiError(CoreError.AMOUNT_NOT_POSITIVE)
    subject = subject_for(subject_kind, subject_id)
    Subject.objects.select_for_update().filter(pk=subject.pk).get()  # one decision at a time
    existing = Reservation.objects.filter(member=member, reference=reference).first()
    if existing:
        if existing.amount_fen != amount_fen:
            raise PuhuiError(RegistryError.RESERVATION_DIFFERS, reference=reference)
        return existing
    cap = _cap_fen(subject, rulebook or rulebook_in_force())
    exposure = exposure_fen(subject)
    if exposure + amount_fen > cap:
        raise PuhuiError(RegistryError.OVER_CROSS_PLATFORM_CAP, cap=_yuan(cap),
                         exposure=_yuan(exposure), headroom=_yuan(max(cap - exposure, 0)))
    return Reservation.objects.create(member=member, subject=subject, reference=reference,
                                      amount_fen=amount_fen)


def _reservation_locked(member: Member, reference: str) -> Reservation:
    found = (Reservation.objects.select_for_update()
             .filter(member=member, reference=reference).first())
    if found is None:
        raise PuhuiError(RegistryError.RESERVATION_NOT_FOUND, reference=reference)
    return found


@transaction.atomic
def reservation_release(*, member: Member, reference: str) -> Reservation:
    """The listing failed: the headroom is free again (idempotent)."""
    reservation = _reservation_locked(member, reference)
    if reservation.status == ReservationStatus.CONVERTED:
        raise PuhuiError(RegistryError.RESERVATION_RESOLVED, reference=reference,
                         status=reservation.status)
    if reservation.status == ReservationStatus.HELD:
        reservation.status, reservation.resolved_at = ReservationStatus.RELEASED, timezone.now()
        reservation.save(update_fields=["status", "resolved_at"])
    return reservation


@transaction.atomic
def reservation_convert(*, member: Member, reference: str,
                        trade_line: dict[str, Any]) -> Reservation:
    """The loan is made: its trade line (event ``opened``) replaces the reservation in the same
    transaction, so the exposure never drops in between."""
    reservation = _reservation_locked(member, reference)
    if reservation.status == ReservationStatus.CONVERTED:
        return reservation
    if reservation.status == ReservationStatus.RELEASED:
        raise PuhuiError(RegistryError.RESERVATION_RESOLVED, reference=reference,
                         status=reservation.status)
    result = trade_lines_report(member=member, records=[trade_line | {"event": "opened"}])
    if result.rejected:
        raise PuhuiError(RegistryError.TRADE_LINE_REJECTED, reason=result.rejected[0]["reason"])
    reservation.status, reservation.resolved_at = ReservationStatus.CONVERTED, timezone.now()
    reservation.save(update_fields=["status", "resolved_at"])
    return reservation


# --- negative records and disputes ------------------------------------------------------------


def _add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


@transaction.atomic
def negative_record_report(*, member: Member, subject_kind: str, subject_id: str, kind: str,
                           detail: str, subject_notified_on: date | None,
                           today: date | None = None) -> NegativeRecord:
    """Report a default, confirmed fake information or fraud; the subject must have been told
    first (the registry refuses otherwise); the record expires after the retention period."""
    today = today or business_date_today()
    if kind not in NegativeKind.values:
        raise PuhuiError(RegistryError.NEGATIVE_KIND_UNKNOWN, kind=kind)
    if subject_notified_on is None or subject_notified_on > today:
        raise PuhuiError(RegistryError.SUBJECT_NOT_NOTIFIED)
    policy = rulebook_section(rulebook_in_force(), "credit_information")
    return NegativeRecord.objects.create(
        member=member, subject=subject_for(subject_kind, subject_id), kind=kind, detail=detail,
        subject_notified_on=subject_notified_on, reported_on=today,
        expires_on=_add_years(today, policy.negative_record_retention_years))


@transaction.atomic
def dispute_open(*, subject: Subject, statement: str, negative_record: NegativeRecord | None = None,
                 trade_line: TradeLine | None = None, today: date | None = None) -> Dispute:
    today = today or business_date_today()
    target = negative_record or trade_line
    if target is None or target.subject_id != subject.pk:
        raise PuhuiError(RegistryError.DISPUTE_TARGET_INVALID)
    if not statement.strip():
        raise PuhuiError(RegistryError.DISPUTE_STATEMENT_REQUIRED)
    days = rulebook_section(rulebook_in_force(), "credit_information").dispute_answer_days
    return Dispute.objects.create(subject=subject, member_id=target.member_id,
                                  negative_record=negative_record, trade_line=trade_line,
                                  statement=statement, opened_on=today,
                                  answer_due_on=today + timedelta(days=days))


@transaction.atomic
def dispute_answer(*, member: Member, dispute_id: int, upheld: bool, answer: str,
                   today: date | None = None) -> Dispute:
    """The member answers: the record stands (``upheld``) or is withdrawn."""
    dispute = Dispute.objects.select_for_update().filter(pk=dispute_id, member=member).first()
    if dispute is None:
        raise PuhuiError(RegistryError.DISPUTE_NOT_FOUND, dispute=dispute_id)
    if dispute.answered_on is not None:
        raise PuhuiError(RegistryError.DISPUTE_ANSWERED, dispute=dispute_id)
    if not answer.strip():
        raise PuhuiError(RegistryError.DISPUTE_STATEMENT_REQUIRED)
    today = today or business_date_today()
    dispute.answered_on, dispute.answer, dispute.upheld = today, answer, upheld
    dispute.save(update_fields=["answered_on", "answer", "upheld"])
    if not upheld and dispute.negative_record_id:
        NegativeRecord.objects.filter(pk=dispute.negative_record_id).update(withdrawn_on=today)
    return dispute


@transaction.atomic
def disputes_escalate(*, today: date | None = None) -> int:
    """Flag every dispute still unanswered past its deadline; returns how many were escalated."""
    today = today or business_date_today()
    return Dispute.objects.filter(answered_on__isnull=True, escalated_on__isnull=True,
                                  answer_due_on__lt=today).update(escalated_on=today)
