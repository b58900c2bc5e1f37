"""Pages for registration, sign-in with a second factor, KYB, KYC and the review queue.

Views parse forms and call services; a service's error is shown on the form in the reader's
language and nothing is saved.
"""

import segno
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext, gettext_lazy
from django.views.decorators.http import require_http_methods

from puhui.audit.selectors import audit_events_of
from puhui.audit.services import audit_record
from puhui.core.errors import PuhuiError
from puhui.core.lists import Column, csv_response, list_shown, wants_csv
from puhui.parties import selectors, services
from puhui.parties.forms import (
    TERMS_VERSION,
    DecisionForm,
    DocumentForm,
    EnterpriseForm,
    InvestorForm,
    LoginForm,
    RegisterForm,
    ReviewForm,
    TimeZoneForm,
    TotpForm,
    form_error,
)
from puhui.parties.models import ReviewStatus, Role, TotpDevice, User

PENDING_USER = "puhui_pending_user"
PENDING_NEXT = "puhui_pending_next"


def _user(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User):
        raise PermissionDenied
    return user


def _role(request: HttpRequest, *roles: Role) -> User:
    user = _user(request)
    if user.role not in roles:
        raise PermissionDenied
    return user


def _or_403(error: PuhuiError) -> Exception:
    return Http404() if error.code == "NOT_FOUND" else PermissionDenied()


# --- sign-up and sign-in ----------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def register(request: HttpRequest) -> HttpResponse:
    form = RegisterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.user_register(**form.account(), terms_version=TERMS_VERSION)
        except PuhuiError as error:
            form_error(form, error)
        else:
            login(request, user)
            return redirect("web:home")
    return render(request, "parties/register.html", {"form": form})


@require_http_methods(["GET", "POST"])
def sign_in(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("web:home")
    form = LoginForm(request.POST or None)
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if request.method == "POST" and form.is_valid():
        try:
            user = services.login_check_password(request=request, **form.cleaned_data)
        except PuhuiError as error:
            form_error(form, error)
        else:
            if services.totp_required(user):
                request.session[PENDING_USER] = user.pk
                request.session[PENDING_NEXT] = next_url
                return redirect("parties:totp")
            return _finish_login(request, user, next_url)
    return render(request, "web/login.html", {"form": form, "next": next_url})


def _finish_login(request: HttpRequest, user: User, next_url: str) -> HttpResponse:
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    if next_url and url_has_allowed_host_and_scheme(next_url, {request.get_host()},
                                                    require_https=request.is_secure()):
        return redirect(next_url)
    return redirect("web:home")


@require_http_methods(["GET", "POST"])
def totp(request: HttpRequest) -> HttpResponse:
    """Second step of sign-in; enrols an authenticator first when the user has none."""
    pending = request.session.get(PENDING_USER)
    user = User.objects.filter(pk=pending).first() if pending else None
    if user is None:
        return redirect("web:login")
    device = TotpDevice.objects.filter(user=user, confirmed_at__isnull=False).first()
    context: dict = {"enrolling": device is None}
    if device is None:
        uri = request.session.get("puhui_totp_uri")
        if not uri or request.method == "GET":
            uri = services.totp_enroll(user=user)
            request.session["puhui_totp_uri"] = uri
        context["uri"] = uri
        context["secret"] = uri.split("secret=")[1].split("&")[0]
        context["qr_svg"] = segno.make(uri).svg_inline(scale=4)
    form = TotpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.totp_verify(user=user, code=form.cleaned_data["code"])
        except PuhuiError as error:
            form_error(form, error)
        else:
            next_url = request.session.pop(PENDING_NEXT, "")
            request.session.pop(PENDING_USER, None)
            request.session.pop("puhui_totp_uri", None)
            return _finish_login(request, user, next_url)
    context["form"] = form
    return render(request, "parties/totp.html", context)


# --- borrower: KYB ----------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def enterprise_new(request: HttpRequest) -> HttpResponse:
    user = _role(request, Role.BORROWER)
    form = EnterpriseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            enterprise = services.enterprise_submit(representative=user, **form.cleaned_data)
        except PuhuiError as error:
            form_error(form, error)
        else:
            return redirect("parties:enterprise", enterprise_id=enterprise.pk)
    return render(request, "parties/enterprise_form.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def enterprise_detail(request: HttpRequest, enterprise_id: int) -> HttpResponse:
    user = _user(request)
    try:
        enterprise = selectors.enterprise_for(user=user, enterprise_id=enterprise_id)
    except PuhuiError as error:
        raise _or_403(error) from None
    form = DocumentForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if enterprise.representative_id != user.pk:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.licence_document_add(enterprise=enterprise, user=user,
                                              kind=form.cleaned_data["kind"],
                                              upload=form.cleaned_data["file"])
            except PuhuiError as error:
                form_error(form, error)
            else:
                return redirect("parties:enterprise", enterprise_id=enterprise.pk)
    return render(request, "parties/enterprise_detail.html", {
        "enterprise": enterprise, "classification": enterprise.size_classification,
        "review": enterprise.review, "form": form,
        "documents": enterprise.documents.order_by("uploaded_at"),
        "events": audit_events_of(subject=enterprise.subject),
    })


# --- investor: KYC ----------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def investor_kyc(request: HttpRequest) -> HttpResponse:
    user = _role(request, Role.INVESTOR)
    profile = selectors.investor_profile_of(user=user)
    if profile is not None:
        return render(request, "parties/investor_profile.html",
                      {"profile": profile, "review": profile.review})
    form = InvestorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        answers = form.answers()
        fields = {k: v for k, v in data.items() if not k.startswith("q_")}
        try:
            services.investor_submit(user=user, answers=answers, **fields)
        except PuhuiError as error:
            form_error(form, error)
        else:
            return redirect("parties:investor_kyc")
    return render(request, "parties/investor_form.html", {"form": form})


# --- operator: admittance review --------------------------------------------------------------


@login_required
def review_queue(request: HttpRequest) -> HttpResponseBase:
    """The operators' queue: by kind and status, sorted, paged, exported as CSV."""
    _role(request, Role.OPERATOR)
    reviews = selectors.reviews_open()
    kind, status = request.GET.get("kind", ""), request.GET.get("status", "")
    if kind in ("enterprise", "investor"):
        reviews = reviews.filter(**{f"{kind}__isnull": False})
    if status in (ReviewStatus.SUBMITTED, ReviewStatus.REVIEWED):
        reviews = reviews.filter(status=status)
    shown = list_shown(request, reviews, REVIEW_COLUMNS, default_sort="submitted")
    if wants_csv(request):
        return csv_response(shown.rows, REVIEW_COLUMNS, filename="admittance-reviews")
    return render(request, "parties/review_queue.html",
                  {"list": shown, "kind": kind, "status": status})


REVIEW_COLUMNS = [
    Column("number", "#", lambda r: r.pk, "pk", numeric=True),
    Column("applicant", gettext_lazy("Applicant"),
           lambda r: r.enterprise.name if r.enterprise else r.investor.full_name),
    Column("status", gettext_lazy("Status"), lambda r: r.get_status_display(), "status"),
    Column("reviewer", gettext_lazy("Reviewed by"),
           lambda r: r.reviewer.username if r.reviewer else "", "reviewer__username"),
    Column("submitted", gettext_lazy("Submitted"),
           lambda r: timezone.localtime(r.created_at).strftime("%Y-%m-%d %H:%M"), "created_at"),
]


DOCUMENT_SUFFIXES = {"application/pdf": ".pdf", "image/png": ".png", "image/jpeg": ".jpg"}


@login_required
@require_http_methods(["GET"])
def licence_document(request: HttpRequest, enterprise_id: int, document_id: int) -> FileResponse:
    """An uploaded licence, for the representative and the operators reviewing it: served
    inline with its checked content type, sandboxed, never sniffed; each opening audited."""
    user = _user(request)
    try:
        document = selectors.licence_document_for(user=user, enterprise_id=enterprise_id,
                                                  document_id=document_id)
    except PuhuiError as error:
        raise _or_403(error) from None
    audit_record(actor=user, action="enterprise.document_opened",
                 subject=document.enterprise.subject, sha256=document.sha256)
    response = FileResponse(document.file.open("rb"), content_type=document.content_type,
                            filename=f"{document.kind}-{document.pk}"
                            f"{DOCUMENT_SUFFIXES.get(document.content_type, '')}")
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def review_detail(request: HttpRequest, review_id: int) -> HttpResponse:
    user = _role(request, Role.OPERATOR)
    try:
        review = selectors.review_for(user=user, review_id=review_id)
    except PuhuiError as error:
        raise _or_403(error) from None
    review_form = ReviewForm(request.POST if "note" in request.POST else None)
    decision_form = DecisionForm(request.POST if "decision" in request.POST else None)
    if request.method == "POST":
        try:
            if review_form.is_bound and review_form.is_valid():
                services.review_mark_reviewed(review=review, reviewer=user,
                                              note=review_form.cleaned_data["note"])
                return redirect(reverse("parties:review", args=[review.pk]))
            if decision_form.is_bound and decision_form.is_valid():
                services.review_decide(
                    review=review, approver=user,
                    approve=decision_form.cleaned_data["decision"] == "approve",
                    reasons=decision_form.cleaned_data["reasons"],
                )
                return redirect("parties:reviews")
        except PuhuiError as error:
            form_error(decision_form if decision_form.is_bound else review_form, error)
    return render(request, "parties/review_detail.html", {
        "review": review, "enterprise": review.enterprise, "profile": review.investor,
        "documents": review.enterprise.documents.order_by("uploaded_at")
        if review.enterprise else [],
        "review_form": review_form, "decision_form": decision_form,
        "events": audit_events_of(subject=review.subject),
    })


@login_required
@require_http_methods(["GET", "POST"])
def account(request: HttpRequest) -> HttpResponse:
    """The user's own settings: the time zone their pages show times in, and links to sign-in
    security and notification choices."""
    user = _user(request)
    form = TimeZoneForm(request.POST or None, initial={"time_zone": user.time_zone})
    if request.method == "POST" and form.is_valid():
        try:
            services.user_time_zone_set(user=user, time_zone=form.cleaned_data["time_zone"])
        except PuhuiError as error:
            form_error(form, error)
        else:
            messages.success(request, gettext("Times are now shown in the zone you chose."))
            return redirect("parties:account")
    return render(request, "parties/account.html", {"form": form},
                  status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def security(request: HttpRequest) -> HttpResponse:
    """Two-step sign-in: required for operators and regulators, optional for everyone else."""
    user = _user(request)
    enabled = TotpDevice.objects.filter(user=user, confirmed_at__isnull=False).exists()
    context: dict = {"enabled": enabled, "required": services.totp_required(user)}
    form = TotpForm(request.POST if request.POST.get("action") == "confirm" else None)
    if request.method == "POST" and not enabled:
        if request.POST.get("action") == "enroll":
            request.session["puhui_totp_uri"] = services.totp_enroll(user=user)
        elif form.is_valid():
            try:
                services.totp_verify(user=user, code=form.cleaned_data["code"])
            except PuhuiError as error:
                form_error(form, error)
            else:
                request.session.pop("puhui_totp_uri", None)
                return redirect("parties:security")
        uri = request.session.get("puhui_totp_uri")
        if uri:
            context |= {"uri": uri, "secret": uri.split("secret=")[1].split("&")[0],
                        "qr_svg": segno.make(uri).svg_inline(scale=4)}
    context["form"] = form
    return render(request, "parties/security.html", context)
