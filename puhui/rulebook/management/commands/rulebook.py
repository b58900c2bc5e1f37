"""``puhui rulebook show [ID]`` and ``puhui rulebook check FILE``."""

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from puhui.rulebook.errors import RulebookFileError
from puhui.rulebook.selectors import rulebook_in_force, rulebook_load, rulebooks_all


class Command(BaseCommand):
    help = "Show the rulebook in force, or check a rulebook file before shipping it."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        show = actions.add_parser("show", help="print a rulebook as JSON")
        show.add_argument("rulebook_id", nargs="?", help="default: the platform's")
        show.add_argument("--list", action="store_true", help="list every shipped rulebook")
        check = actions.add_parser("check", help="validate a rulebook file")
        check.add_argument("file", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "check":
            try:
                book = rulebook_load(options["file"])
            except RulebookFileError as error:
                raise CommandError(f"invalid rulebook:\n{error}") from None
            self.stdout.write(self.style.SUCCESS(
                f"{options['file']}: rulebook {book.key} is valid "
                f"(in force from {book.rulebook.effective_from})"))
            return
        if options["list"]:
            for book in rulebooks_all():
                meta = book.rulebook
                self.stdout.write(f"{book.key}  {meta.jurisdiction}  from {meta.effective_from}"
                                  f"  {meta.title_en}")
            return
        book = rulebook_in_force(rulebook_id=options["rulebook_id"])
        self.stdout.write(json.dumps(book.model_dump(mode="json", exclude_none=True),
                                     ensure_ascii=False, indent=2))
