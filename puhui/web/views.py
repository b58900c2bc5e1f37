"""Pages: the public face, login, and one home per role — figures and charts first, drawn from
the apps' selectors (``core/charts.py``, ``web/dashboards.py``); no rules here."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST
from django.views.i18n import set_language

from puhui.ledger.selectors import ledger_summary
from puhui.parties.models import Role, User
from puhui.parties.selectors import enterprises_visible_to, investor_profile_of
from puhui.web import dashboards


def _require_role(request: HttpRequest, role: Role) -> User:
    user = request.user
    if not isinstance(user, User) or user.role != role:
        raise PermissionDenied
    return user


@require_POST
def language_set(request: HttpRequest) -> HttpResponse:
    """Django's language switch, remembered on the account for what is sent by e-mail."""
    response = set_language(request)
    chosen = request.POST.get("language", "")
    user = request.user
    if isinstance(user, User) and chosen in dict(settings.LANGUAGES):
        User.objects.filter(pk=user.pk).update(language=chosen)
    return response


def home(request: HttpRequest) -> HttpResponse:
    """A visitor sees what the platform is; a signed-in user goes to their role's home."""
    user = request.user
    if isinstance(user, User):
        return redirect(reverse(f"web:{user.role}_home"))
    return render(request, "web/landing.html", dashboards.public_figures())


@login_required
def borrower_home(request: HttpRequest) -> HttpResponse:
    user = _require_role(request, Role.BORROWER)
    enterprises = list(enterprises_visible_to(user=user))
    return render(request, "web/borrower_home.html", {
        "enterprises": enterprises,
        **dashboards.wallets(user, owners=[f"enterprise:{e.pk}" for e in enterprises]),
        **dashboards.borrower(user)})


@login_required
def investor_home(request: HttpRequest) -> HttpResponse:
    user = _require_role(request, Role.INVESTOR)
    wallets = dashboards.wallets(user)
    return render(request, "web/investor_home.html", {
        "profile": investor_profile_of(user=user), **wallets,
        **dashboards.investor(user, wallets["accounts"])})


@login_required
def operator_home(request: HttpRequest) -> HttpResponse:
    _require_role(request, Role.OPERATOR)
    return render(request, "web/operator_home.html", {
        "summary": ledger_summary(), **dashboards.operator(), **dashboards.concentration()})


@login_required
def regulator_home(request: HttpRequest) -> HttpResponse:
    _require_role(request, Role.REGULATOR)
    return render(request, "web/regulator_home.html", {
        "summary": ledger_summary(), **dashboards.concentration()})
