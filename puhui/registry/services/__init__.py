"""Writes of the shared credit registry, one module per subdomain: members, subjects and
consents; reports (every request logged as an inquiry, allowed or not); trade-line reports;
reservations of headroom under the cross-platform caps; negative records and disputes. The
reads (the report itself, exposure) are in ``registry/selectors.py``.

Guarantees (proved in ``registry/tests``):

- A report needs the subject's valid consent for that member and purpose; without it the answer
  is ``CONSENT_REQUIRED`` and the refused inquiry is still logged.
- Reports of trade lines are idempotent by the member's event id and validated record by record:
  a bad record is rejected with its reason and the good ones are kept.
- Headroom is reserved under a lock on the subject's row, so two members can never both use the
  same headroom: exposure = balances of open trade lines + reservations held, across members.
- Crowdfunding's 12-month limits (a backer's, an issuer's) are reserved the same way, per
  pledge or campaign, and what was collected counts for 12 months.
- A negative record is reported only after the subject was notified, and expires after the
  rulebook's retention; a disputed record or trade line carries a flag until the member answers,
  and a dispute unanswered past the rulebook's deadline is escalated.
"""

from puhui.registry.services.limits import limit_hold, limit_resolve
from puhui.registry.services.members import (
    consent_record,
    consent_signature,
    member_register,
    member_secret,
    subject_find,
    subject_for,
)
from puhui.registry.services.records import (
    dispute_answer,
    dispute_open,
    disputes_escalate,
    negative_record_report,
)
from puhui.registry.services.reports import report_request, subject_dispute, subject_request
from puhui.registry.services.reservations import (
    reservation_convert,
    reservation_hold,
    reservation_release,
)
from puhui.registry.services.trade_lines import BatchResult, RecordRejected, trade_lines_report

__all__ = [
    "BatchResult", "RecordRejected", "consent_record", "consent_signature", "dispute_answer",
    "dispute_open", "disputes_escalate", "limit_hold", "limit_resolve", "member_register",
    "member_secret",
    "negative_record_report", "report_request", "reservation_convert", "reservation_hold",
    "reservation_release", "subject_dispute", "subject_find", "subject_for",
    "subject_request", "trade_lines_report",
]
