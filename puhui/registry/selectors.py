"""Reads of the shared registry: the report a member sees (only the sections the rulebook
allows for the purpose of the inquiry), a subject's exposure across members, and the disputes
a member follows for its subjects."""

from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Sum

from puhui.core.money import money_from_minor
from puhui.registry.models import (
    HARD_INQUIRY_PURPOSES,
    Dispute,
    Inquiry,
    Member,
    NegativeRecord,
    Purpose,
    Reservation,
    ReservationPurpose,
    ReservationStatus,
    Subject,
    TradeLine,
    TradeLineStatus,
)
from puhui.registry.ports import DisputeShown, RegistryReport
from puhui.rulebook.schema import Rulebook
from puhui.rulebook.selectors import rulebook_section

LIVE = (TradeLineStatus.OPEN, TradeLineStatus.DEFAULT)


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
            "opened_on": line.opened_on, "amount": amount_yuan(line.amount_fen),
            "balance": amount_yuan(line.balance_fen), "past_due": amount_yuan(line.past_due_fen),
            "status": line.status, "payment_history": line.payment_history,
            "first_delinquency_on": line.first_delinquency_on,
            "disputed": line.pk in disputed_lines, "as_of": line.as_of,
        })
    records = NegativeRecord.objects.filter(subject=subject, expires_on__gt=today,
                                            withdrawn_on__isnull=True).order_by("reported_on")
    disputed_records = set(Dispute.objects.filter(subject=subject, answered_on__isnull=True,
                                                  negative_record__isnull=False)
                           .values_list("negative_record_id", flat=True))
    inquiries = Inquiry.objects.filter(subject=subject, allowed=True,
                                       purpose__in=HARD_INQUIRY_PURPOSES)
    held = Reservation.objects.filter(subject=subject, status=ReservationStatus.HELD,
                                      purpose=ReservationPurpose.BORROWING).aggregate(
        total=Sum("amount_fen"))["total"] or 0
    outstanding = sum(line.balance_fen for line in lines if line.status in LIVE)
    report = {
        "subject": {"kind": subject.kind, "identity": subject.identity_masked},
        "as_of": today,
        "outstanding_total": amount_yuan(outstanding),
        "reserved_total": amount_yuan(held),
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


def amount_yuan(fen: int) -> Decimal:
    return money_from_minor(fen, "CNY")


def yuan_text(fen: int) -> str:
    return str(amount_yuan(fen))


def exposure_fen(subject: Subject) -> int:
    """Balances of live trade lines plus headroom held, across every member."""
    lines = TradeLine.objects.filter(subject=subject, status__in=LIVE).aggregate(
        total=Sum("balance_fen"))["total"] or 0
    held = Reservation.objects.filter(subject=subject, status=ReservationStatus.HELD,
                                      purpose=ReservationPurpose.BORROWING).aggregate(
        total=Sum("amount_fen"))["total"] or 0
    return int(lines) + int(held)


def dispute_shown(dispute: Dispute) -> dict[str, Any]:
    """A dispute as its subject (and the member they disputed through) may see it."""
    return DisputeShown.model_validate({
        "id": dispute.pk, "opened_on": dispute.opened_on, "statement": dispute.statement,
        "answer_due_on": dispute.answer_due_on, "answered_on": dispute.answered_on,
        "answer": dispute.answer, "upheld": dispute.upheld,
        "escalated_on": dispute.escalated_on}).model_dump(mode="json")


def disputes_opened_through(*, member: Member, ids: list[int]) -> list[dict[str, Any]]:
    """Of these disputes, those opened through ``member``, as their subject sees them: a
    member follows the outcome of what its users disputed, and nothing else."""
    return [dispute_shown(d) for d in Dispute.objects.filter(pk__in=ids, opened_through=member)
            .order_by("pk")]
