"""``puhui user create USERNAME --role operator [--duty reviewer ...] [--email E]``.

How an administrator creates operator and regulator accounts (they cannot sign up). A random
password is printed once; the user changes it through the password-reset e-mail.
"""

import secrets
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from puhui.core.errors import PuhuiError
from puhui.parties.models import OperatorDuty, Role
from puhui.parties.services import user_create


class Command(BaseCommand):
    help = "Create a user of any role (operators with their duties); prints a one-time password."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        create = actions.add_parser("create")
        create.add_argument("username")
        create.add_argument("--role", required=True, choices=Role.values)
        create.add_argument("--duty", action="append", choices=OperatorDuty.values,
                            help="operators: repeat for each duty (default: all)")
        create.add_argument("--email", default="")

    def handle(self, *args: Any, **options: Any) -> None:
        password = secrets.token_urlsafe(12)
        try:
            user = user_create(username=options["username"], password=password,
                               role=Role(options["role"]), email=options["email"],
                               duties=options["duty"])
        except PuhuiError as error:
            raise CommandError(str(error)) from None
        duties = f" with duties {', '.join(user.duties)}" if user.duties else ""
        self.stdout.write(f"created {user.role} {user.username}{duties}; "
                          f"one-time password: {password}")
