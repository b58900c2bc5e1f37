"""Pages: login, and one home page per role. Views read through selectors; no rules here."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST
from django.views.i18n import set_language

from puhui.ledger.selectors import account_movements_latest, accounts_of_owners, ledger_summary
from puhui.parties.models import Role, User
from puhui.parties.selectors import enterprises_visible_to, investor_profile_of, reviews_open


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


@login_required
def home(request: HttpRequest) -> HttpResponseRedirect:
    user = request.user
    assert isinstance(user, User)
    return redirect(reverse(f"web:{user.role}_home"))


def _wallet_home(request: HttpRequest, role: Role, owners: list[str] | None = None,
                 **context: object) -> HttpResponse:
    user = _require_role(request, role)
    accounts = list(accounts_of_owners(owners=[user.ledger_owner, *(owners or [])]))
    movements = account_movements_latest(account=accounts[0], limit=10) if accounts else []
    return render(request, f"web/{role}_home.html",
                  {"accounts": accounts, "movements": movements,
                   "movements_account": accounts[0] if accounts else None, **context})


@login_required
def borrower_home(request: HttpRequest) -> HttpResponse:
    user = _require_role(request, Role.BORROWER)
    enterprises = list(enterprises_visible_to(user=user))
    return _wallet_home(request, Role.BORROWER, owners=[f"enterprise:{e.pk}" for e in enterprises],
                        enterprises=enterprises)


@login_required
def investor_home(request: HttpRequest) -> HttpResponse:
    user = _require_role(request, Role.INVESTOR)
    return _wallet_home(request, Role.INVESTOR, profile=investor_profile_of(user=user))


@login_required
def operator_home(request: HttpRequest) -> HttpResponse:
    _require_role(request, Role.OPERATOR)
    return render(request, "web/operator_home.html",
                  {"summary": ledger_summary(), "reviews_waiting": reviews_open().count()})


@login_required
def regulator_home(request: HttpRequest) -> HttpResponse:
    _require_role(request, Role.REGULATOR)
    return render(request, "web/regulator_home.html", {"summary": ledger_summary()})
