"""Ledger reads: accounts, balances as of a time, statements, verification, reconciliation."""

import base64
import binascii
import csv
import io
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from django.db import connection
from django.db.models import F, OuterRef, Q, QuerySet, Subquery, Sum

from puhui.core.errors import PuhuiError
from puhui.core.money import UNITS, MoneyError, money_from_minor, money_to_minor
from puhui.ledger.errors import LedgerError
from puhui.ledger.models import Account, NormalBalance, Transfer, TransferKind

POSTED_KINDS = (TransferKind.POSTED, TransferKind.POST_PENDING)
STATEMENT_PAGE_MAX = 500


def account_get(*, account_id: int) -> Account:
    account = Account.objects.filter(id=account_id).first()
    if account is None:
        raise PuhuiError(LedgerError.ACCOUNT_NOT_FOUND, account_id=account_id)
    return account


def accounts_of_owner(*, owner: str) -> QuerySet[Account]:
    return Account.objects.filter(owner=owner).order_by("id")


def accounts_of_owners(*, owners: list[str]) -> QuerySet[Account]:
    return Account.objects.filter(owner__in=owners).order_by("id")


def account_credits_held(account_id: OuterRef) -> Subquery:
    """What the account at ``account_id`` has been credited, pending and posted, as a subquery:
    annotates rows that hold ledger account ids (a listing's escrow, say) in the same query."""
    return Subquery(Account.objects.filter(pk=account_id)
                    .annotate(held=F("credits_pending") + F("credits_posted"))
                    .values("held")[:1])


def balance_of(account: Account, debits: int, credits: int) -> int:
    """A net amount read on the account's normal side."""
    if account.normal_balance == NormalBalance.DEBIT:
        return debits - credits
    return credits - debits


@dataclass(frozen=True)
class BalanceAsOf:
    account_id: int
    at: datetime
    debits_posted: int
    credits_posted: int
    balance_posted: int


def account_balance_as_of(*, account: Account, at: datetime) -> BalanceAsOf:
    """Posted totals counting only transfers stamped at or before ``at``."""
    debits, credits = _posted_totals(account, Q(created_at__lte=at))
    return BalanceAsOf(account.id, at, debits, credits, balance_of(account, debits, credits))


@dataclass(frozen=True)
class StatementLine:
    transfer_id: str
    created_at: datetime
    kind: str
    code: str
    reference: str
    counterparty_account_id: int
    debit: int
    credit: int
    balance_posted: int  # after this line; pending lines do not move it


@dataclass(frozen=True)
class Statement:
    account: Account
    start: datetime | None
    end: datetime | None
    opening_balance_posted: int
    lines: list[StatementLine]
    next_cursor: str | None


def account_statement(
    *,
    account: Account,
    start: datetime | None = None,
    end: datetime | None = None,
    cursor: str | None = None,
    limit: int = 100,
) -> Statement:
    """Transfers touching ``account`` in [start, end), oldest first, with a running balance.

    Pages are cut by a keyset cursor (time, id), so a page never shifts when transfers arrive.
    """
    if start and end and start >= end:
        raise PuhuiError(LedgerError.INVALID_TIME_RANGE)
    limit = max(1, min(limit, STATEMENT_PAGE_MAX))
    transfers = Transfer.objects.filter(Q(debit_account=account) | Q(credit_account=account))
    if start:
        transfers = transfers.filter(created_at__gte=start)
    if end:
        transfers = transfers.filter(created_at__lt=end)
    if cursor:
        after_time, after_id = _cursor_decode(cursor)
        transfers = transfers.filter(
            Q(created_at__gt=after_time) | Q(created_at=after_time, id__gt=after_id)
        )
        opening = _posted_balance(
            account, Q(created_at__lt=after_time) | Q(created_at=after_time, id__lte=after_id)
        )
    else:
        opening = _posted_balance(account, Q(created_at__lt=start)) if start else 0
    page = list(transfers.order_by("created_at", "id")[: limit + 1])
    lines = _statement_lines(account, page[:limit], opening)
    next_cursor = None
    if len(page) > limit:
        last = page[limit - 1]
        next_cursor = _cursor_encode(last.created_at, str(last.id))
    return Statement(account, start, end, opening, lines, next_cursor)


def account_movements_latest(*, account: Account, limit: int = 10) -> list[StatementLine]:
    """The newest ``limit`` transfers touching ``account``, newest first, each with the
    posted balance after it (what a wallet's "latest movements" shows)."""
    limit = max(1, min(limit, STATEMENT_PAGE_MAX))
    newest = list(
        Transfer.objects.filter(Q(debit_account=account) | Q(credit_account=account))
        .order_by("-created_at", "-id")[:limit]
    )
    if not newest:
        return []
    oldest = newest[-1]
    opening = _posted_balance(
        account, Q(created_at__lt=oldest.created_at) | Q(created_at=oldest.created_at,
                                                          id__lt=oldest.id)
    )
    return list(reversed(_statement_lines(account, list(reversed(newest)), opening)))


def _statement_lines(account: Account, transfers: list[Transfer], opening: int,
                     ) -> list[StatementLine]:
    """Lines for ``transfers`` (oldest first) with the running posted balance from
    ``opening``; pending lines do not move it."""
    lines = []
    balance = opening
    for transfer in transfers:
        is_debit = transfer.debit_account_id == account.id
        amount = transfer.amount
        if transfer.kind in POSTED_KINDS:
            debit, credit = (amount, 0) if is_debit else (0, amount)
            balance += balance_of(account, debit, credit)
        lines.append(
            StatementLine(
                transfer_id=str(transfer.id),
                created_at=transfer.created_at,
                kind=transfer.kind,
                code=transfer.code,
                reference=transfer.reference,
                counterparty_account_id=(
                    transfer.credit_account_id if is_debit else transfer.debit_account_id
                ),
                debit=amount if is_debit else 0,
                credit=0 if is_debit else amount,
                balance_posted=balance,
            )
        )
    return lines


def _posted_totals(account: Account, when: Q) -> tuple[int, int]:
    posted = Transfer.objects.filter(when, kind__in=POSTED_KINDS)
    debits = posted.filter(debit_account=account).aggregate(total=Sum("amount"))["total"] or 0
    credits = posted.filter(credit_account=account).aggregate(total=Sum("amount"))["total"] or 0
    return debits, credits


def _posted_balance(account: Account, when: Q) -> int:
    return balance_of(account, *_posted_totals(account, when))


def _cursor_encode(at: datetime, transfer_id: str) -> str:
    return base64.urlsafe_b64encode(f"{at.isoformat()}|{transfer_id}".encode()).decode()


def _cursor_decode(cursor: str) -> tuple[datetime, str]:
    try:
        at_text, transfer_id = base64.urlsafe_b64decode(cursor.encode()).decode().split("|")
        return datetime.fromisoformat(at_text), transfer_id
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise PuhuiError(LedgerError.INVALID_CURSOR) from None


# --- verification -----------------------------------------------------------------------------


@dataclass
class VerifyReport:
    accounts_checked: int = 0
    transfers_checked: int = 0
    debits_posted_total: int = 0
    credits_posted_total: int = 0
    debits_pending_total: int = 0
    credits_pending_total: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def ledger_verify() -> VerifyReport:
    """Recompute every account's totals from its transfers and check the global balance."""
    report = VerifyReport()
    recomputed: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    with connection.cursor() as cursor:
        for side, column in ((0, "debit_account_id"), (2, "credit_account_id")):
            cursor.execute(
                f"SELECT {column}, "
                "SUM(CASE WHEN kind = 'pending' THEN amount ELSE 0 END), "
                "SUM(CASE WHEN kind IN ('posted', 'post_pending') THEN amount ELSE 0 END), "
                f"COUNT(*) FROM ledger_transfer GROUP BY {column}"
            )
            for account_id, pending, posted, count in cursor.fetchall():
                recomputed[account_id][side] += int(pending)
                recomputed[account_id][side + 1] += int(posted)
                if side == 0:
                    report.transfers_checked += int(count)
            # A resolved pending transfer no longer holds its amount in the pending totals.
            cursor.execute(
                f"SELECT p.{column}, SUM(p.amount) FROM ledger_transfer r "
                "JOIN ledger_transfer p ON r.pending_id = p.id "
                f"GROUP BY p.{column}"
            )
            for account_id, released in cursor.fetchall():
                recomputed[account_id][side] -= int(released)
    names = ("debits_pending", "debits_posted", "credits_pending", "credits_posted")
    for account in Account.objects.order_by("id").iterator(chunk_size=2000):
        report.accounts_checked += 1
        stored = [getattr(account, name) for name in names]
        expected = recomputed.pop(account.id, [0, 0, 0, 0])
        for name, have, want in zip(names, stored, expected, strict=True):
            if have != want:
                report.problems.append(
                    f"account {account.id} ({account.kind} {account.owner}): {name} is {have} "
                    f"but its transfers add up to {want}"
                )
            if have < 0:
                report.problems.append(f"account {account.id}: {name} is negative ({have})")
        report.debits_pending_total += stored[0]
        report.debits_posted_total += stored[1]
        report.credits_pending_total += stored[2]
        report.credits_posted_total += stored[3]
    for account_id in sorted(recomputed):
        report.problems.append(f"transfers name account {account_id}, which does not exist")
    if report.debits_posted_total != report.credits_posted_total:
        report.problems.append(
            f"Σ debits_posted {report.debits_posted_total} ≠ "
            f"Σ credits_posted {report.credits_posted_total}"
        )
    if report.debits_pending_total != report.credits_pending_total:
        report.problems.append(
            f"Σ debits_pending {report.debits_pending_total} ≠ "
            f"Σ credits_pending {report.credits_pending_total}"
        )
    return report


# --- reconciliation ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ReconciliationDifference:
    account_id: int
    problem: str  # missing_in_ledger | missing_in_statement | balance_differs
    ledger_balance: Decimal | None
    statement_balance: Decimal | None

    @property
    def difference(self) -> Decimal | None:
        if self.ledger_balance is None or self.statement_balance is None:
            return None
        return self.statement_balance - self.ledger_balance


def statement_csv_parse(text: str) -> dict[int, str]:
    """Parse an external statement ``account,balance`` (header optional) into raw balances."""
    rows: dict[int, str] = {}
    for line_number, row in enumerate(csv.reader(io.StringIO(text)), start=1):
        if not row or not "".join(row).strip():
            continue
        if line_number == 1 and row[0].strip().lower() in {"account", "account_id"}:
            continue
        if len(row) != 2:
            raise PuhuiError(LedgerError.RECONCILIATION_FILE_INVALID, line=line_number,
                             problem="expected two columns: account,balance")
        try:
            account_id = int(row[0].strip())
        except ValueError:
            raise PuhuiError(LedgerError.RECONCILIATION_FILE_INVALID, line=line_number,
                             problem=f"{row[0]!r} is not an account number") from None
        if account_id in rows:
            raise PuhuiError(LedgerError.RECONCILIATION_FILE_INVALID, line=line_number,
                             problem=f"account {account_id} appears twice")
        rows[account_id] = row[1].strip()
    return rows


def ledger_reconcile(
    *, statement: dict[int, str], account_ids: Iterable[int] | None = None
) -> list[ReconciliationDifference]:
    """Compare posted balances with an external statement; every difference is reported.

    ``account_ids`` limits which ledger accounts the statement is expected to cover (all
    accounts when omitted).
    """
    accounts = Account.objects.order_by("id")
    if account_ids is not None:
        accounts = accounts.filter(id__in=list(account_ids))
    ledger = {account.id: account for account in accounts}
    for account_id, balance_text in statement.items():
        currency = ledger[account_id].currency if account_id in ledger else "CNY"
        try:
            money_to_minor(balance_text, currency)
        except MoneyError as error:
            raise PuhuiError(LedgerError.RECONCILIATION_FILE_INVALID, line=f"account {account_id}",
                             problem=str(error)) from None
    extra = Account.objects.filter(id__in=[i for i in statement if i not in ledger])
    ledger.update({account.id: account for account in extra})
    differences = []
    for account_id in sorted(set(ledger) | set(statement)):
        account = ledger.get(account_id)
        ledger_balance = (
            money_from_minor(account.balance_posted, account.currency) if account else None
        )
        statement_balance = None
        if account_id in statement:
            currency = account.currency if account else "CNY"
            statement_balance = money_from_minor(
                money_to_minor(statement[account_id], currency), currency
            )
        if account is None:
            differences.append(ReconciliationDifference(
                account_id, "missing_in_ledger", None, statement_balance))
        elif statement_balance is None:
            differences.append(ReconciliationDifference(
                account_id, "missing_in_statement", ledger_balance, None))
        elif statement_balance != ledger_balance:
            differences.append(ReconciliationDifference(
                account_id, "balance_differs", ledger_balance, statement_balance))
    return differences


@dataclass(frozen=True)
class LedgerSummary:
    """Totals in money (units of things, currency ``XXX``, are counted apart: they balance on
    their own and are never added to an amount)."""

    accounts: int
    transfers: int
    debits_posted_total: int
    credits_posted_total: int
    debits_pending_total: int
    credits_pending_total: int
    units_balanced: bool = True

    @property
    def balanced(self) -> bool:
        return (self.debits_posted_total == self.credits_posted_total
                and self.debits_pending_total == self.credits_pending_total
                and self.units_balanced)


def _totals(accounts: "QuerySet[Account]") -> dict[str, int]:
    sums = accounts.aggregate(dp=Sum("debits_pending"), dpo=Sum("debits_posted"),
                              cp=Sum("credits_pending"), cpo=Sum("credits_posted"))
    return {key: value or 0 for key, value in sums.items()}


def ledger_summary() -> LedgerSummary:
    """The global totals in three aggregate queries (``ledger_verify`` does the deep check)."""
    money = _totals(Account.objects.exclude(currency=UNITS))
    units = _totals(Account.objects.filter(currency=UNITS))
    return LedgerSummary(
        accounts=Account.objects.count(),
        transfers=Transfer.objects.count(),
        debits_posted_total=money["dpo"], credits_posted_total=money["cpo"],
        debits_pending_total=money["dp"], credits_pending_total=money["cp"],
        units_balanced=units["dpo"] == units["cpo"] and units["dp"] == units["cp"],
    )
