"""``puhui classify --industry retail --employees 8 --revenue-wan 90 [--assets-wan N] [--json]``."""

import json
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from puhui.core.errors import PuhuiError
from puhui.rulebook.selectors import rulebook_in_force, size_class_evaluate


def _wan(value: str) -> Decimal:
    try:
        amount = Decimal(value)
    except InvalidOperation:
        raise ValueError(f"{value!r} is not a number") from None
    if not amount.is_finite():
        raise ValueError(f"{value!r} is not a finite number")
    return amount


class Command(BaseCommand):
    help = "Classify an enterprise large / medium / small / micro by the rulebook in force."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--industry", required=True, help="industry slug, e.g. retail")
        parser.add_argument("--employees", type=int)
        parser.add_argument("--revenue-wan", type=_wan, help="operating revenue, CNY 10,000")
        parser.add_argument("--assets-wan", type=_wan, help="total assets, CNY 10,000")
        parser.add_argument("--rulebook", help="rulebook id (default: the platform's)")
        parser.add_argument("--json", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            book = rulebook_in_force(rulebook_id=options["rulebook"])
            result = size_class_evaluate(
                industry=options["industry"], employees=options["employees"],
                revenue_wan=options["revenue_wan"], assets_wan=options["assets_wan"],
                rulebook=book,
            )
        except PuhuiError as error:
            raise CommandError(str(error)) from None
        if options["json"]:
            self.stdout.write(json.dumps(result.as_json(), ensure_ascii=False))
            return
        verdict = "admitted to SMB financing" if result.admitted else "not admitted"
        self.stdout.write(f"{result.industry_name_en}: {result.size_class} ({verdict})")
        for reason in result.reasons_en:
            self.stdout.write(f"  - {reason}")
        self.stdout.write(f"rule {result.rule_id}, rulebook {result.rulebook_id} "
                          f"version {result.rulebook_version}")
