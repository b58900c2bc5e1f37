"""Ledger API: create transfers in batches, open and read accounts, statements, balances.

Only parsing and permission checks here; the rules live in ``services`` and ``selectors``.
Amounts cross the API as decimal strings in the currency's units ("1234.56"), never floats.
"""

from datetime import datetime
from typing import Annotated
from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from puhui.core.errors import PuhuiError
from puhui.core.money import CURRENCY_EXPONENTS, MoneyError, money_from_minor, money_to_minor
from puhui.ledger import selectors, services
from puhui.ledger.errors import LedgerError
from puhui.ledger.models import Account, NormalBalance
from puhui.parties.auth import for_roles
from puhui.parties.models import Role, User

router = Router(tags=["ledger"])

AccountId = Annotated[int, Field(ge=0, le=2**63 - 1)]
Amount = Annotated[str, Field(pattern=r"^\d{1,18}(\.\d{1,18})?$", examples=["100.00"])]


class TransferIn(Schema):
    id: UUID
    debit_account_id: AccountId = 0
    credit_account_id: AccountId = 0
    amount: Amount | None = Field(None, description="Omit on a post to post the full amount.")
    currency: str = Field("", max_length=3)
    code: str = Field("", max_length=40, description="Why the money moves, e.g. deposit.")
    pending: bool = False
    post_pending_transfer: bool = False
    void_pending_transfer: bool = False
    pending_id: UUID | None = None
    timeout_seconds: int = Field(0, ge=0, le=10 * 366 * 24 * 3600)
    linked: bool = False
    reference: str = Field("", max_length=100)


class TransferBatchIn(Schema):
    transfers: list[TransferIn]


class TransferOutcomeOut(Schema):
    index: int
    id: UUID
    result: str


class TransferBatchOut(Schema):
    results: list[TransferOutcomeOut]
    all_ok: bool = Field(description="True when every transfer is ok or exists.")


class AccountIn(Schema):
    kind: str = Field(min_length=1, max_length=40)
    owner: str = Field("", max_length=64)
    currency: str = Field(min_length=3, max_length=3)
    normal_balance: NormalBalance = NormalBalance.CREDIT
    debits_must_not_exceed_credits: bool = False
    credits_must_not_exceed_debits: bool = False


class AccountOut(Schema):
    id: int
    kind: str
    owner: str
    currency: str
    normal_balance: str
    debits_must_not_exceed_credits: bool
    credits_must_not_exceed_debits: bool
    debits_pending: str
    debits_posted: str
    credits_pending: str
    credits_posted: str
    balance_posted: str
    balance_available: str


class StatementLineOut(Schema):
    transfer_id: str
    created_at: datetime
    kind: str
    code: str
    reference: str
    counterparty_account_id: int
    debit: str
    credit: str
    balance_posted: str


class StatementOut(Schema):
    account_id: int
    currency: str
    opening_balance_posted: str
    lines: list[StatementLineOut]
    next_cursor: str | None


class BalanceOut(Schema):
    account_id: int
    at: datetime
    currency: str
    debits_posted: str
    credits_posted: str
    balance_posted: str


class StatementQuery(Schema):
    start: datetime | None = None
    end: datetime | None = None
    cursor: str | None = Field(None, max_length=200)
    limit: int = Field(100, ge=1, le=selectors.STATEMENT_PAGE_MAX)


def _user(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User):
        raise PermissionDenied
    return user


def _readable_account(request: HttpRequest, account_id: int) -> Account:
    """Operators and regulators read any account; everyone else only their own."""
    user = _user(request)
    account = selectors.account_get(account_id=account_id)
    if user.role in (Role.OPERATOR, Role.REGULATOR) or account.owner == user.ledger_owner:
        return account
    raise PermissionDenied


def _transfer_from_input(index: int, item: TransferIn) -> services.NewTransfer:
    amount_minor = 0
    if item.amount is not None:
        if not item.currency:
            raise PuhuiError(LedgerError.CURRENCY_NEEDED_FOR_AMOUNT, index=index)
        if item.currency not in CURRENCY_EXPONENTS:
            raise PuhuiError(LedgerError.UNKNOWN_CURRENCY, currency=item.currency)
        try:
            amount_minor = money_to_minor(item.amount, item.currency)
        except MoneyError as error:
            raise PuhuiError(LedgerError.INVALID_AMOUNT, index=index, problem=str(error)) from None
        if amount_minor > services.BIGINT_MAX:
            raise PuhuiError(LedgerError.INVALID_AMOUNT,
                             index=index, problem="the amount is too large")
    return services.NewTransfer(
        id=item.id, debit_account_id=item.debit_account_id,
        credit_account_id=item.credit_account_id, amount=amount_minor, currency=item.currency,
        code=item.code, pending=item.pending, post_pending_transfer=item.post_pending_transfer,
        void_pending_transfer=item.void_pending_transfer, pending_id=item.pending_id,
        timeout_seconds=item.timeout_seconds, linked=item.linked, reference=item.reference,
    )


def _money(amount_minor: int, currency: str) -> str:
    return str(money_from_minor(amount_minor, currency))


def _account_out(account: Account) -> AccountOut:
    c = account.currency
    return AccountOut(
        id=account.id, kind=account.kind, owner=account.owner, currency=c,
        normal_balance=account.normal_balance,
        debits_must_not_exceed_credits=account.debits_must_not_exceed_credits,
        credits_must_not_exceed_debits=account.credits_must_not_exceed_debits,
        debits_pending=_money(account.debits_pending, c),
        debits_posted=_money(account.debits_posted, c),
        credits_pending=_money(account.credits_pending, c),
        credits_posted=_money(account.credits_posted, c),
        balance_posted=_money(account.balance_posted, c),
        balance_available=_money(account.balance_available, c),
    )


@router.post("/transfers", response=TransferBatchOut, auth=for_roles(Role.OPERATOR),
             summary="Create transfers (one batch)")
def transfers_create(request: HttpRequest, payload: TransferBatchIn) -> TransferBatchOut:
    """Create up to 8,190 transfers atomically; each gets its own result (TigerBeetle's codes).

    A batch with failed transfers still answers 200: the failures are results, not errors.
    The id of each transfer is its idempotency key.
    """
    if not payload.transfers:
        raise PuhuiError(LedgerError.BATCH_EMPTY)
    if len(payload.transfers) > services.BATCH_SIZE_MAX:
        raise PuhuiError(LedgerError.BATCH_TOO_LARGE, limit=services.BATCH_SIZE_MAX,
                         size=len(payload.transfers))
    batch = [_transfer_from_input(index, item) for index, item in enumerate(payload.transfers)]
    outcomes = services.transfers_create(batch)
    return TransferBatchOut(
        results=[TransferOutcomeOut(index=o.index, id=o.id, result=o.result.value)
                 for o in outcomes],
        all_ok=all(o.succeeded for o in outcomes),
    )


@router.post("/accounts", response={201: AccountOut}, auth=for_roles(Role.OPERATOR),
             summary="Open an account")
def accounts_create(request: HttpRequest, payload: AccountIn) -> Status[AccountOut]:
    account = services.account_create(**payload.dict())
    return Status(201, _account_out(account))


@router.get("/accounts/{account_id}", response=AccountOut, summary="An account and its totals")
def account_get(request: HttpRequest, account_id: AccountId) -> AccountOut:
    return _account_out(_readable_account(request, account_id))


@router.get("/accounts/{account_id}/statement", response=StatementOut,
            summary="Statement by time range, paginated")
def account_statement(
    request: HttpRequest, account_id: AccountId, query: Query[StatementQuery]
) -> StatementOut:
    account = _readable_account(request, account_id)
    statement = selectors.account_statement(
        account=account, start=query.start, end=query.end, cursor=query.cursor,
        limit=query.limit,
    )
    c = account.currency
    return StatementOut(
        account_id=account.id, currency=c,
        opening_balance_posted=_money(statement.opening_balance_posted, c),
        lines=[
            StatementLineOut(
                transfer_id=line.transfer_id, created_at=line.created_at, kind=line.kind,
                code=line.code, reference=line.reference,
                counterparty_account_id=line.counterparty_account_id,
                debit=_money(line.debit, c), credit=_money(line.credit, c),
                balance_posted=_money(line.balance_posted, c),
            )
            for line in statement.lines
        ],
        next_cursor=statement.next_cursor,
    )


@router.get("/accounts/{account_id}/balance", response=BalanceOut,
            summary="Posted balance as of a time")
def account_balance(request: HttpRequest, account_id: AccountId, at: datetime) -> BalanceOut:
    account = _readable_account(request, account_id)
    balance = selectors.account_balance_as_of(account=account, at=at)
    c = account.currency
    return BalanceOut(
        account_id=account.id, at=at, currency=c,
        debits_posted=_money(balance.debits_posted, c),
        credits_posted=_money(balance.credits_posted, c),
        balance_posted=_money(balance.balance_posted, c),
    )
