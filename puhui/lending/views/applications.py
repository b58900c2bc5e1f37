"""A borrower's applications, and their review, decision and publication by operators."""


from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from puhui.core.errors import PuhuiError
from puhui.lending import selectors, services
from puhui.lending.forms import (
    ApplicationForm,
)
from puhui.lending.models import (
    LoanApplication,
)
from puhui.lending.views._access import FORM_REFUSED, application_seen, user_in_role
from puhui.parties.forms import DecisionForm, ReviewForm, error_sentence, form_error
from puhui.parties.models import Role


@login_required
def application_new(request: HttpRequest) -> HttpResponse:
    user = user_in_role(request, Role.BORROWER)
    form = ApplicationForm(request.POST or None, user=user)
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


@login_required
@require_POST
def application_publish(request: HttpRequest, application_id: int) -> HttpResponse:
    user = user_in_role(request, Role.OPERATOR)
    application = application_seen(user, application_id)
    try:
        services.listing_open(application=application, operator=user)
    except PuhuiError as error:
        return _application_page(request, application, refusal=error_sentence(error))
    messages.success(request, _("The listing is open to investors."))
    return redirect("lending:application", application_id=application.pk)


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
def applications(request: HttpRequest) -> HttpResponse:
    user = user_in_role(request, Role.BORROWER, Role.OPERATOR, Role.REGULATOR)
    queue = selectors.applications_to_review() if user.role == Role.OPERATOR else (
        selectors.applications_of(user=user))
    return render(request, "lending/applications.html", {"applications": queue})
