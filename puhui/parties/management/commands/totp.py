"""``puhui totp code USERNAME``: the current code of a user's authenticator — demo only.

Refused unless DEBUG is on: it exists so that a newcomer trying ``make run`` can sign in as the
demo operator or regulator without a phone at hand.
"""

from typing import Any

import pyotp
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from puhui.core.pii import pii_decrypt
from puhui.parties.models import TotpDevice


class Command(BaseCommand):
    help = "Print the current TOTP code of a user (DEBUG only, for the demo)."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        code = actions.add_parser("code")
        code.add_argument("username")

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG:
            raise CommandError("refused: puhui totp code works only with DEBUG=1 (the demo)")
        device = TotpDevice.objects.filter(user__username=options["username"]).first()
        if device is None:
            raise CommandError(f"{options['username']} has no authenticator yet: sign in once "
                               "with the password to start enrolment")
        secret = pii_decrypt(device.secret_encrypted, context="totp.secret")
        self.stdout.write(pyotp.TOTP(secret).now())
