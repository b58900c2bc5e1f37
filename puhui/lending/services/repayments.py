"""Repayments: allocation by the product's waterfall, distribution to notes, full prepayment.

A regular payment may cover what is due and the next installment ahead of its date; more is
an overpayment and refused. Repaying everything early (``prepay=True``) takes exactly the
payoff: all that is due, the remaining principal, the current period's interest and fee, and
the product's prepayment fee. The borrower's money goes out in one linked ledger batch: the
fee part to the platform, the rest to the investors' wallets, note by note in proportion to
what each note still holds (largest remainder, so every fen lands somewhere).
"""

import uuid
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction

from puhui.audit.services import audit_record
from puhui.core.business_day import business_date_today
from puhui.core.errors import CoreError, ErrorCode, PuhuiError, sent_before
from puhui.core.money import money_shown, money_split, money_to_minor
from puhui.custody.ports import CustodyAccount
from puhui.ledger.errors import TransferResult
from puhui.ledger.models import Account
from puhui.ledger.services import NewTransfer, linked_chain, transfers_create, transfers_require
from puhui.lending.errors import LendingError
from puhui.lending.models import LOAN_MOVES, Installment, Loan, LoanStatus, Note, Repayment
from puhui.lending.notices import notices_repayment
from puhui.lending.ports import ExposureChange, LendingAccount, LendingCode, ledger_transfer_id
from puhui.lending.services.accounts import platform_account, wallet_for
from puhui.lending.services.plugins import exposure_event
from puhui.parties.models import User

PARTS = ("penalty", "fee", "interest", "principal")
TO_INVESTORS = ("penalty", "interest", "principal")


@dataclass
class Quote:
    """What may be paid today."""

    regular_max_fen: int  # due installments plus the next one
    payoff_fen: int  # everything, early
    prepayment_fee_fen: int
    allocation: dict[int, dict[str, int]] = field(default_factory=dict)


def _due_and_next(installments: list[Installment], today: date) -> list[Installment]:
    open_ones = [i for i in installments if not i.settled]
    due = [i for i in open_ones if i.due_date <= today]
    ahead = [i for i in open_ones if i.due_date > today][:1]
    return due + ahead


def loan_quote(loan: Loan, today: date | None = None) -> Quote:
    today = today or business_date_today()
    installments = list(loan.installments.order_by("number"))
    regular = sum(i.owed(part) for i in _due_and_next(installments, today) for part in PARTS)
    due_or_current = _due_and_next(installments, today)
    current = {i.pk for i in due_or_current}
    remaining_principal = sum(i.owed("principal") for i in installments)
    product = loan.listing.application.product
    prepay_fee = int((Decimal(remaining_principal) * product.prepayment_fee_rate).quantize(
        Decimal(1), rounding=ROUND_HALF_UP))
    payoff = prepay_fee + sum(
        i.owed(part) if i.pk in current else (i.owed("principal") if part == "principal" else 0)
        for i in installments for part in PARTS
    )
    return Quote(regular, payoff, prepay_fee)


def _loan_locked_for_payment(*, user: User, loan: Loan,
                             repayment_id: uuid.UUID) -> tuple[Loan, Repayment | None]:
    """Lock the loan; only its borrower pays, and only while it is open. Under the lock, a
    payment already made with ``repayment_id`` is found (a second send of the same form)."""
    loan = Loan.objects.select_for_update(of=("self",)).select_related(
        "listing__application__product", "listing__application__enterprise").get(pk=loan.pk)
    if loan.listing.application.enterprise.representative_id != user.pk:
        raise PuhuiError(LendingError.NOT_YOUR_LOAN)
    made = Repayment.objects.filter(pk=repayment_id).first()
    if made is None and not LOAN_MOVES.allows(loan.status, LoanStatus.CLOSED):
        raise PuhuiError(LendingError.LOAN_NOT_OPEN, status=loan.status)
    return loan, made


def _payment_allocate(installments: list[Installment], *, current: list[Installment],
                      order: list[str], amount_fen: int, prepay: bool) -> dict[str, int]:
    """Spread a payment over what is due now and the next installment, part by part in the
    product's order (the waterfall); a prepayment then clears every later period's principal,
    whose interest is never earned. Returns how much went to each part."""
    paid = dict.fromkeys(PARTS, 0)
    left = amount_fen
    for installment in current:
        for part in order:
            take = min(left, installment.owed(part))
            setattr(installment, f"{part}_paid_fen",
                    getattr(installment, f"{part}_paid_fen") + take)
            paid[part] += take
            left -= take
    if prepay:
        for installment in installments:
            if installment in current:
                continue
            take = installment.owed("principal")
            installment.principal_paid_fen += take
            installment.interest_fen = installment.interest_paid_fen
            installment.fee_fen = installment.fee_paid_fen
            paid["principal"] += take
            left -= take
    if left:  # the quote checked the amount: a fen left over is a defect, not a payment
        raise ValueError(f"{left} fen of the payment found no installment")
    return paid


@transaction.atomic
def repayment_make(*, user: User, loan: Loan, amount: Decimal, repayment_id: uuid.UUID,
                   prepay: bool = False, today: date | None = None) -> Repayment:
    today = today or business_date_today()
    loan, existing = _loan_locked_for_payment(user=user, loan=loan, repayment_id=repayment_id)
    application = loan.listing.application
    product = application.product
    currency = product.currency
    amount_fen = money_to_minor(amount, currency)
    if existing is not None:
        return sent_before(existing, loan_id=loan.pk, amount_fen=amount_fen,
                           kind="prepay_full" if prepay else "regular")
    quote = loan_quote(loan, today)
    shown = lambda fen: money_shown(fen, currency)  # noqa: E731
    installments = list(loan.installments.select_for_update().order_by("number"))
    if prepay:
        if amount_fen != quote.payoff_fen:
            raise PuhuiError(LendingError.PREPAYMENT_AMOUNT, payoff=shown(quote.payoff_fen))
    elif amount_fen <= 0:
        raise PuhuiError(CoreError.AMOUNT_NOT_POSITIVE)
    elif amount_fen > quote.regular_max_fen:
        raise PuhuiError(LendingError.OVERPAYMENT, maximum=shown(quote.regular_max_fen),
                         payoff=shown(quote.payoff_fen))

    paid = _payment_allocate(
        installments, current=_due_and_next(installments, today),
        order=product.allocation_order or list(PARTS), prepay=prepay,
        amount_fen=amount_fen - (quote.prepayment_fee_fen if prepay else 0))
    Installment.objects.bulk_update(installments, [
        "principal_paid_fen", "interest_paid_fen", "fee_paid_fen", "penalty_paid_fen",
        "interest_fen", "fee_fen"])

    notes = list(Note.objects.select_for_update(of=("self",)).select_related("investor")
                 .filter(loan=loan).order_by("pk"))  # the investors are told (notices)
    weights = [note.outstanding_fen for note in notes]
    shares = {part: money_split(paid[part], weights) if sum(weights) else [0] * len(notes)
              for part in TO_INVESTORS}
    income = [i + p for i, p in zip(shares["interest"], shares["penalty"], strict=True)]
    transfers = notes_pay(loan=loan, notes=notes, principal=shares["principal"],
                          income=income, key=("repayment", repayment_id),
                          code=LendingCode.REPAYMENT)
    notices_repayment(loan, notes, shares["principal"], income, key=f"repayment:{repayment_id}")
    fee_total = paid["fee"] + (quote.prepayment_fee_fen if prepay else 0)
    transfers += platform_fee(loan=loan, amount_fen=fee_total,
                              key=("repayment-fee", repayment_id), code=LendingCode.REPAYMENT_FEE)
    _payment_move(loan, transfers, amount_fen)
    if all(i.settled for i in installments):
        loan.status = LoanStatus.CLOSED
        loan.save(update_fields=["status"])
    repayment = Repayment.objects.create(
        id=repayment_id, loan=loan, amount_fen=amount_fen,
        kind="prepay_full" if prepay else "regular",
        allocation=paid | {"prepayment_fee": quote.prepayment_fee_fen if prepay else 0},
    )
    audit_record(actor=user, action="loan.repaid", subject=f"loan:{loan.pk}",
                 amount_fen=amount_fen, kind=repayment.kind)
    exposure_event(application=application, change=ExposureChange.CHANGED, loan=loan)
    return repayment


@transaction.atomic
def prepayment_partial(*, user: User, loan: Loan, principal: Decimal, repayment_id: uuid.UUID,
                       shorten_term: bool, today: date | None = None) -> Repayment:
    """Repay part of the principal early, plus the product's prepayment fee on it; then either
    shorten the term (the last installments go first) or lower the remaining installments (the
    reduction spread by largest remainder). Interest on the future installments is recomputed
    on the new outstanding principal."""
    today = today or business_date_today()
    loan, existing = _loan_locked_for_payment(user=user, loan=loan, repayment_id=repayment_id)
    if existing is not None:
        return sent_before(existing, loan_id=loan.pk,
                           kind="prepay_shorten" if shorten_term else "prepay_lower")
    application = loan.listing.application
    if loan.method == "bullet":
        raise PuhuiError(LendingError.PARTIAL_PREPAYMENT_METHOD)
    product = application.product
    currency = product.currency
    shown = lambda fen: money_shown(fen, currency)  # noqa: E731
    installments = list(loan.installments.select_for_update().order_by("number"))
    due = sum(i.owed(part) for i in installments if i.due_date <= today for part in PARTS)
    if due:
        raise PuhuiError(LendingError.PAY_DUE_FIRST, due=shown(due))
    future = [i for i in installments if i.due_date > today and i.owed("principal") > 0]
    future_principal = sum(i.owed("principal") for i in future)
    principal_fen = money_to_minor(principal, currency)
    if not 0 < principal_fen < future_principal:
        raise PuhuiError(LendingError.PARTIAL_PREPAYMENT_AMOUNT,
                         maximum=shown(future_principal - 1))
    fee = int((Decimal(principal_fen) * product.prepayment_fee_rate).quantize(
        Decimal(1), rounding=ROUND_HALF_UP))

    _future_installments_reduce(future, principal_fen=principal_fen, shorten_term=shorten_term,
                                rate_annual=loan.rate_annual)
    Installment.objects.bulk_update(future, ["principal_paid_fen", "interest_fen", "fee_fen"])

    notes = list(Note.objects.select_for_update().filter(loan=loan).order_by("pk"))
    parts = money_split(principal_fen, [note.outstanding_fen for note in notes])
    transfers = notes_pay(loan=loan, notes=notes, principal=parts, income=[0] * len(notes),
                          key=("prepayment", repayment_id), code=LendingCode.PREPAYMENT)
    transfers += platform_fee(loan=loan, amount_fen=fee, key=("prepayment-fee", repayment_id),
                              code=LendingCode.PREPAYMENT_FEE)
    _payment_move(loan, transfers, principal_fen + fee)
    repayment = Repayment.objects.create(
        id=repayment_id, loan=loan, amount_fen=principal_fen + fee,
        kind="prepay_shorten" if shorten_term else "prepay_lower",
        allocation={"penalty": 0, "fee": 0, "interest": 0, "principal": principal_fen,
                    "prepayment_fee": fee},
    )
    audit_record(actor=user, action="loan.prepaid_in_part", subject=f"loan:{loan.pk}",
                 principal_fen=principal_fen, shorten_term=shorten_term)
    exposure_event(application=loan.listing.application, change=ExposureChange.CHANGED,
                   loan=loan)
    return repayment


def _future_installments_reduce(future: list[Installment], *, principal_fen: int,
                                shorten_term: bool, rate_annual: Decimal) -> None:
    """Record the prepaid principal as paid on the installments it clears — the last ones (a
    shorter term) or a share of each (lower installments) — and recompute each one's interest
    on what is still outstanding before it; a period cleared entirely is gone."""
    if shorten_term:
        left = principal_fen
        for installment in reversed(future):
            take = min(left, installment.owed("principal"))
            installment.principal_paid_fen += take
            left -= take
    else:
        cuts = money_split(principal_fen, [i.owed("principal") for i in future])
        for installment, cut in zip(future, cuts, strict=True):
            installment.principal_paid_fen += cut
    monthly = rate_annual / 12
    outstanding = sum(i.owed("principal") for i in future)
    for installment in future:
        if installment.owed("principal") == 0:  # cleared: the period is gone
            installment.interest_fen = installment.interest_paid_fen
            installment.fee_fen = installment.fee_paid_fen
        else:
            installment.interest_fen = int((outstanding * monthly).quantize(
                Decimal(1), rounding=ROUND_HALF_UP))
        outstanding -= installment.owed("principal")


# --- money to the notes, in one linked ledger batch -------------------------------------------


def notes_pay(*, loan: Loan, notes: list[Note], principal: list[int], income: list[int],
              key: tuple, code: str) -> list[NewTransfer]:
    """Credit each note's investor with its principal and income (interest, penalty) from the
    borrower's wallet, and count them on the notes (saved here; the ledger batch follows in
    the same transaction)."""
    currency = loan.listing.application.product.currency
    transfers = []
    for note, back, earned in zip(notes, principal, income, strict=True):
        note.principal_received_fen += back
        note.interest_received_fen += earned
        if back + earned:
            transfers.append(NewTransfer(
                id=ledger_transfer_id(*key, note.pk), debit_account_id=loan.borrower_account_id,
                credit_account_id=wallet_for(owner=note.investor.ledger_owner,
                                             kind=CustodyAccount.INVESTOR_WALLET,
                                             currency=currency).id,
                amount=back + earned, currency=currency, code=code,
                reference=f"note:{note.pk}"))
    Note.objects.bulk_update(notes, ["principal_received_fen", "interest_received_fen"])
    return transfers


def platform_fee(*, loan: Loan, amount_fen: int, key: tuple, code: str) -> list[NewTransfer]:
    if not amount_fen:
        return []
    currency = loan.listing.application.product.currency
    return [NewTransfer(id=ledger_transfer_id(*key), debit_account_id=loan.borrower_account_id,
                        credit_account_id=platform_account(LendingAccount.PLATFORM_FEE_INCOME,
                                                           currency).id,
                        amount=amount_fen, currency=currency, code=code,
                        reference=f"loan:{loan.pk}")]


def _payment_move(loan: Loan, transfers: list[NewTransfer], amount_fen: int) -> None:
    """A borrower's payment, all or nothing; a wallet short of it is told what it holds."""
    try:
        ledger_move(transfers, insufficient=LendingError.PAYMENT_EXCEEDS_WALLET)
    except PuhuiError as error:
        if error.error is not LendingError.PAYMENT_EXCEEDS_WALLET:
            raise
        currency = loan.listing.application.product.currency
        wallet = Account.objects.get(pk=loan.borrower_account_id)
        raise PuhuiError(LendingError.PAYMENT_EXCEEDS_WALLET,
                         amount=money_shown(amount_fen, currency),
                         available=money_shown(wallet.balance_available, currency)) from None


def ledger_move(transfers: list[NewTransfer], *, insufficient: ErrorCode) -> None:
    """Move it all or nothing; a wallet without the money is the caller's error."""
    if not transfers:
        return
    outcomes = transfers_create(linked_chain(transfers))
    if any(o.result == TransferResult.EXCEEDS_CREDITS for o in outcomes):
        raise PuhuiError(insufficient)
    transfers_require(outcomes, what="a payment to the notes")
