"""A loan's page and its repayments (borrower); the book of loans, the overdue book, close of
business, recoveries and write-offs (operators)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from puhui.audit.services import audit_record
from puhui.core.errors import PuhuiError
from puhui.core.lists import Column, csv_response, list_shown, wants_csv
from puhui.core.money import money_from_minor
from puhui.lending import selectors
from puhui.lending.contract import contract_number, loan_contract_pdf
from puhui.lending.forms import (
    CobForm,
    LoanBookFilter,
    RecoveryForm,
    RepaymentForm,
)
from puhui.lending.models import (
    Loan,
    Reminder,
)
from puhui.lending.services import collections
from puhui.lending.services.repayments import loan_quote, prepayment_partial, repayment_make
from puhui.lending.views._access import FORM_REFUSED, loan_seen, user_in_role
from puhui.operations.close_of_business import close_of_business_run
from puhui.parties.forms import error_sentence, form_error
from puhui.parties.models import OperatorDuty, Role
from puhui.rulebook.selectors import rulebook_in_force


def _loan_page(request: HttpRequest, loan: Loan, *, form: RepaymentForm | None = None,
               recovery_form: RecoveryForm | None = None, refusal: str = "") -> HttpResponse:
    user = user_in_role(request)
    refused = refusal or any(f is not None and f.errors for f in (form, recovery_form))
    installments = list(loan.installments.order_by("number"))
    totals = {part: sum(getattr(i, f"{part}_fen") for i in installments)
              for part in ("principal", "interest", "fee", "penalty")}
    return render(request, "lending/loan_detail.html", {
        "totals": totals, "disbursement": selectors.loan_disbursement(loan),
        "collection": getattr(loan, "collection", None),
        "recovery_form": recovery_form or RecoveryForm(),
        "loan": loan, "installments": installments,
        "reminders": Reminder.objects.filter(installment__loan=loan, sent_at__isnull=False)
        .select_related("installment").order_by("-business_date", "-pk")[:20],
        "quote": loan_quote(loan), "form": form or RepaymentForm(),
        "is_borrower": loan.listing.application.enterprise.representative_id == user.pk,
        "currency": loan.listing.application.product.currency, "refusal": refusal,
    }, status=FORM_REFUSED if refused else 200)


@login_required
@require_GET
def loans_book(request: HttpRequest) -> HttpResponseBase:
    """Every loan, for operators and the regulator: filter, sort, page and export."""
    user_in_role(request, Role.OPERATOR, Role.REGULATOR)
    filters = LoanBookFilter(request.GET or None)
    criteria = filters.cleaned_data if filters.is_valid() else {}
    loans = selectors.loans_book(status=criteria.get("status", ""),
                                 grade=criteria.get("grade", ""),
                                 borrower=criteria.get("borrower", ""))
    shown = list_shown(request, loans, LOAN_COLUMNS, default_sort="-number")
    if wants_csv(request):
        return csv_response(shown.rows, LOAN_COLUMNS, filename="loans")
    return render(request, "lending/loans_book.html", {"list": shown, "filters": filters})


LOAN_COLUMNS = [
    Column("number", "#", lambda loan: loan.pk, "pk", numeric=True),
    Column("borrower", gettext_lazy("Borrower"),
           lambda loan: loan.listing.application.enterprise.name,
           "listing__application__enterprise__name"),
    Column("grade", gettext_lazy("Grade"),
           lambda loan: loan.listing.application.credit.get("grade", "")),
    Column("principal", gettext_lazy("Principal"),
           lambda loan: money_from_minor(loan.principal_fen, "CNY"), "principal_fen",
           numeric=True),
    Column("outstanding", gettext_lazy("Outstanding"),
           lambda loan: money_from_minor(loan.outstanding_fen, "CNY"), "outstanding_fen",
           numeric=True),
    Column("rate", gettext_lazy("Annual rate"), lambda loan: loan.rate_annual,
           "rate_annual", numeric=True),
    Column("term", gettext_lazy("Term (months)"),
           lambda loan: loan.listing.application.term_months,
           "listing__application__term_months", numeric=True),
    Column("value_date", gettext_lazy("Value date"), lambda loan: loan.value_date.isoformat(),
           "value_date"),
    Column("next_due", gettext_lazy("Next due"),
           lambda loan: loan.next_due.isoformat() if loan.next_due else "", "next_due"),
    Column("dpd", gettext_lazy("Days past due"), lambda loan: loan.worst_dpd, "worst_dpd",
           numeric=True),
    Column("status", gettext_lazy("Status"), lambda loan: loan.get_status_display(), "status"),
]


@login_required
@require_GET
def loan_detail(request: HttpRequest, loan_id: int) -> HttpResponse:
    return _loan_page(request, loan_seen(user_in_role(request), loan_id))


@login_required
@require_GET
def loan_contract(request: HttpRequest, loan_id: int) -> HttpResponse:
    """The loan contract as a PDF, for the loan's borrower and lenders, operators and the
    regulator (whoever may see the loan); each download audited."""
    user = user_in_role(request)
    loan = loan_seen(user, loan_id)
    audit_record(actor=user, action="loan.contract_downloaded", subject=f"loan:{loan.pk}",
                 language=get_language())
    response = HttpResponse(loan_contract_pdf(loan), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{contract_number(loan)}.pdf"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_POST
def loan_repay(request: HttpRequest, loan_id: int) -> HttpResponse:
    user = user_in_role(request, Role.BORROWER)
    loan = loan_seen(user, loan_id)
    if loan.listing.application.enterprise.representative_id != user.pk:
        raise PermissionDenied
    form = RepaymentForm(request.POST)
    if form.is_valid():
        mode, amount = form.cleaned_data["mode"], form.cleaned_data["amount"]
        try:
            if mode in ("shorten", "lower"):
                prepayment_partial(user=user, loan=loan, principal=amount,
                                   repayment_id=form.sent_id, shorten_term=mode == "shorten")
            else:
                repayment_make(user=user, loan=loan, amount=amount, repayment_id=form.sent_id,
                               prepay=mode == "prepay")
        except PuhuiError as error:
            form_error(form, error)
        else:
            messages.success(request, _("Your payment is received; the schedule below shows it."))
            return redirect("lending:loan", loan_id=loan.pk)
    return _loan_page(request, loan, form=form)






def _overdue_page(request: HttpRequest, *, form: CobForm | None = None,
                  outcome: object = None) -> HttpResponse:
    rules = rulebook_in_force().collections
    loans = [(loan, max((i.days_past_due for i in loan.installments.all()), default=0))
             for loan in selectors.loans_in_arrears()]
    return render(request, "lending/overdue_book.html", {
        "rows": [(loan, dpd, rules.bucket_for(dpd) if rules else dpd) for loan, dpd in loans],
        "form": form or CobForm(), "outcome": outcome,
    }, status=FORM_REFUSED if form is not None and form.errors else 200)


@login_required
@require_GET
def overdue_book(request: HttpRequest) -> HttpResponse:
    """The operator's overdue book; close of business can be run from here (in the demo this
    is how time passes)."""
    user_in_role(request, Role.OPERATOR)
    return _overdue_page(request)


@login_required
@require_POST
def close_of_business(request: HttpRequest) -> HttpResponse:
    user = user_in_role(request, Role.OPERATOR)
    if not user.has_duty(OperatorDuty.ADMIN):
        raise PermissionDenied
    form = CobForm(request.POST)
    if not form.is_valid():
        return _overdue_page(request, form=form)
    outcome = close_of_business_run(business_date=form.cleaned_data["business_date"])
    return _overdue_page(request, outcome=outcome)


@login_required
@require_POST
def loan_recovery(request: HttpRequest, loan_id: int) -> HttpResponse:
    user = user_in_role(request, Role.OPERATOR)
    loan = loan_seen(user, loan_id)
    form = RecoveryForm(request.POST)
    if not form.is_valid():
        return _loan_page(request, loan, recovery_form=form)
    try:
        collections.recovery_record(operator=user, loan=loan,
                                    amount=form.cleaned_data["amount"], recovery_id=form.sent_id)
    except PuhuiError as error:
        form_error(form, error)
        return _loan_page(request, loan, recovery_form=form)
    messages.success(request, _("The recovery is recorded and paid to the investors."))
    return redirect("lending:loan", loan_id=loan.pk)


@login_required
@require_POST
def loan_write_off(request: HttpRequest, loan_id: int) -> HttpResponse:
    user = user_in_role(request, Role.OPERATOR)
    loan = loan_seen(user, loan_id)
    try:
        collections.loan_write_off(operator=user, loan=loan)
    except PuhuiError as error:
        return _loan_page(request, loan, refusal=error_sentence(error))
    messages.success(request, _("The loan is written off."))
    return redirect("lending:loan", loan_id=loan.pk)
