"""On a platform: the borrower's own page of the shared registry — their report, who looked,
and their disputes — fetched from the registry at each visit (the visit is the request and the
consent: purpose ``subject_request``, valid for the day)."""

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from puhui.core.business_day import business_date_today
from puhui.parties.models import Enterprise, Role, User
from puhui.registry.client import RegistryRefused, RegistryUnavailable, registry_client
from puhui.registry.following import dispute_follow


class DisputeForm(forms.Form):
    record = forms.CharField(label=_("Record"), max_length=40)  # "line:12" or "negative:3"
    statement = forms.CharField(label=_("What is wrong"),
                                widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)


def _subject(enterprise: Enterprise, user: User) -> dict[str, Any]:
    consent_id = f"subject:{user.pk}:{business_date_today().isoformat()}"
    registry_client().consent_give(consent_id=consent_id, purpose="subject_request",
                                   subject_kind="enterprise", subject_id=enterprise.uscc,
                                   days=1)
    return {"subject_kind": "enterprise", "subject_id": enterprise.uscc,
            "consent_id": consent_id}


@login_required
@require_http_methods(["GET", "POST"])
def my_credit_report(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not isinstance(user, User) or user.role != Role.BORROWER:
        raise PermissionDenied
    enterprise = Enterprise.objects.filter(representative=user).first()
    context: dict[str, Any] = {"configured": bool(settings.PUHUI_REGISTRY_URL),
                               "enterprise": enterprise, "form": DisputeForm()}
    if enterprise is None or not context["configured"]:
        return render(request, "registry/my_report.html", context)
    try:
        subject = _subject(enterprise, user)
        if request.method == "POST":
            form = DisputeForm(request.POST)
            if form.is_valid():
                kind, _sep, number = form.cleaned_data["record"].partition(":")
                target = ({"trade_line_id": int(number)} if kind == "line" and number.isdigit()
                          else {"negative_record_id": int(number)} if number.isdigit() else {})
                opened = registry_client().call("POST", "/subject/disputes", subject | target | {
                    "statement": form.cleaned_data["statement"]})
                dispute_follow(user=user, subject_id=enterprise.uscc, opened=opened)
                messages.success(request, _("Your dispute is sent to the registry; you will be "
                                            "told when the lender answers."))
                return redirect("member:my_credit_report")
            context["form"] = form
        context["report"] = registry_client().call("POST", "/subject/report", subject)
    except RegistryUnavailable:
        context["unavailable"] = True
    except RegistryRefused as refused:
        messages.error(request, refused.message_en)
        return redirect("member:my_credit_report")
    return render(request, "registry/my_report.html", context)
