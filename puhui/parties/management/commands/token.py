"""``puhui token create USERNAME [--name N]``: issue an API token (printed once)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from puhui.parties.models import User
from puhui.parties.services import api_token_create


class Command(BaseCommand):
    help = "Issue an API token for a user; the secret is shown once and never stored."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        create = actions.add_parser("create")
        create.add_argument("username")
        create.add_argument("--name", default="cli")

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"no user named {options['username']!r}")
        _token, secret = api_token_create(user=user, name=options["name"])
        self.stdout.write(secret)
