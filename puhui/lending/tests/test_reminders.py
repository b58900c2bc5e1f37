"""Reminders close of business queues reach the borrower: by e-mail in English and Chinese when
the representative has an address, always on the loan's page; a mail server that is down loses
nothing."""

import uuid
from datetime import timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.test import Client

from puhui.core.money import money_from_minor
from puhui.ledger.models import Account
from puhui.ledger.tests.factories import fund
from puhui.lending.cob import cob_run_for_date
from puhui.lending.models import Reminder
from puhui.lending.services import bid_place
from puhui.lending.services.reminders import reminders_send
from puhui.lending.services.repayments import repayment_make
from puhui.lending.tests.factories import investor_with_money, listing_new, product_new
from tests.processes import free_port

pytestmark = pytest.mark.django_db


def _loan(email: str):
    # 10,000.00 at 9 %, 12 equal installments; penalty 0.05 % a day on what is overdue
    listing = listing_new(amount="10000", product=product_new(
        penalty_rate_daily=Decimal("0.000500"), upfront_fee_rate=Decimal(0)))
    bid_place(investor=investor_with_money(20_000_00), listing=listing,
              amount=Decimal("10000"), bid_id=uuid.uuid4())
    listing.refresh_from_db()
    representative = listing.application.enterprise.representative
    representative.email = email
    representative.save(update_fields=["email"])
    return listing.loan


def _one_day_overdue(loan):
    first = loan.installments.get(number=1)
    cob_run_for_date(business_date=first.due_date + timedelta(days=1))
    return first


def test_an_overdue_reminder_is_e_mailed_in_english_and_chinese_once():
    loan = _loan("wang.fang@example.cn")
    first = _one_day_overdue(loan)
    sent = reminders_send()
    assert (sent.emailed, sent.on_the_platform_only, sent.failed) == (1, 0, "")
    [message] = mail.outbox
    assert message.to == ["wang.fang@example.cn"]
    assert message.subject == (f"Payment overdue: loan #{loan.pk}, installment 1 / "
                               f"逾期提醒：借款 #{loan.pk} 第 1 期")
    # owed: 799.51 principal + 75.00 interest + one day's penalty, 87,451 fen × 0.0005 → 44 fen
    assert "is 1 day past due. 874.95 CNY is owed, of which 0.44 CNY is penalty" in message.body
    assert "现已逾期 1 天。应还 874.95 CNY，其中罚息 0.44 CNY" in message.body
    assert f"{first.due_date:%Y-%m-%d}" in message.body
    reminder = Reminder.objects.get()
    assert reminder.emailed
    assert reminder.sent_at is not None
    assert reminders_send().emailed == 0  # sent once
    assert len(mail.outbox) == 1


def test_without_an_address_the_reminder_is_on_the_loan_s_page_only():
    loan = _loan("")
    first = _one_day_overdue(loan)
    assert reminders_send().on_the_platform_only == 1
    assert mail.outbox == []
    assert Reminder.objects.get().emailed is False
    borrower = Client()
    borrower.force_login(loan.listing.application.enterprise.representative)
    page = borrower.get(f"/loans/{loan.pk}/").content.decode()
    due = first.due_date
    assert (f'Installment 1, due <time datetime="{due:%Y-%m-%d}">{due.day} {due:%b %Y}</time>, '
            "is overdue.") in page
    page = borrower.get(f"/loans/{loan.pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert (f'第 1 期（<time datetime="{due:%Y-%m-%d}">{due:%Y-%m-%d}</time> 到期）已逾期。'
            in page)  # Chinese tables write the year first


def test_a_mail_server_that_is_down_loses_no_reminder(settings):
    loan = _loan("wang.fang@example.cn")
    _one_day_overdue(loan)
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()  # nothing listens
    settings.EMAIL_TIMEOUT = 5
    sent = reminders_send()
    assert sent.emailed == 0
    assert sent.failed
    assert Reminder.objects.get().sent_at is None  # still queued
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert reminders_send().emailed == 1


def test_a_reminder_for_an_installment_paid_meanwhile_is_dropped():
    loan = _loan("wang.fang@example.cn")
    first = _one_day_overdue(loan)
    first.refresh_from_db()  # with the day's penalty
    owed = sum(first.owed(part) for part in ("principal", "interest", "fee", "penalty"))
    fund(Account.objects.get(pk=loan.borrower_account_id), owed)
    repayment_make(user=loan.listing.application.enterprise.representative, loan=loan,
                   amount=money_from_minor(owed, "CNY"), repayment_id=uuid.uuid4())
    assert reminders_send().emailed == 0
    assert mail.outbox == []
    assert not Reminder.objects.exists()


def test_close_of_business_sends_what_it_queued():
    loan = _loan("wang.fang@example.cn")
    first = loan.installments.get(number=1)
    out = StringIO()
    call_command("cob", "--date", f"{first.due_date + timedelta(days=1):%Y-%m-%d}", stdout=out)
    assert ("lending.reminders: Reminders: 1 e-mailed, 0 on the loan's page only"
            in out.getvalue())
    reminders = [m for m in mail.outbox if m.to == ["wang.fang@example.cn"]
                 and not m.subject.startswith("puhui · ")]  # notices have their own mail
    assert len(reminders) == 1


def test_the_reminders_command_refuses_a_batch_below_one_and_sends_nothing():
    loan = _loan("wang.fang@example.cn")
    _one_day_overdue(loan)
    with pytest.raises(CommandError, match="--batch must be at least 1"):
        call_command("reminders", "--batch", "0")
    assert Reminder.objects.get().sent_at is None
    out = StringIO()
    call_command("reminders", stdout=out)
    assert out.getvalue() == "reminders: 1 e-mailed, 0 on the platform only (no e-mail address)\n"
