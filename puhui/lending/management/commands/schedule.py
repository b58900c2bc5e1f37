"""``puhui schedule --amount 100000 --rate 0.0435 --months 12 --method equal-installment
--start 2026-01-31 [--json]``: a repayment schedule, exact to the fen."""

import json
import sys
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from puhui.core.errors import PuhuiError
from puhui.core.money import MoneyError, money_from_minor
from puhui.core.workdays import Calendar
from puhui.lending.schedules import Method, schedule_all_in_rate, schedule_build


def _decimal(text: str) -> Decimal:
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise ValueError(f"{text!r} is not a number") from None
    if not value.is_finite():
        raise ValueError(f"{text!r} is not a finite number")
    return value


class Command(BaseCommand):
    help = "Print a repayment schedule (equal-installment, equal-principal, interest-only, bullet)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--amount", type=_decimal, required=True)
        parser.add_argument("--rate", type=_decimal, required=True, help="annual, e.g. 0.0435")
        parser.add_argument("--months", type=int, required=True)
        parser.add_argument("--method", choices=[m.value for m in Method], required=True)
        parser.add_argument("--start", type=date.fromisoformat, required=True,
                            help="value date, YYYY-MM-DD")
        parser.add_argument("--currency", default="CNY")
        parser.add_argument("--grace-months", type=int, default=0)
        parser.add_argument("--fee-per-period", type=_decimal, default=Decimal(0))
        parser.add_argument("--upfront-fee", type=_decimal, default=Decimal(0))
        parser.add_argument("--calendar", choices=[c.value for c in Calendar], default="cn")
        parser.add_argument("--json", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            schedule = schedule_build(
                amount=options["amount"], rate_annual=options["rate"], months=options["months"],
                method=options["method"], start=options["start"],
                currency=options["currency"], grace_months=options["grace_months"],
                fee_per_period=options["fee_per_period"], upfront_fee=options["upfront_fee"],
                calendar=options["calendar"],
            )
        except (PuhuiError, MoneyError) as error:
            raise CommandError(str(error)) from None
        for warning in schedule.warnings:
            sys.stderr.write(f"warning: {warning}\n")
        if options["json"]:
            self.stdout.write(json.dumps(schedule.as_json()))
            return
        money = lambda fen: money_from_minor(fen, schedule.currency)  # noqa: E731
        self.stdout.write(f"{'#':>3} {'due':<10} {'principal':>14} {'interest':>12} "
                          f"{'fee':>10} {'total':>14} {'balance':>14}")
        for i in schedule.installments:
            self.stdout.write(f"{i.number:>3} {i.due_date.isoformat():<10} "
                              f"{money(i.principal):>14,} {money(i.interest):>12,} "
                              f"{money(i.fee):>10,} {money(i.total):>14,} "
                              f"{money(i.balance):>14,}")
        total_interest = sum(i.interest for i in schedule.installments)
        apr, effective = schedule_all_in_rate(schedule)
        self.stdout.write(f"total interest {money(total_interest):,}; all-in cost: APR "
                          f"{apr * 100:.2f} % (effective {effective * 100:.2f} % a year)")
