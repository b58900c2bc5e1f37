"""``puhui bench cob --loans N``: one close-of-business day over a generated book.

The book is generated in the database itself (set-based INSERT … SELECT): N active loans of
one enterprise and product, each with three monthly installments, due dates spread so that
about a fifth of the book is in arrears on the business date. Then one COB day runs, timed,
beside a plain SQL pass over the same rows (one UPDATE of every installment's days past due —
the least any set-based close of business must do).
"""

import threading
import time
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.core.management.base import CommandParser
from django.db import connection, connections, transaction
from django.utils import timezone

from puhui.core.business_day import business_date_today
from puhui.devtools.bench import Workload
from puhui.devtools.world import enterprise_admitted, product_new
from puhui.lending.cob import cob_run_for_date
from puhui.lending.models import Installment, Loan, LoanStatus
from puhui.notifications.models import Notice

INSTALLMENTS_PER_LOAN = 3


def _series(count: int) -> str:
    if connection.vendor == "postgresql":
        return f"SELECT generate_series(1, {count}) AS n"
    return (f"WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < {count})"
            " SELECT n FROM s")


def _book_generate(loans: int, business_date: date, days_late: int = 0) -> None:
    """``days_late`` moves every due date that many days earlier: at 60 (with cn-2016's 90-day
    threshold) a third of the book goes into default on the business date."""
    product = product_new(penalty_rate_daily=Decimal("0.000500"))
    enterprise = enterprise_admitted(revenue_wan=Decimal("90"))
    now = timezone.now()
    first_due = business_date - timedelta(days=60 + days_late)
    is_pg = connection.vendor == "postgresql"
    day = "%s::date" if is_pg else "date(%s)"
    plus_days = ("({d} + (n %% 90))" if is_pg else "date({d}, '+' || (n %% 90) || ' days')")
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT COALESCE(MAX(id), 0) FROM lending_loanapplication")
        base = cursor.fetchone()[0]
        cursor.execute(
            f"""INSERT INTO lending_loanapplication (id, enterprise_id, product_id, amount_fen,
                term_months, method, grace_months, purpose_category, purpose_description,
                planned_payees, checks, credit, registry_report, status, review_note,
                decision_reasons, created_at)
                SELECT {base} + n, %s, %s, 300000, 3, 'equal-principal', 0, 'bench', 'bench',
                       '[]', '[]', '{{}}', '{{}}', 'listed', '', '', %s
                FROM ({_series(loans)}) AS s""",
            [enterprise.pk, product.pk, now])
        cursor.execute(
            f"""INSERT INTO lending_listing (id, application_id, amount_fen, rate_annual,
                opens_at, closes_on, status, escrow_account_id, capacity_account_id,
                capacity_sink_account_id, funded_fen, rulebook_id, rulebook_version,
                calendar_warning)
                SELECT {base} + n, {base} + n, 300000, 0.09, %s, {day}, 'funded', 0, 0, 0,
                       300000, 'cn-2016', '2016.1', '' FROM ({_series(loans)}) AS s""",
            [now, business_date])
        cursor.execute(
            f"""INSERT INTO lending_loan (id, listing_id, principal_fen, rate_annual, method,
                value_date, upfront_fee_fen, apr, borrower_account_id, status)
                SELECT {base} + n, {base} + n, 300000, 0.09, 'equal-principal', {day}, 0,
                       0.09, 0, 'current' FROM ({_series(loans)}) AS s""",
            [first_due])
        for number in range(1, INSTALLMENTS_PER_LOAN + 1):
            due = plus_days.format(d=day)
            cursor.execute(
                f"""INSERT INTO lending_installment (loan_id, number, due_date, principal_fen,
                    interest_fen, fee_fen, principal_paid_fen, interest_paid_fen, fee_paid_fen,
                    penalty_fen, penalty_paid_fen, days_past_due)
                    SELECT {base} + n, {number}, {due}, 100000, 2250, 0, 0, 0, 0, 0, 0, 0
                    FROM ({_series(loans)}) AS s""",
                [first_due + timedelta(days=30 * (number - 1))])
    if is_pg:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def bench_cob(*, loans: int = 1_000_000, workers: int = 1, days_late: int = 0) -> dict[str, Any]:
    """``workers`` > 1 runs that many partitions at once, each on its own connection."""
    business_date = business_date_today()
    began = time.perf_counter()
    _book_generate(loans, business_date, days_late)
    generate_seconds = time.perf_counter() - began

    results: list[Any] = []

    def worker(partition: int) -> None:
        try:
            results.append(cob_run_for_date(business_date=business_date, partition=partition,
                                            partitions=workers))
        finally:
            connections.close_all()

    began = time.perf_counter()
    if workers == 1:
        results.append(cob_run_for_date(business_date=business_date))
    else:
        threads = [threading.Thread(target=worker, args=(k,)) for k in range(workers)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    cob_seconds = time.perf_counter() - began
    if len(results) != workers:
        raise RuntimeError("a COB partition failed")

    is_pg = connection.vendor == "postgresql"
    days = ("(%s::date - due_date)" if is_pg
            else "CAST(julianday(date(%s)) - julianday(due_date) AS INTEGER)")
    began = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE lending_installment SET days_past_due = CASE WHEN due_date < "
            f"{'%s::date' if is_pg else 'date(%s)'} THEN {days} ELSE 0 END",
            [business_date, business_date])
    sql_pass_seconds = time.perf_counter() - began
    return {
        "database": connection.vendor,
        "loans": Loan.objects.count(),
        "installments": Installment.objects.count(),
        "book_generate_seconds": round(generate_seconds, 2),
        "cob_seconds": round(cob_seconds, 2),
        "sql_pass_seconds": round(sql_pass_seconds, 2),
        "ratio_cob_to_sql_pass": round(cob_seconds / sql_pass_seconds, 2)
        if sql_pass_seconds else None,
        "workers": workers,
        "installments_overdue": sum(r.installments_overdue for r in results),
        "loans_overdue": sum(r.loans_overdue for r in results),
        "loans_defaulted": Loan.objects.filter(status=LoanStatus.DEFAULT).count(),
        "notices_written": Notice.objects.count(),
        "days_late": days_late,
        "goal_cob_seconds": 60,
        "goal_met": cob_seconds < 60,
    }


def _arguments(parser: CommandParser) -> None:
    parser.add_argument("--loans", type=int, default=1_000_000)
    parser.add_argument("--workers", type=int, default=2,
                        help="partitions run at once (the machine has 2 cores)")
    parser.add_argument("--days-late", type=int, default=0,
                        help="every due date this many days earlier: 60 puts a third of the "
                             "book into default on the day")


def _lines(report: dict[str, Any]) -> list[str]:
    return [f"puhui bench cob — {report['database']}, {report['loans']:,} loans, "
            f"{report['installments']:,} installments (generated in "
            f"{report['book_generate_seconds']} s)",
            f"one COB day {report['cob_seconds']} s with {report['workers']} workers; "
            f"plain SQL pass {report['sql_pass_seconds']} s; "
            f"{report['installments_overdue']:,} installments overdue, "
            f"{report['loans_defaulted']:,} loans in default, {report['notices_written']:,} "
            f"notices; goal < 60 s: "
            f"{'met' if report['goal_met'] else 'NOT met'}"]


WORKLOAD = Workload("cob", "one close-of-business day over a generated book", _arguments,
                    lambda options: bench_cob(loans=options["loans"],
                                              workers=options["workers"],
                                              days_late=options["days_late"]), _lines)
