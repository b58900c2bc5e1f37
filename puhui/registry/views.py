"""The registry deployment's pages: its figures (public, no subject's data), and for its
administrators (operators with the admin duty, signed in with their second factor) the
members — added or given a new secret, shown once — and the disputes with their deadlines."""

from datetime import date

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from puhui.core.business_day import business_date_today
from puhui.core.errors import PuhuiError
from puhui.parties.models import OperatorDuty, Role, User
from puhui.parties.services import require_duty
from puhui.registry.models import Dispute, Inquiry, Member, Subject, TradeLine
from puhui.registry.services import disputes_escalate, member_register


class MemberForm(forms.Form):
    code = forms.SlugField(label=_("Code"), max_length=40)
    name = forms.CharField(label=_("Name"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=[("platform", _("Platform")),
                                                        ("bank", _("Bank"))])


def _administrator(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User) or user.role != Role.OPERATOR:
        raise PermissionDenied
    try:
        require_duty(user, OperatorDuty.ADMIN)
    except PuhuiError:
        raise PermissionDenied from None
    return user


def registry_home(request: HttpRequest) -> HttpResponse:
    return render(request, "registry/home.html", {
        "members": Member.objects.filter(active=True).order_by("code"),
        "subjects": Subject.objects.count(), "trade_lines": TradeLine.objects.count(),
        "inquiries": Inquiry.objects.count(),
        "disputes_open": Dispute.objects.filter(answered_on__isnull=True).count(),
    })


@login_required
@require_http_methods(["GET", "POST"])
def members(request: HttpRequest) -> HttpResponse:
    _administrator(request)
    form = MemberForm(request.POST or None)
    secret = ""
    if request.method == "POST" and form.is_valid():
        _member, secret = member_register(code=form.cleaned_data["code"],
                                         name=form.cleaned_data["name"],
                                         kind=form.cleaned_data["kind"])
        form = MemberForm()
    return render(request, "registry/members.html", {
        "members": Member.objects.order_by("code"), "form": form, "secret": secret})


@login_required
@require_http_methods(["GET", "POST"])
def disputes(request: HttpRequest) -> HttpResponse:
    _administrator(request)
    escalated = None
    if request.method == "POST":
        escalated = disputes_escalate(today=business_date_today())
    today: date = business_date_today()
    return render(request, "registry/disputes.html", {
        "disputes": Dispute.objects.select_related("member", "subject").order_by(
            "answered_on", "answer_due_on", "pk"),
        "today": today, "escalated": escalated})
