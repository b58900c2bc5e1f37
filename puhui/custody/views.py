"""The wallet page: money in and out through the custodian bank."""

import uuid

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from puhui.core.errors import PuhuiError
from puhui.core.money import MoneyError, money_to_minor
from puhui.custody.services import wallet_deposit, wallet_withdraw
from puhui.ledger.models import Account
from puhui.lending.services import wallet_for
from puhui.parties.forms import form_error
from puhui.parties.models import Enterprise, ReviewStatus, Role, User


class WalletForm(forms.Form):
    action = forms.ChoiceField(choices=[("deposit", _("Deposit")), ("withdraw", _("Withdraw"))])
    amount = forms.DecimalField(label=_("Amount (CNY)"), min_value=0, max_digits=14,
                                decimal_places=2)


def _wallets(user: User) -> list[Account]:
    if user.role == Role.INVESTOR:
        return [wallet_for(owner=user.ledger_owner, kind="investor_wallet")]
    if user.role == Role.BORROWER:
        return [wallet_for(owner=f"enterprise:{e.pk}", kind="borrower_wallet")
                for e in Enterprise.objects.filter(representative=user,
                                                   status=ReviewStatus.APPROVED)]
    raise PermissionDenied


@login_required
@require_http_methods(["GET", "POST"])
def wallet(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not isinstance(user, User):
        raise PermissionDenied
    wallets = _wallets(user)
    form = WalletForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and wallets:
        chosen = next((w for w in wallets if str(w.pk) == request.POST.get("account")),
                      wallets[0])
        try:
            amount_fen = money_to_minor(form.cleaned_data["amount"], chosen.currency)
            move = wallet_deposit if form.cleaned_data["action"] == "deposit" else (
                wallet_withdraw)
            move(account=chosen, amount_fen=amount_fen, instruction_id=uuid.uuid4())
        except PuhuiError as error:
            form_error(form, error)
        except MoneyError as error:
            form.add_error("amount", str(error))
        else:
            return redirect("custody:wallet")
    for account in wallets:
        account.refresh_from_db()
    return render(request, "custody/wallet.html", {"wallets": wallets, "form": form})
