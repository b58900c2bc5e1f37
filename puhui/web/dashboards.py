"""The figures and charts of each role's home and of the public landing page, read through the
apps' selectors and drawn with ``core/charts.py``."""

from collections import defaultdict
from typing import Any

from django.conf import settings
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from puhui.core.charts import Bar, bar_chart, line_chart, share_bars
from puhui.core.lists import progress_of
from puhui.core.money import money_from_minor
from puhui.custody.selectors import reconciliation_latest
from puhui.ledger.models import Account
from puhui.ledger.selectors import account_movements_latest, accounts_of_owners
from puhui.lending.selectors import (
    applications_of,
    applications_to_review,
    book_concentration,
    borrower_summary,
    cob_last_run,
    listings_open,
    notes_of,
    overdue_by_bucket,
    portfolio_of,
)
from puhui.parties.models import User
from puhui.parties.selectors import reviews_open
from puhui.rulebook.selectors import rulebook_in_force


def _share(part: int, whole: int) -> str:
    return f"{part * 100 / whole:.1f} %" if whole else "—"


def industry_name(slug: str) -> str:
    sizes = rulebook_in_force().size_classes
    industry = sizes.industries.get(slug) if sizes else None
    if industry is None:
        return slug
    return industry.name_zh if (get_language() or "").startswith("zh") else industry.name_en


def wallets(user: User, owners: list[str] | None = None) -> dict[str, Any]:
    accounts = list(accounts_of_owners(owners=[user.ledger_owner, *(owners or [])]))
    first = accounts[0] if accounts else None
    return {"accounts": accounts, "movements_account": first,
            "movements": account_movements_latest(account=first, limit=10) if first else []}


def borrower(user: User) -> dict[str, Any]:
    summary = borrower_summary(user=user)
    latest = applications_of(user=user).exclude(registry_report={}).order_by("-created_at").first()
    chart = bar_chart(
        [Bar(month, [principal, interest]) for month, principal, interest in summary.schedule],
        title=_("What you still owe, by month"),
        description=_("Principal and interest with fees still owed on your loans, month by "
                      "month; the figures are in the table below the chart."),
        series=[_("Principal"), _("Interest and fees")])
    return {"summary": summary, "schedule_chart": chart,
            "report": latest.registry_report if latest else None}


def investor(user: User, accounts: list[Account]) -> dict[str, Any]:
    portfolio = portfolio_of(user=user)
    notes = list(notes_of(user=user).select_related("loan__listing__application__enterprise"))
    by_grade: dict[str, int] = defaultdict(int)
    by_industry: dict[str, int] = defaultdict(int)
    for note in notes:
        application = note.loan.listing.application
        by_grade[application.credit.get("grade", "—")] += note.outstanding_fen
        by_industry[industry_name(application.enterprise.industry)] += note.outstanding_fen
    wallet = accounts[0] if accounts else None
    history = list(reversed(account_movements_latest(account=wallet, limit=60))) if wallet else []
    grades, industries = sorted(by_grade.items()), sorted(by_industry.items(), key=lambda p: -p[1])
    return {
        "portfolio": portfolio, "cash_fen": wallet.balance_available if wallet else 0,
        "invested_fen": sum(note.outstanding_fen for note in notes),
        "by_grade": grades, "by_industry": industries,
        "balance_chart": line_chart(
            [(line.created_at.strftime("%Y-%m-%d"), line.balance_posted) for line in history],
            title=_("Wallet balance over time"),
            description=_("The wallet's posted balance after each of its latest movements."))
        if len(history) > 1 else "",
        "grade_chart": share_bars(grades, title=_("Invested by credit grade"),
                                  description=_("Each grade's share of your principal "
                                                "outstanding.")),
        "industry_chart": share_bars(industries, title=_("Invested by industry"),
                                     description=_("Each industry's share of your principal "
                                                   "outstanding.")),
    }


def overdue() -> dict[str, Any]:
    rules = rulebook_in_force().collections
    buckets = overdue_by_bucket(bucket_for=rules.bucket_for if rules else str)
    return {
        "buckets": buckets, "arrears_loans": sum(loans for _b, loans, _f in buckets),
        "arrears_fen": sum(fen for _b, _l, fen in buckets),
        "overdue_chart": bar_chart(
            [Bar(bucket, [money_from_minor(fen, "CNY")]) for bucket, _loans, fen in buckets],
            title=_("Overdue book by bucket"),
            description=_("Principal outstanding of loans in arrears, by days past due; the "
                          "figures are in the table below."), series=[_("Principal (CNY)")]),
    }


def operator() -> dict[str, Any]:
    waiting = applications_to_review()
    by_status: dict[str, int] = defaultdict(int)
    for status in waiting.values_list("status", flat=True):
        by_status[status] += 1
    return {"reviews_waiting": reviews_open().count(), "applications_waiting": waiting.count(),
            "applications_by_status": sorted(by_status.items()), "cob": cob_last_run(),
            "reconciliation": reconciliation_latest()}


def concentration() -> dict[str, Any]:
    """The book's concentration beside its overdue figures (``overdue``)."""
    total, top, industries = book_concentration()
    figures = overdue()
    return figures | {
        "book_total_fen": total, "top_borrowers": top,
        "top_share": _share(top[0][1], total) if top else "—",
        "arrears_share": _share(figures["arrears_fen"], total),
        "concentration_chart": share_bars(top, title=_("The largest borrowers"),
                                          description=_("Each borrower's share of the principal "
                                                        "outstanding of the ten largest.")),
        "industry_chart": share_bars([(industry_name(slug), fen) for slug, fen in industries],
                                     title=_("By industry"),
                                     description=_("Each industry's share of the principal "
                                                   "outstanding.")),
    }


def public_figures() -> dict[str, Any]:
    """What a visitor sees: live listings with their funding progress and the book's figures."""
    listings = list(listings_open().select_related("application__enterprise")[:6])
    total, _top, _industries = book_concentration()
    return {"listings": [(listing, *progress_of(listing.raised_fen, listing.amount_fen))
                         for listing in listings],
            "book_total_fen": total, "arrears_loans": overdue()["arrears_loans"],
            "custodian_name": settings.PUHUI_CUSTODIAN_NAME}
