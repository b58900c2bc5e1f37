"""Negative records on a moving clock: notice first, retention from the rulebook, disputes that
flag a record until answered, escalation past the deadline, withdrawal when not upheld."""

from datetime import date

import pytest

from puhui.core.errors import PuhuiError
from puhui.registry.models import Dispute, Member, NegativeRecord
from puhui.registry.ports import RegistryReport
from puhui.registry.selectors import report_build
from puhui.registry.services import (
    dispute_answer,
    dispute_open,
    disputes_escalate,
    member_register,
    negative_record_report,
    subject_for,
)
from puhui.rulebook.selectors import rulebook_in_force

pytestmark = pytest.mark.django_db
USCC = "91330100MA2H12345X"


def _record(member, *, on: date, notified: date | None = date(2026, 1, 5)):
    return negative_record_report(member=member, subject_kind="enterprise", subject_id=USCC,
                                  kind="default", detail="90 days past due on loan L-1",
                                  subject_notified_on=notified, today=on)


def _report(member, today: date) -> RegistryReport:
    return report_build(subject=subject_for("enterprise", USCC), member=member, today=today,
                        rulebook=rulebook_in_force())


def test_a_negative_record_needs_notice_first_and_ages_out_after_five_years():
    member, _secret = member_register(code="platform-a", name="A", kind="platform")
    with pytest.raises(PuhuiError) as refused:
        _record(member, on=date(2026, 1, 10), notified=None)
    assert refused.value.code == "SUBJECT_NOT_NOTIFIED"
    with pytest.raises(PuhuiError):
        _record(member, on=date(2026, 1, 10), notified=date(2026, 2, 1))  # told afterwards
    assert not NegativeRecord.objects.exists()
    record = _record(member, on=date(2026, 1, 10))
    assert record.expires_on == date(2031, 1, 10)  # cn-2016: 5 years
    assert len(_report(member, date(2031, 1, 9)).negative_records) == 1
    assert _report(member, date(2031, 1, 10)).negative_records == []


def test_a_leap_day_record_expires_on_the_28th():
    member, _secret = member_register(code="platform-a", name="A", kind="platform")
    assert _record(member, on=date(2028, 2, 29)).expires_on == date(2033, 2, 28)


def test_a_dispute_flags_the_record_until_answered_and_is_escalated_when_late():
    member, _secret = member_register(code="platform-a", name="A", kind="platform")
    record = _record(member, on=date(2026, 1, 10))
    subject = subject_for("enterprise", USCC)
    dispute = dispute_open(subject=subject, negative_record=record,
                           statement="paid on time; the bank's transfer was late",
                           today=date(2026, 3, 1))
    assert dispute.answer_due_on == date(2026, 3, 21)  # cn-2016: 20 days
    assert _report(member, date(2026, 3, 2)).negative_records[0].disputed is True
    assert disputes_escalate(today=date(2026, 3, 21)) == 0  # due today, not late yet
    assert disputes_escalate(today=date(2026, 3, 22)) == 1
    assert disputes_escalate(today=date(2026, 3, 23)) == 0  # escalated once
    dispute.refresh_from_db()
    assert dispute.escalated_on == date(2026, 3, 22)
    dispute_answer(member=member, dispute_id=dispute.pk, upheld=False,
                   answer="checked: the payment arrived in time", today=date(2026, 3, 25))
    assert _report(member, date(2026, 3, 26)).negative_records == []  # withdrawn
    with pytest.raises(PuhuiError) as again:
        dispute_answer(member=member, dispute_id=dispute.pk, upheld=True, answer="no",
                       today=date(2026, 3, 26))
    assert again.value.code == "DISPUTE_ANSWERED"


def test_only_the_reporting_member_answers_and_a_dispute_must_name_the_subject_s_record():
    member, _secret = member_register(code="platform-a", name="A", kind="platform")
    other, _secret = member_register(code="platform-b", name="B", kind="platform")
    record = _record(member, on=date(2026, 1, 10))
    dispute = dispute_open(subject=subject_for("enterprise", USCC), negative_record=record,
                           statement="not mine", today=date(2026, 3, 1))
    with pytest.raises(PuhuiError) as refused:
        dispute_answer(member=other, dispute_id=dispute.pk, upheld=True, answer="it is")
    assert refused.value.code == "DISPUTE_NOT_FOUND"
    stranger = subject_for("enterprise", "91110000600037341L")
    with pytest.raises(PuhuiError) as wrong:
        dispute_open(subject=stranger, negative_record=record, statement="not mine")
    assert wrong.value.code == "DISPUTE_TARGET_INVALID"
    assert Dispute.objects.count() == 1
    dispute.refresh_from_db()
    assert dispute.answered_on is None


def test_the_payment_history_window_moves_by_months_and_keeps_24_codes():
    from puhui.registry.services.trade_lines import _history_window

    assert _history_window(None, "N", date(2026, 3, 31)) == "*" * 23 + "N"
    window = ("*" * 23 + "N", date(2026, 3, 31))
    assert _history_window(window, "1", date(2026, 3, 31)) == "*" * 23 + "1"  # same month
    assert _history_window(window, "1", date(2026, 4, 30)) == "*" * 22 + "N1"
    assert _history_window(window, "2", date(2026, 6, 30)) == "*" * 20 + "N##2"  # May, April
    assert _history_window(window, "C", date(2025, 12, 31)) == window[0]  # older: unchanged
    full = "NNNNNNNNNNNN123456CNNNNN"
    assert _history_window(window, full, date(2026, 3, 31)) == full
    long_gap = _history_window(window, "N", date(2028, 12, 31))
    assert len(long_gap) == 24
    assert long_gap.endswith("#N")


def test_the_registry_admin_adds_a_member_sees_the_secret_once_and_escalates_late_disputes():
    from django.test import Client

    from puhui.parties.models import OperatorDuty, Role
    from puhui.parties.tests.factories import user_new

    admin = Client()
    admin.force_login(user_new(Role.OPERATOR, duties=[OperatorDuty.ADMIN]))
    page = admin.post("/registry/members/", {"code": "bank-c", "name": "Bank C",
                                             "kind": "bank"}).content.decode()
    assert 'data-testid="member-secret"' in page
    assert "bank-c" in admin.get("/registry/members/").content.decode()
    assert 'data-testid="member-secret"' not in admin.get("/registry/members/").content.decode()
    member = Member.objects.get(code="bank-c")
    record = _record(member, on=date(2026, 1, 10))
    dispute_open(subject=subject_for("enterprise", USCC), negative_record=record,
                 statement="not mine", today=date(2026, 1, 11))
    page = admin.post("/registry/disputes/").content.decode()
    assert "1 dispute escalated." in page
    assert "not mine" in page
    reviewer = Client()
    reviewer.force_login(user_new(Role.OPERATOR, duties=[OperatorDuty.REVIEWER]))
    assert reviewer.get("/registry/disputes/").status_code == 403  # the admin duty only
