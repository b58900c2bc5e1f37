"""Close of business (``puhui cob --date D``): overdue marking, days past due, penalty accrual,
loan status, collection cases, reminders — set-based SQL over the whole book, never a per-loan
Python loop.

Days past due are a function of the date (D − due date for an unsettled installment). Penalty
accrues one row a day per overdue installment — what is overdue then (principal + interest) ×
the product's daily penalty rate, rounded half-up — under a unique (installment, date) key, and
the installment's penalty is their sum. So a rerun for the same date changes nothing, a run
killed half-way is finished by running it again, and a skipped day is caught up by running COB
for it. Overdue reminders go out on the rulebook's milestone days past due, an upcoming one
within its days before the due date. ``--partition i --partitions n`` lets n workers share the
book (loan id mod n); each partition commits on its own.
"""

from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.db import connection, transaction
from django.db.backends.utils import CursorWrapper
from django.utils import timezone
from django.utils.translation import gettext as _

from puhui.lending.models import CobRun, Loan, LoanStatus
from puhui.lending.notices import notices_defaults
from puhui.lending.ports import ExposureChange
from puhui.lending.services import exposure_event
from puhui.rulebook.selectors import rulebook_in_force, rulebook_section


@dataclass(frozen=True)
class CobResult:
    business_date: date
    partition: int
    partitions: int
    installments_overdue: int
    loans_overdue: int
    loans_in_default: int
    reminders_queued: int
    problem: str = ""

    def summary(self) -> str:
        return _(
            "Loans: {overdue} installments overdue, {loans_overdue} loans overdue, "
            "{default} in default, {reminders} reminders queued."
        ).format(overdue=self.installments_overdue, loans_overdue=self.loans_overdue,
                 default=self.loans_in_default, reminders=self.reminders_queued)


def _days_between(later: str, earlier: str) -> str:
    if connection.vendor == "postgresql":
        return f"({later} - {earlier})"
    return f"CAST(julianday({later}) - julianday({earlier}) AS INTEGER)"


def _date_param() -> str:
    return "%s::date" if connection.vendor == "postgresql" else "date(%s)"


def _status_changes_tell(loan_ids: list[int], business_date: date) -> None:
    """Loans that went overdue, into default or back to current: the cross-platform exposure
    receiver (the shared registry's outbox) hears of each, in this transaction."""
    if not loan_ids or not getattr(settings, "PUHUI_EXPOSURE_EVENTS", ""):
        return
    for loan in Loan.objects.filter(pk__in=loan_ids).select_related(
            "listing__application__enterprise").prefetch_related("installments").order_by("pk"):
        exposure_event(application=loan.listing.application, change=ExposureChange.CHANGED,
                       loan=loan, on=business_date)


@dataclass(frozen=True)
class _Pass:
    """One partition's pass over the book for a business date, and the SQL fragments its
    statements share (the partition's loans are those with id mod ``partitions`` =
    ``partition``)."""

    business_date: date
    partition: int
    partitions: int
    day: str = field(default_factory=_date_param)
    mine: str = "l.id %% %s = %s"
    open_loans: str = (f"l.status IN ('{LoanStatus.CURRENT}', '{LoanStatus.OVERDUE}', "
                       f"'{LoanStatus.DEFAULT}')")

    @property
    def slice(self) -> list[int]:
        return [self.partitions, self.partition]


def cob_run_for_date(*, business_date: date, partition: int = 0,
                     partitions: int = 1) -> CobResult:
    if not 0 <= partition < partitions:
        raise ValueError("partition must be in 0 … partitions − 1")
    later = (CobRun.objects.filter(business_date__gt=business_date, partition=partition,
                                   partitions=partitions, completed_at__isnull=False)
             .order_by("-business_date").first())
    if later is not None:  # days past due are never turned back
        return CobResult(business_date, partition, partitions, 0, 0, 0, 0, problem=_(
            "The loan book was closed for {later} already; a close of business for an earlier "
            "day changes nothing.").format(later=later.business_date.isoformat()))
    rules = rulebook_section(rulebook_in_force(on=business_date), "collections")
    run_pass = _Pass(business_date, partition, partitions)
    with transaction.atomic():
        run, _created = CobRun.objects.get_or_create(
            business_date=business_date, partition=partition, partitions=partitions)
        with connection.cursor() as cursor:
            _days_past_due_mark(cursor, run_pass)
            _penalty_accrue(cursor, run_pass)
            changed_loan_ids = _loan_status_set(cursor, run_pass,
                                                default_after=rules.default_after_days_past_due)
            _collection_cases_open(cursor, run_pass)
            _reminders_queue(cursor, run_pass, milestones=list(rules.overdue_reminder_days),
                             days_before=rules.reminder_days_before_due)
            overdue, loans_overdue, loans_default, reminders = _counts(cursor, run_pass)
        _status_changes_tell(changed_loan_ids, business_date)
        notices_defaults(changed_loan_ids, days=rules.default_after_days_past_due)
        run.completed_at = timezone.now()
        run.installments_overdue = overdue
        run.save(update_fields=["completed_at", "installments_overdue"])
    return CobResult(business_date, partition, partitions, overdue, loans_overdue,
                     loans_default, reminders)


def _days_past_due_mark(cursor: CursorWrapper, run: _Pass) -> None:
    """1. Days past due, from the date alone; only rows whose value changes are written."""
    day = run.day
    dpd = (f"CASE WHEN due_date < {day} AND (principal_fen > principal_paid_fen OR "
           f"interest_fen > interest_paid_fen OR fee_fen > fee_paid_fen) "
           f"THEN {_days_between(day, 'due_date')} ELSE 0 END")
    cursor.execute(
        f"""UPDATE lending_installment SET days_past_due = {dpd}
            WHERE days_past_due <> {dpd}
              AND loan_id IN (SELECT l.id FROM lending_loan l
                              WHERE {run.open_loans} AND {run.mine})""",
        [*[run.business_date] * 4, *run.slice])


def _penalty_accrue(cursor: CursorWrapper, run: _Pass) -> None:
    """2. One day's penalty on what is overdue, once per installment and date (integer
    arithmetic: the daily rate has six decimals; half-up exactly), then the totals of the
    installments that accrued today."""
    daily = (
        "((i.principal_fen - i.principal_paid_fen + i.interest_fen - i.interest_paid_fen)"
        " * CAST(ROUND(p.penalty_rate_daily * 1000000) AS BIGINT) + 500000) / 1000000"
    )
    accrue = f"""INSERT INTO lending_penaltyaccrual (installment_id, business_date, amount_fen)
            SELECT i.id, {run.day}, {daily}
            FROM lending_installment i
            JOIN lending_loan l ON l.id = i.loan_id
            JOIN lending_listing li ON li.id = l.listing_id
            JOIN lending_loanapplication a ON a.id = li.application_id
            JOIN lending_loanproduct p ON p.id = a.product_id
            WHERE i.days_past_due > 0 AND {run.open_loans} AND {run.mine}
            ON CONFLICT (installment_id, business_date) DO NOTHING"""
    if connection.vendor == "postgresql":
        # one pass: the rows inserted now (none on a rerun) add to the totals
        cursor.execute(
            f"""WITH accrued AS ({accrue} RETURNING installment_id, amount_fen)
                UPDATE lending_installment AS i
                SET penalty_fen = i.penalty_fen + accrued.amount_fen
                FROM accrued WHERE i.id = accrued.installment_id""",
            [run.business_date, *run.slice])
        return
    cursor.execute(accrue, [run.business_date, *run.slice])
    cursor.execute(
        f"""UPDATE lending_installment SET penalty_fen = (
              SELECT COALESCE(SUM(pa.amount_fen), 0) FROM lending_penaltyaccrual pa
              WHERE pa.installment_id = lending_installment.id)
            WHERE id IN (SELECT pa.installment_id FROM lending_penaltyaccrual pa
                         WHERE pa.business_date = {run.day})""",
        [run.business_date])


def _loan_status_set(cursor: CursorWrapper, run: _Pass, *, default_after: int) -> list[int]:
    """3. Loan status from its worst installment (one aggregate; changed rows only); returns
    the loans whose status changed."""
    status = (f"CASE WHEN w.worst > %s THEN '{LoanStatus.DEFAULT}' "
              f"WHEN w.worst > 0 THEN '{LoanStatus.OVERDUE}' "
              f"ELSE '{LoanStatus.CURRENT}' END")
    cursor.execute(
        f"""UPDATE lending_loan AS l SET status = {status}
            FROM (SELECT loan_id, MAX(days_past_due) AS worst
                  FROM lending_installment WHERE loan_id %% %s = %s
                  GROUP BY loan_id) AS w
            WHERE w.loan_id = l.id AND {run.open_loans} AND {run.mine}
              AND l.status <> {status}
            RETURNING id""",
        [default_after, *run.slice, *run.slice, default_after])
    return [row[0] for row in cursor.fetchall()]


def _collection_cases_open(cursor: CursorWrapper, run: _Pass) -> None:
    """4. A collection case for every loan in default (once)."""
    cursor.execute(
        f"""INSERT INTO lending_collectioncase (loan_id, opened_on, recovered_fen,
                                                written_off_fen)
            SELECT l.id, {run.day}, 0, 0 FROM lending_loan l
            WHERE l.status = '{LoanStatus.DEFAULT}' AND {run.mine}
            ON CONFLICT (loan_id) DO NOTHING""",
        [run.business_date, *run.slice])


def _reminders_queue(cursor: CursorWrapper, run: _Pass, *, milestones: list[int],
                     days_before: int) -> None:
    """5. Reminders, at most one per installment, kind and date: overdue on the milestone days
    past due, upcoming within ``days_before`` of the due date."""
    unsettled = ("(i.principal_fen > i.principal_paid_fen OR i.interest_fen > "
                 "i.interest_paid_fen OR i.fee_fen > i.fee_paid_fen)")
    marks = ", ".join(["%s"] * len(milestones))
    cursor.execute(
        f"""INSERT INTO lending_reminder (installment_id, kind, business_date)
            SELECT i.id, CASE WHEN i.days_past_due > 0 THEN 'overdue'
                              ELSE 'upcoming' END, {run.day}
            FROM lending_installment i JOIN lending_loan l ON l.id = i.loan_id
            WHERE {run.open_loans} AND {run.mine} AND {unsettled} AND
                  (i.days_past_due IN ({marks}) OR
                   {_days_between('i.due_date', run.day)} BETWEEN 0 AND %s)
            ON CONFLICT (installment_id, kind, business_date) DO NOTHING""",
        [run.business_date, *run.slice, *milestones, run.business_date, days_before])


def _counts(cursor: CursorWrapper, run: _Pass) -> tuple[int, int, int, int]:
    """Installments overdue, loans overdue, loans in default, reminders queued today."""
    mine = run.mine
    cursor.execute(
        f"""SELECT
              (SELECT COUNT(*) FROM lending_installment i JOIN lending_loan l
                 ON l.id = i.loan_id WHERE i.days_past_due > 0 AND {mine}),
              (SELECT COUNT(*) FROM lending_loan l
                 WHERE l.status = '{LoanStatus.OVERDUE}' AND {mine}),
              (SELECT COUNT(*) FROM lending_loan l
                 WHERE l.status = '{LoanStatus.DEFAULT}' AND {mine}),
              (SELECT COUNT(*) FROM lending_reminder r
                 JOIN lending_installment i ON i.id = r.installment_id
                 JOIN lending_loan l ON l.id = i.loan_id
                 WHERE r.business_date = {run.day} AND {mine})""",
        run.slice * 3 + [run.business_date, *run.slice])
    overdue, loans_overdue, loans_default, reminders = cursor.fetchone()
    return overdue, loans_overdue, loans_default, reminders
