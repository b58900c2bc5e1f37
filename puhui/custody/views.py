"""The wallet page: money in and out through the custodian bank.

Deposit and withdrawal are one view each; the form carries the id minted when the page was
rendered, which becomes the bank instruction's id, so a second send moves the money once."""

from collections.abc import Iterator

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST

from puhui.core.business_day import business_date_today
from puhui.core.errors import PuhuiError
from puhui.core.forms import OnceOnlyForm
from puhui.core.labels import label_of
from puhui.core.lists import Column, csv_response, wants_csv
from puhui.core.money import MoneyError, money_from_minor, money_to_minor
from puhui.custody.services import custody_reconcile, wallet_deposit, wallet_withdraw, wallets_of
from puhui.ledger.models import Account
from puhui.ledger.selectors import StatementLine, account_statement
from puhui.parties.forms import error_sentence, form_error
from puhui.parties.models import Role, User


class WalletForm(OnceOnlyForm):
    amount = forms.DecimalField(label=_("Amount (CNY)"), min_value=0, max_digits=14,
                                decimal_places=2)


def _user(request: HttpRequest) -> User:
    if not isinstance(request.user, User):
        raise PermissionDenied
    return request.user


def _wallets(user: User) -> list[Account]:
    wallets = wallets_of(user=user)
    if wallets is None:
        raise PermissionDenied
    return wallets


def _page(request: HttpRequest, wallets: list[Account], form: WalletForm | None = None,
          ) -> HttpResponse:
    for account in wallets:
        account.refresh_from_db()
    return render(request, "custody/wallet.html", {"wallets": wallets,
                                                   "form": form or WalletForm()},
                  status=400 if form is not None and form.errors else 200)


@login_required
@require_GET
def wallet(request: HttpRequest) -> HttpResponse:
    return _page(request, _wallets(_user(request)))


def _instruct(request: HttpRequest, *, deposit: bool) -> HttpResponse:
    wallets = _wallets(_user(request))
    form = WalletForm(request.POST)
    if not wallets or not form.is_valid():
        return _page(request, wallets, form)
    chosen = next((w for w in wallets if str(w.pk) == request.POST.get("account")),
                  wallets[0])
    try:
        amount_fen = money_to_minor(form.cleaned_data["amount"], chosen.currency)
        move = wallet_deposit if deposit else wallet_withdraw
        move(account=chosen, amount_fen=amount_fen, instruction_id=form.sent_id)
    except PuhuiError as error:
        form_error(form, error)
    except MoneyError as error:
        form.add_error("amount", str(error))
    else:
        messages.success(request, _("The deposit arrived in your wallet.") if deposit
                         else _("The withdrawal is paid out to your bank card."))
        return redirect("custody:wallet")
    return _page(request, wallets, form)


STATEMENT_COLUMNS = [
    Column("time", _("Time"),
           lambda line: timezone.localtime(line.created_at).strftime("%Y-%m-%d %H:%M:%S")),
    Column("reason", _("Reason"), lambda line: label_of(line.code)),
    Column("status", _("Status"), lambda line: label_of(line.kind)),
    Column("out", _("Out"), lambda line: money_from_minor(line.debit, "CNY")),
    Column("in", _("In"), lambda line: money_from_minor(line.credit, "CNY")),
    Column("balance", _("Balance"),
           lambda line: money_from_minor(line.balance_posted, "CNY")),
    Column("transfer", _("Transfer"), lambda line: line.transfer_id),
]


def _all_lines(account: Account) -> Iterator[StatementLine]:
    cursor = None
    while True:
        page = account_statement(account=account, cursor=cursor, limit=500)
        yield from page.lines
        if page.next_cursor is None:
            return
        cursor = page.next_cursor


@login_required
@require_GET
def statement(request: HttpRequest) -> HttpResponseBase:
    """A wallet's every movement, oldest first with the running balance, a page at a time
    (a cursor that never shifts), or all of it as CSV."""
    wallets = _wallets(_user(request))
    if not wallets:
        return redirect("custody:wallet")
    chosen = next((w for w in wallets if str(w.pk) == request.GET.get("account")), wallets[0])
    if wants_csv(request):
        return csv_response(_all_lines(chosen), STATEMENT_COLUMNS,
                            filename=f"wallet-{chosen.pk}-statement")
    try:
        page = account_statement(account=chosen, cursor=request.GET.get("cursor") or None,
                                 limit=50)
    except PuhuiError:
        page = account_statement(account=chosen, limit=50)
    return render(request, "custody/statement.html", {"wallets": wallets, "chosen": chosen,
                                                      "statement": page})


@login_required
@require_POST
def reconcile(request: HttpRequest) -> HttpResponse:
    """An operator compares the custodian's statement with the ledger now."""
    user = _user(request)
    if user.role != Role.OPERATOR:
        raise PermissionDenied
    try:
        result = custody_reconcile(business_date=business_date_today())
    except PuhuiError as error:
        messages.error(request, error_sentence(error))
    else:
        if result.ok:
            messages.success(request, _("The custodian's statement agrees with the ledger."))
        else:
            messages.error(request, _("The custodian's statement differs from the ledger on "
                                      "%(count)s accounts.") % {"count": len(result.differences)})
    return redirect("web:operator_home")


@login_required
@require_POST
def deposit(request: HttpRequest) -> HttpResponse:
    return _instruct(request, deposit=True)


@login_required
@require_POST
def withdraw(request: HttpRequest) -> HttpResponse:
    return _instruct(request, deposit=False)
