"""``puhui credit fetch-data [--dataset sba|german]``: fetch and cache the public data."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from puhui.credit.datasets import DATASETS, DatasetError, dataset_fetch


class Command(BaseCommand):
    help = "Credit evaluation tasks. fetch-data: download, verify and cache the public data."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        fetch = actions.add_parser("fetch-data")
        fetch.add_argument("--dataset", choices=sorted(DATASETS), action="append")

    def handle(self, *args: Any, **options: Any) -> None:
        for name in options["dataset"] or sorted(DATASETS):
            try:
                path = dataset_fetch(name)
            except DatasetError as error:
                raise CommandError(str(error)) from None
            self.stdout.write(f"{name}: {path}")
