"""What a platform exchanges with the shared credit registry beyond a single application: the
outbox sent, the applications that waited for the registry evaluated again, and the monthly
batch of every loan's trade line."""

from dataclasses import dataclass
from datetime import date

from puhui.lending.selectors import loans_facts
from puhui.lending.services import applications_recheck_waiting
from puhui.registry.client import outbox_send, trade_lines_queue_monthly


@dataclass(frozen=True)
class Exchanged:
    messages_sent: int
    applications: dict[str, int]  # status → how many of the waiting applications went there


def registry_send() -> Exchanged:
    """Send what waits in the outbox, then evaluate again every application that waited for
    the registry (its report, the credit decision on it, the reservation)."""
    sent = outbox_send()
    return Exchanged(sent, applications_recheck_waiting())


def loans_report_monthly(*, as_of: date) -> tuple[int, int]:
    """Queue every loan's trade line for the month of ``as_of`` and send; returns how many
    loans were queued and how many messages went out."""
    queued = trade_lines_queue_monthly(loans_facts(as_of=as_of))
    return queued, outbox_send()
