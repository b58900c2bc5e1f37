"""Deposits, withdrawals, replay of the ledger to the custodian, and reconciliation."""

import uuid
from datetime import UTC, date, datetime, time, timedelta

from django.db import transaction
from django.db.models import Q, Sum
from django.utils import timezone

from puhui.core.business_day import business_date_today
from puhui.core.errors import CoreError, PuhuiError, sent_before
from puhui.core.money import money_from_minor, money_shown, money_to_minor
from puhui.crowdfunding.ports import CrowdfundingAccount
from puhui.custody.adapter import Custodian, CustodianRefused, CustodianUnavailable, custodian
from puhui.custody.errors import CustodyError
from puhui.custody.models import Reconciliation, SubAccount, SyncCursor
from puhui.custody.ports import CustodyAccount, CustodyCode
from puhui.ledger.errors import TransferResult
from puhui.ledger.models import Account, NormalBalance, Transfer, TransferKind
from puhui.ledger.selectors import account_balance_as_of
from puhui.ledger.services import (
    NewTransfer,
    account_for,
    transfers_create,
    transfers_require,
)
from puhui.lending.ports import LendingAccount, LendingCode
from puhui.parties.models import Enterprise, InvestorProfile, ReviewStatus, Role, User
from puhui.rulebook.selectors import rulebook_in_force, rulebook_section

# Ledger accounts that hold client or platform money at the custodian; the rest (listing
# capacity and its sink, the bank mirror) are bookkeeping only.
CUSTODIED_KINDS = (CustodyAccount.INVESTOR_WALLET, CustodyAccount.BORROWER_WALLET,
                   LendingAccount.LISTING_ESCROW, LendingAccount.PLATFORM_FEE_INCOME,
                   CrowdfundingAccount.CAMPAIGN_ESCROW)


def bank_mirror(currency: str = "CNY") -> Account:
    """The ledger's view of all money at the custodian (an asset: debit-normal)."""
    return account_for(kind=CustodyAccount.BANK_MIRROR, owner="custodian", currency=currency,
                       normal_balance=NormalBalance.DEBIT)


def wallets_of(*, user: User, currency: str = "CNY") -> list[Account] | None:
    """An investor's wallet, or the wallets of a borrower's admitted enterprises (opened on
    first use); None for a role that holds no wallet."""
    if user.role == Role.INVESTOR:
        return [account_for(kind=CustodyAccount.INVESTOR_WALLET, owner=user.ledger_owner,
                            currency=currency, debits_must_not_exceed_credits=True)]
    if user.role == Role.BORROWER:
        return [account_for(kind=CustodyAccount.BORROWER_WALLET,
                            owner=f"enterprise:{enterprise.pk}", currency=currency,
                            debits_must_not_exceed_credits=True)
                for enterprise in Enterprise.objects.filter(representative=user,
                                                            status=ReviewStatus.APPROVED)]
    return None


def wallet_owner_admitted(account: Account) -> bool:
    """Whether the wallet's owner passed admittance: an investor's approved identity and risk
    profile, or an enterprise's approved review."""
    kind, _, owner_id = account.owner.partition(":")
    if not owner_id.isdigit():
        return False
    if account.kind == CustodyAccount.INVESTOR_WALLET and kind == "user":
        return InvestorProfile.objects.filter(user_id=int(owner_id),
                                              status=ReviewStatus.APPROVED).exists()
    if account.kind == CustodyAccount.BORROWER_WALLET and kind == "enterprise":
        return Enterprise.objects.filter(pk=int(owner_id), status=ReviewStatus.APPROVED).exists()
    return False


def _wallet_may_move(account: Account, amount_fen: int, *, deposit: bool) -> None:
    """Refuse money in or out of a wallet whose owner is not admitted, or above the
    rulebook's limits per transaction and per business day (deposits and withdrawals apart)."""
    if not wallet_owner_admitted(account):
        raise PuhuiError(CustodyError.WALLET_OWNER_NOT_ADMITTED)
    limits = rulebook_section(rulebook_in_force(), "custody")
    single, daily = ((limits.deposit_single_max, limits.deposit_daily_max) if deposit
                     else (limits.withdrawal_single_max, limits.withdrawal_daily_max))
    single_fen = money_to_minor(single, account.currency)
    daily_fen = money_to_minor(daily, account.currency)
    if amount_fen > single_fen:
        raise PuhuiError(CustodyError.DEPOSIT_ABOVE_SINGLE_LIMIT if deposit
                         else CustodyError.WITHDRAWAL_ABOVE_SINGLE_LIMIT,
                         limit=money_shown(single_fen, account.currency))
    left_fen = daily_fen - _moved_today(account, deposit=deposit)
    if amount_fen > left_fen:
        raise PuhuiError(CustodyError.DEPOSIT_ABOVE_DAILY_LIMIT if deposit
                         else CustodyError.WITHDRAWAL_ABOVE_DAILY_LIMIT,
                         limit=money_shown(daily_fen, account.currency),
                         left=money_shown(max(left_fen, 0), account.currency))


def _moved_today(account: Account, *, deposit: bool) -> int:
    """Deposits into (or withdrawals out of, counting holds not released) the wallet since
    the start of today's business date in the platform's time zone."""
    since = datetime.combine(business_date_today(), time(), tzinfo=timezone.get_current_timezone())
    if deposit:
        moved = Transfer.objects.filter(credit_account=account, code=CustodyCode.DEPOSIT,
                                        kind=TransferKind.POSTED, created_at__gte=since)
    else:
        holds = Transfer.objects.filter(debit_account=account, code=CustodyCode.WITHDRAWAL,
                                        kind=TransferKind.PENDING, created_at__gte=since)
        released = Transfer.objects.filter(kind=TransferKind.VOID_PENDING,
                                           pending_id__in=holds.values("pk"))
        moved = holds.exclude(pk__in=released.values("pending_id"))
    return int(moved.aggregate(total=Sum("amount"))["total"] or 0)


def sub_account_for(account: Account, bank: Custodian | None = None) -> str:
    found = SubAccount.objects.filter(ledger_account_id=account.id).first()
    if found:
        return found.number
    try:
        number = (bank or custodian()).sub_account_open(f"ledger:{account.id}")
    except CustodianUnavailable:
        raise PuhuiError(CustodyError.CUSTODIAN_UNAVAILABLE) from None
    except CustodianRefused as error:
        raise PuhuiError(CustodyError.CUSTODIAN_REFUSED, reason=str(error)) from None
    SubAccount.objects.get_or_create(ledger_account_id=account.id, defaults={"number": number})
    return number


def _instruct(bank: Custodian, **kwargs: object) -> dict:
    try:
        answer = bank.instruct(**kwargs)  # type: ignore[arg-type]
    except CustodianUnavailable:
        raise PuhuiError(CustodyError.CUSTODIAN_UNAVAILABLE) from None
    except CustodianRefused as error:
        raise PuhuiError(CustodyError.CUSTODIAN_REFUSED, reason=str(error)) from None
    if answer.get("status") != "done":
        raise PuhuiError(CustodyError.CUSTODIAN_REFUSED,
                         reason=answer.get("reason") or answer.get("message") or "unknown")
    return answer


def wallet_deposit(*, account: Account, amount_fen: int, instruction_id: uuid.UUID,
                   bank: Custodian | None = None) -> None:
    """Money arrives at the custodian first; the ledger then mirrors it (same id: retry-safe)."""
    if amount_fen <= 0:
        raise PuhuiError(CoreError.AMOUNT_NOT_POSITIVE)
    mirrored_before = Transfer.objects.filter(pk=instruction_id).first()
    if mirrored_before is not None:  # a second send of the same form: done already
        sent_before(mirrored_before, credit_account_id=account.id, amount=amount_fen)
        return
    _wallet_may_move(account, amount_fen, deposit=True)
    bank = bank or custodian()
    _instruct(bank, instruction_id=str(instruction_id), kind="deposit", amount_fen=amount_fen,
              credit=sub_account_for(account, bank))
    [mirrored] = transfers_create([NewTransfer(
        id=instruction_id, debit_account_id=bank_mirror(account.currency).id,
        credit_account_id=account.id, amount=amount_fen, currency=account.currency,
        code=CustodyCode.DEPOSIT)])
    transfers_require([mirrored], what="a deposit made at the custodian")


def wallet_withdraw(*, account: Account, amount_fen: int, instruction_id: uuid.UUID,
                    bank: Custodian | None = None) -> None:
    """Hold the money on the ledger, instruct the custodian, then post (or release) the hold:
    the available balance can always be withdrawn, and never more."""
    if amount_fen <= 0:
        raise PuhuiError(CoreError.AMOUNT_NOT_POSITIVE)
    held_before = Transfer.objects.filter(pk=instruction_id).first()
    if held_before is not None:
        sent_before(held_before, debit_account_id=account.id, amount=amount_fen)
        if Transfer.objects.filter(pending_id=instruction_id).exists():
            return  # a second send of the same form: paid out (or released) already
    else:
        _wallet_may_move(account, amount_fen, deposit=False)
    bank = bank or custodian()
    custody_sync(bank=bank)  # the custodian must hold what the ledger says first
    mirror = bank_mirror(account.currency)
    with transaction.atomic():
        [hold] = transfers_create([NewTransfer(
            id=instruction_id, debit_account_id=account.id, credit_account_id=mirror.id,
            amount=amount_fen, currency=account.currency, code=CustodyCode.WITHDRAWAL,
            pending=True)])
    if hold.result == TransferResult.EXCEEDS_CREDITS:
        account.refresh_from_db()
        raise PuhuiError(CustodyError.WITHDRAWAL_EXCEEDS_AVAILABLE, available=(
            f"{money_from_minor(account.balance_available, account.currency):,} "
            f"{account.currency}"))
    transfers_require([hold], what="a withdrawal's hold")
    paid_out = False
    try:
        _instruct(bank, instruction_id=str(instruction_id), kind="withdraw",
                  amount_fen=amount_fen, debit=sub_account_for(account, bank))
        paid_out = True
    finally:  # post the hold when the bank paid out; otherwise release it
        transfers_create([NewTransfer(
            id=uuid.uuid5(instruction_id, "paid" if paid_out else "released"),
            pending_id=instruction_id, post_pending_transfer=paid_out,
            void_pending_transfer=not paid_out)])


def custody_sync(*, bank: Custodian | None = None, batch: int = 1000) -> int:
    """Replay posted ledger movements between custodied accounts as transfer instructions,
    and payments out of custody to planned payees as withdrawals.

    The ledger is the outbox: transfers are immutable and ordered, and each instruction's id is
    the transfer's, so a replay after a crash is harmless. Returns how many were sent.
    """
    bank = bank or custodian()
    cursor, _ = SyncCursor.objects.get_or_create(pk=1)
    custodied = set(Account.objects.filter(kind__in=CUSTODIED_KINDS).values_list("id",
                                                                                   flat=True))
    sent = 0
    while True:
        transfers = Transfer.objects.filter(
            kind__in=[TransferKind.POSTED, TransferKind.POST_PENDING]).order_by("created_at", "id")
        if cursor.last_created_at is not None:
            transfers = transfers.filter(
                Q(created_at__gt=cursor.last_created_at)
                | Q(created_at=cursor.last_created_at, id__gt=cursor.last_transfer_id))
        page = list(transfers[:batch])
        if not page:
            return sent
        accounts = {a.id: a for a in Account.objects.filter(
            id__in={t.debit_account_id for t in page} | {t.credit_account_id for t in page})}
        for transfer in page:
            if (transfer.code == LendingCode.ENTRUSTED_PAYMENT
                    and transfer.debit_account_id in custodied):
                # money paid out of custody to a planned payee (loan disbursement)
                _instruct(bank, instruction_id=str(transfer.id), kind="withdraw",
                          amount_fen=transfer.amount,
                          debit=sub_account_for(accounts[transfer.debit_account_id], bank))
                sent += 1
            elif (transfer.debit_account_id in custodied
                  and transfer.credit_account_id in custodied):
                _instruct(bank, instruction_id=str(transfer.id), kind="transfer",
                          amount_fen=transfer.amount,
                          debit=sub_account_for(accounts[transfer.debit_account_id], bank),
                          credit=sub_account_for(accounts[transfer.credit_account_id], bank))
                sent += 1
            cursor.last_created_at, cursor.last_transfer_id = transfer.created_at, transfer.id
            cursor.save(update_fields=["last_created_at", "last_transfer_id"])


def custody_reconcile(*, business_date: date, bank: Custodian | None = None) -> Reconciliation:
    """Compare the custodian's end-of-day statement with the ledger; record every difference."""
    bank = bank or custodian()
    custody_sync(bank=bank)
    try:
        statement = {row["number"]: int(row["balance_fen"])
                     for row in bank.statement(business_date)}
    except CustodianUnavailable:
        raise PuhuiError(CustodyError.CUSTODIAN_UNAVAILABLE) from None
    except CustodianRefused as error:
        raise PuhuiError(CustodyError.CUSTODIAN_REFUSED, reason=str(error)) from None
    end_of_day = datetime.combine(business_date + timedelta(days=1), datetime.min.time(),
                                  tzinfo=UTC) - timedelta(microseconds=1)
    differences = []
    mapped = {s.number: s.ledger_account_id for s in SubAccount.objects.all()}
    accounts = Account.objects.in_bulk(list(mapped.values()))
    for number in sorted(set(statement) | set(mapped)):
        account = accounts.get(mapped.get(number, -1))
        ledger_fen = (account_balance_as_of(account=account, at=end_of_day).balance_posted
                      if account else None)
        custodian_fen = statement.get(number)
        if ledger_fen != custodian_fen:
            differences.append({"number": number, "ledger_fen": ledger_fen,
                                "custodian_fen": custodian_fen})
    return Reconciliation.objects.create(business_date=business_date,
                                         accounts_compared=len(statement),
                                         differences=differences)
