"""``puhui serve --role platform|registry [--host H] [--port P]``: one role of puhui in this
process, on the database ``DATABASE_URL`` names (a registry never shares a platform's).

Migrates first, then serves with Django's server when ``DEBUG`` is on (as ``make run`` does) or
with gunicorn otherwise (production settings are checked by the WSGI entry).
"""

import os
import sys
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--role", choices=("platform", "registry"), required=True)
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("migrate", verbosity=0)
        environment = os.environ | {"PUHUI_ROLE": options["role"]}
        address = f"{options['host']}:{options['port']}"
        if os.environ.get("DEBUG", "").lower() in ("1", "true", "yes", "on"):
            command = [sys.executable, "-m", "puhui.cli", "runserver", address, "--noreload"]
        else:
            command = [sys.executable, "-m", "gunicorn", "puhui.wsgi", "--bind", address,
                       "--workers", "2"]
        self.stdout.write(f"puhui {options['role']} on http://{address}")
        self.stdout.flush()
        os.execve(command[0], command, environment)  # noqa: S606 - the server takes over
