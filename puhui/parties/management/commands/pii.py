"""``puhui pii rotate``: re-seal personal data under the current key (see core.pii)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from puhui.parties.services import pii_rotate


class Command(BaseCommand):
    help = "Re-encrypt personal data under the first key of PUHUI_PII_KEYS; recompute indexes."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        actions.add_parser("rotate")

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"re-sealed {pii_rotate()} values under the current key")
