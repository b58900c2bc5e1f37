"""A borrower's applications, and their review, decision and publication by operators."""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from puhui.core.business_day import business_date_today
from puhui.core.errors import PuhuiError
from puhui.core.lists import Column, csv_response, list_shown, wants_csv
from puhui.core.money import MoneyError, money_shown, money_to_minor
from puhui.lending import selectors, services
from puhui.lending.forms import (
    ApplicationForm,
)
from puhui.lending.models import (
    APPLICATION_MOVES,
    ApplicationStatus,
    LoanApplication,
)
from puhui.lending.views._access import FORM_REFUSED, application_seen, user_in_role
from puhui.parties.forms import DecisionForm, ReviewForm, error_sentence, form_error
from puhui.parties.models import Role, User


@login_required
def application_new(request: HttpRequest) -> HttpResponse:
    user = user_in_role(request, Role.BORROWER)
    form = ApplicationForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid() and "estimate" in request.POST:
        return render(request, "lending/application_form.html",
                      {"form": form, "estimate": _estimate(form)},
                      status=FORM_REFUSED if form.errors else 200)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            application = services.application_submit(
                user=user, enterprise=data["enterprise"], product=data["product"],
                amount=data["amount"], term_months=data["term_months"], method=data["method"],
                purpose_category=data["purpose_category"],
                purpose_description=data["purpose_description"],
                planned_payees=form.planned_payees(), grace_months=data["grace_months"] or 0,
                request_id=form.sent_id)
        except PuhuiError as error:
            form_error(form, error)
        else:
            messages.success(request, _("Your application #%(id)s was received; the checks "
                                        "are below.") % {"id": application.pk})
            return redirect("lending:application", application_id=application.pk)
    return render(request, "lending/application_form.html", {"form": form},
                  status=FORM_REFUSED if form.errors else 200)


def _estimate(form: ApplicationForm) -> dict[str, Any] | None:
    """What the loan would cost at the product's rate, before anything is submitted (the
    credit grade sets the final price)."""
    data = form.cleaned_data
    product = data["product"]
    try:
        schedule, apr = services.product_schedule(
            product=product, principal_fen=money_to_minor(data["amount"], product.currency),
            rate_annual=product.rate_annual, term_months=data["term_months"],
            method=data["method"], grace_months=data["grace_months"] or 0,
            start=business_date_today())
    except PuhuiError as error:
        form_error(form, error)
        return None
    except MoneyError as error:
        form.add_error("amount", str(error))
        return None
    first = schedule.installments[0]
    return {"schedule": schedule, "apr": apr, "first": first, "currency": product.currency,
            "cost_fen": sum(i.interest + i.fee for i in schedule.installments)
            + schedule.upfront_fee}


def _application_page(request: HttpRequest, application: LoanApplication, *,
                      review_form: ReviewForm | None = None,
                      decision_form: DecisionForm | None = None,
                      refusal: str = "") -> HttpResponse:
    refused = refusal or any(form is not None and form.errors
                             for form in (review_form, decision_form))
    application.refresh_from_db()  # a refusal on a fresh report stands though the form failed
    return render(request, "lending/application_detail.html", {
        "application": application, "review_form": review_form or ReviewForm(),
        "decision_form": decision_form or DecisionForm(), "refusal": refusal,
        "listing": getattr(application, "listing", None),
        "withdrawable": [status for status in ApplicationStatus
                         if APPLICATION_MOVES.allows(status, ApplicationStatus.WITHDRAWN)],
    }, status=FORM_REFUSED if refused else 200)


@login_required
@require_GET
def application_detail(request: HttpRequest, application_id: int) -> HttpResponse:
    return _application_page(request, application_seen(user_in_role(request), application_id))


@login_required
@require_POST
def application_review(request: HttpRequest, application_id: int) -> HttpResponse:
    user = user_in_role(request, Role.OPERATOR)
    application = application_seen(user, application_id)
    form = ReviewForm(request.POST)
    if form.is_valid():
        try:
            services.application_mark_reviewed(application=application, reviewer=user,
                                               note=form.cleaned_data["note"])
        except PuhuiError as error:
            form_error(form, error)
        else:
            messages.success(request, _("Marked reviewed; a second operator decides."))
            return redirect("lending:application", application_id=application.pk)
    return _application_page(request, application, review_form=form)


@login_required
@require_POST
def application_decision(request: HttpRequest, application_id: int) -> HttpResponse:
    user = user_in_role(request, Role.OPERATOR)
    application = application_seen(user, application_id)
    form = DecisionForm(request.POST)
    if form.is_valid():
        try:
            services.application_decide(
                application=application, approver=user,
                approve=form.cleaned_data["decision"] == "approve",
                reasons=form.cleaned_data["reasons"])
        except PuhuiError as error:
            form_error(form, error)
        else:
            messages.success(request, _("The decision is recorded."))
            return redirect("lending:application", application_id=application.pk)
    return _application_page(request, application, decision_form=form)


def _application_act(request: HttpRequest, application_id: int, role: Role,
                      act: Callable[[User, LoanApplication], object], done: str) -> HttpResponse:
    """A one-button operation on an application: do it, confirm it, or show why not."""
    user = user_in_role(request, role)
    application = application_seen(user, application_id)
    try:
        act(user, application)
    except PuhuiError as error:
        return _application_page(request, application, refusal=error_sentence(error))
    messages.success(request, done)
    return redirect("lending:application", application_id=application.pk)


@login_required
@require_POST
def application_publish(request: HttpRequest, application_id: int) -> HttpResponse:
    return _application_act(
        request, application_id, Role.OPERATOR,
        lambda user, application: services.listing_open(application=application, operator=user),
        _("The listing is open to investors."))


@login_required
@require_POST
def application_withdraw(request: HttpRequest, application_id: int) -> HttpResponse:
    return _application_act(
        request, application_id, Role.BORROWER,
        lambda user, application: services.application_withdraw(user=user,
                                                                application=application),
        _("Your application is withdrawn; nothing more happens to it."))


@login_required
@require_POST
def application_registry_refresh(request: HttpRequest, application_id: int) -> HttpResponse:
    """The operator asks the shared registry again: a fresh report and checks."""
    user = user_in_role(request, Role.OPERATOR)
    application = application_seen(user, application_id)
    taken_before = application.registry_report_at
    try:
        application = services.application_registry_recheck(application=application,
                                                             target=None)
    except PuhuiError as error:
        return _application_page(request, application, refusal=error_sentence(error))
    if application.registry_report_at == taken_before:
        messages.warning(request, _(
            "The shared credit registry could not be asked; the report shown stands."))
    else:
        messages.success(request, _("The shared credit registry's report is fresh as of %(at)s.")
                         % {"at": timezone.localtime(application.registry_report_at)
                            .strftime("%Y-%m-%d %H:%M")})
    return redirect("lending:application", application_id=application.pk)


@login_required
def applications(request: HttpRequest) -> HttpResponseBase:
    """Operators start on the queue to review; everyone may list by status, sort, export."""
    user = user_in_role(request, Role.BORROWER, Role.OPERATOR, Role.REGULATOR)
    status = request.GET.get("status", "queue" if user.role == Role.OPERATOR else "")
    rows = (selectors.applications_to_review() if status == "queue"
            else selectors.applications_of(user=user))
    if status in ApplicationStatus.values:
        rows = rows.filter(status=status)
    shown = list_shown(request, rows, APPLICATION_COLUMNS, default_sort="-submitted")
    if wants_csv(request):
        return csv_response(shown.rows, APPLICATION_COLUMNS, filename="loan-applications")
    return render(request, "lending/applications.html", {
        "list": shown, "status": status, "statuses": ApplicationStatus.choices})


APPLICATION_COLUMNS = [
    Column("number", "#", lambda a: a.pk, "pk", numeric=True),
    Column("enterprise", gettext_lazy("Enterprise"), lambda a: a.enterprise.name,
           "enterprise__name"),
    Column("amount", gettext_lazy("Amount"), lambda a: money_shown(a.amount_fen,
                                                                   a.product.currency),
           "amount_fen", numeric=True),
    Column("term", gettext_lazy("Term (months)"), lambda a: a.term_months, "term_months",
           numeric=True),
    Column("status", gettext_lazy("Status"), lambda a: a.get_status_display(), "status"),
    Column("submitted", gettext_lazy("Submitted"),
           lambda a: timezone.localtime(a.created_at).strftime("%Y-%m-%d %H:%M"), "created_at"),
]
