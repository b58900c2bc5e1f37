"""Default and recovery: money recovered reaches the notes pro rata to what each still holds
(largest remainder, one linked ledger batch); a write-off closes the case and the notes."""

import uuid
from datetime import date
from decimal import Decimal

from django.db import transaction

from puhui.audit.services import audit_record
from puhui.core.business_day import business_date_today
from puhui.core.errors import PuhuiError, sent_before
from puhui.core.money import money_from_minor, money_split, money_to_minor
from puhui.lending.errors import LendingError
from puhui.lending.models import (
    CollectionCase,
    Installment,
    Loan,
    LoanStatus,
    Note,
    Recovery,
)
from puhui.lending.ports import ExposureChange, LendingCode
from puhui.lending.services.plugins import exposure_event
from puhui.lending.services.repayments import ledger_move, notes_pay
from puhui.parties.models import OperatorDuty, User
from puhui.parties.services import require_duty


def _case_locked(loan: Loan) -> tuple[Loan, CollectionCase | None]:
    loan = Loan.objects.select_for_update(of=("self",)).select_related(
        "listing__application__product").get(pk=loan.pk)
    return loan, CollectionCase.objects.select_for_update().filter(loan=loan).first()


@transaction.atomic
def recovery_record(*, operator: User, loan: Loan, amount: Decimal, recovery_id: uuid.UUID,
                    business_date: date | None = None) -> CollectionCase:
    """Money recovered reaches the notes pro rata; ``recovery_id`` is the idempotency key (a
    second send of the same form finds the first recovery, under the loan's lock)."""
    require_duty(operator, OperatorDuty.RISK_OFFICER)
    loan, case = _case_locked(loan)
    currency = loan.listing.application.product.currency
    amount_fen = money_to_minor(amount, currency)
    made = Recovery.objects.filter(pk=recovery_id).first()
    if made is not None:
        sent_before(made, case_id=case.pk if case else None, amount_fen=amount_fen)
        return made.case
    if case is None or case.closed_on is not None:
        raise PuhuiError(LendingError.NO_OPEN_COLLECTION)
    notes = list(Note.objects.select_for_update().filter(loan=loan).order_by("pk"))
    outstanding = sum(note.outstanding_fen for note in notes)
    if not 0 < amount_fen <= outstanding:
        raise PuhuiError(LendingError.RECOVERY_TOO_LARGE, outstanding=(
            f"{money_from_minor(outstanding, currency):,} {currency}"))
    parts = money_split(amount_fen, [note.outstanding_fen for note in notes])
    transfers = notes_pay(loan=loan, notes=notes, principal=parts, income=[0] * len(notes),
                          key=("recovery", recovery_id), code=LendingCode.RECOVERY)
    ledger_move(transfers, insufficient=LendingError.RECOVERY_NOT_IN_WALLET)
    left = amount_fen  # the installments' principal, oldest first
    installments = list(loan.installments.select_for_update().order_by("number"))
    for installment in installments:
        take = min(left, installment.owed("principal"))
        installment.principal_paid_fen += take
        left -= take
    Installment.objects.bulk_update(installments, ["principal_paid_fen"])
    case.recovered_fen += amount_fen
    if all(note.outstanding_fen == 0 for note in notes):
        case.closed_on = business_date or business_date_today()
        loan.status = LoanStatus.CLOSED
        loan.save(update_fields=["status"])
    case.save(update_fields=["recovered_fen", "closed_on"])
    Recovery.objects.create(id=recovery_id, case=case, amount_fen=amount_fen,
                            recorded_by=operator)
    audit_record(actor=operator, action="loan.recovery", subject=f"loan:{loan.pk}",
                 amount_fen=amount_fen)
    exposure_event(application=loan.listing.application, change=ExposureChange.CHANGED,
                   loan=loan)
    return case


@transaction.atomic
def loan_write_off(*, operator: User, loan: Loan,
                   business_date: date | None = None) -> CollectionCase:
    require_duty(operator, OperatorDuty.RISK_OFFICER)
    loan, case = _case_locked(loan)
    if case is not None and loan.status == LoanStatus.WRITTEN_OFF:
        return case  # written off already: a second send changes nothing
    if case is None or case.closed_on is not None:
        raise PuhuiError(LendingError.NO_OPEN_COLLECTION)
    notes = list(Note.objects.select_for_update().filter(loan=loan))
    for note in notes:
        note.written_off_fen += note.outstanding_fen
    Note.objects.bulk_update(notes, ["written_off_fen"])
    case.written_off_fen = sum(note.written_off_fen for note in notes)
    case.closed_on = business_date or business_date_today()
    case.save(update_fields=["written_off_fen", "closed_on"])
    loan.status = LoanStatus.WRITTEN_OFF
    loan.save(update_fields=["status"])
    audit_record(actor=operator, action="loan.written_off", subject=f"loan:{loan.pk}",
                 written_off_fen=case.written_off_fen)
    exposure_event(application=loan.listing.application, change=ExposureChange.CHANGED,
                   loan=loan)
    return case
