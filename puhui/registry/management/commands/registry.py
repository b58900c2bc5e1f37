"""``puhui registry …`` on the registry's deployment (its own database):

    member add --code C --name N [--kind platform|bank]   prints the signing secret once
    members                                               the members
    disputes escalate [--date YYYY-MM-DD]                 flag disputes past their deadline
    demo-admin                                            (DEBUG only) the demo administrator

and on a platform (a member):

    send                                                  send what is queued for the registry
                                                          and recheck applications waiting
    report-monthly [--as-of YYYY-MM-DD]                   queue every loan's trade line, send
"""

import os
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from puhui.registry.models import Member
from puhui.registry.services import disputes_escalate, member_register

DEMO_ADMIN = ("demo-registry-admin", "registry-admin-demo-2026")


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        member = actions.add_parser("member")
        member.add_argument("verb", choices=["add"])
        member.add_argument("--code", required=True)
        member.add_argument("--name", required=True)
        member.add_argument("--kind", choices=["platform", "bank"], default="platform")
        member.add_argument("--secret-env", metavar="VARIABLE",
                            help="take the signing secret from this environment variable "
                                 "(an existing member's secret is replaced) instead of making "
                                 "one and printing it")
        actions.add_parser("members")
        disputes = actions.add_parser("disputes")
        disputes.add_argument("verb", choices=["escalate"])
        disputes.add_argument("--date", type=date.fromisoformat, default=None)
        actions.add_parser("send")
        actions.add_parser("demo-admin")
        monthly = actions.add_parser("report-monthly")
        monthly.add_argument("--as-of", type=date.fromisoformat, default=None)

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "member":
            given = os.environ.get(options["secret_env"] or "", "") or None
            if options["secret_env"] and not given:
                raise CommandError(f"the environment variable {options['secret_env']} is empty")
            member, secret = member_register(code=options["code"], name=options["name"],
                                             kind=options["kind"], secret=given)
            if given:
                self.stdout.write(f"member {member.code}; signing secret from "
                                  f"{options['secret_env']}")
            else:
                self.stdout.write(f"member {member.code}; signing secret (shown once): "
                                  f"{secret}")
        elif options["action"] == "members":
            for member in Member.objects.order_by("code"):
                self.stdout.write(f"{member.code}\t{member.kind}\t{member.name}\t"
                                  f"{'active' if member.active else 'inactive'}")
        elif options["action"] == "demo-admin":
            from django.conf import settings

            from puhui.parties.models import OperatorDuty, Role, User
            from puhui.parties.services import user_create

            if not settings.DEBUG:
                raise CommandError("the demo administrator exists only with DEBUG=1")
            if not User.objects.filter(username=DEMO_ADMIN[0]).exists():
                user_create(username=DEMO_ADMIN[0], password=DEMO_ADMIN[1], role=Role.OPERATOR,
                            duties=[OperatorDuty.ADMIN])
            self.stdout.write(f"registry administrator: {DEMO_ADMIN[0]} / {DEMO_ADMIN[1]}")
        elif options["action"] == "report-monthly":
            from puhui.core.business_day import business_date_today
            from puhui.operations.registry_exchange import loans_report_monthly

            queued, sent = loans_report_monthly(as_of=options["as_of"] or business_date_today())
            self.stdout.write(f"{queued} loans queued; {sent} messages sent")
        elif options["action"] == "send":
            from puhui.operations.registry_exchange import registry_send

            exchanged = registry_send()
            self.stdout.write(f"{exchanged.messages_sent} messages sent to the registry")
            self.stdout.write("applications waiting for the registry: " + ", ".join(
                f"{n} {status}" for status, n in exchanged.applications.items()))
        else:
            escalated = disputes_escalate(today=options["date"])
            self.stdout.write(f"{escalated} disputes escalated")
