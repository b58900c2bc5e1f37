"""Notices: each event once, from the transaction of the change, in the reader's language; in
the inbox (with the unread count in the top bar) and by e-mail, as each user chose."""

import smtplib
import uuid
from decimal import Decimal

import pytest
from django.core import mail
from django.test import Client

from puhui.lending.services import bid_place, listing_close
from puhui.lending.tests.factories import investor_with_money, listing_new
from puhui.notifications.models import Notice
from puhui.notifications.services import notice_preferences_set, notices_mail_due
from puhui.operations.close_of_business import close_of_business_run

pytestmark = pytest.mark.django_db


def _funded(django_capture_on_commit_callbacks):
    listing = listing_new(amount="1000", term_months=3, method="bullet")
    first, second = investor_with_money(5_000_00), investor_with_money(5_000_00)
    with django_capture_on_commit_callbacks(execute=True):
        bid_place(investor=first, listing=listing, amount=Decimal("400"), bid_id=uuid.uuid4())
        bid_place(investor=second, listing=listing, amount=Decimal("600"), bid_id=uuid.uuid4())
    listing.refresh_from_db()
    return listing, first, second


def test_a_funded_listing_tells_the_borrower_and_each_investor_once(
        django_capture_on_commit_callbacks):
    listing, first, second = _funded(django_capture_on_commit_callbacks)
    borrower = listing.application.enterprise.representative
    funded = Notice.objects.get(user=borrower, kind="lending.listing_funded")
    assert funded.facts == {"listing": listing.pk, "amount": "1,000.00 CNY", "investors": 2}
    assert funded.link == f"/loans/{listing.loan.pk}/"
    accepted = Notice.objects.filter(kind="lending.bid_accepted").order_by("facts__amount")
    assert [(n.user, n.facts["amount"]) for n in accepted] == [
        (first, "400.00 CNY"), (second, "600.00 CNY")]
    before = Notice.objects.count()
    listing_close(listing=listing)  # closing again tells nobody again
    assert Notice.objects.count() == before
    subjects = sorted(message.subject for message in mail.outbox)
    assert f"puhui · Listing #{listing.pk} is funded" in subjects
    assert sum("is lent" in subject for subject in subjects) == 2


def test_a_user_who_turned_a_kind_off_is_not_told(django_capture_on_commit_callbacks):
    listing = listing_new(amount="1000", term_months=3, method="bullet")
    investor = investor_with_money(5_000_00)
    notice_preferences_set(user=investor, chosen={"lending.bid_accepted": (False, False)})
    with django_capture_on_commit_callbacks(execute=True):
        bid_place(investor=investor, listing=listing, amount=Decimal("1000"),
                  bid_id=uuid.uuid4())
    assert not Notice.objects.filter(user=investor, kind="lending.bid_accepted").exists()
    assert Notice.objects.filter(kind="lending.listing_funded").count() == 1


def test_the_inbox_shows_the_unread_count_and_opening_a_notice_reads_it(
        django_capture_on_commit_callbacks):
    listing, first, second = _funded(django_capture_on_commit_callbacks)
    client = Client()
    client.force_login(first)
    home = client.get("/investor/").content.decode()
    assert 'data-testid="unread">2<' in home  # admitted to lend, and the bid lent
    inbox = client.get("/notifications/").content.decode()
    assert f"Your bid on listing #{listing.pk} is lent" in inbox
    assert "400.00 CNY is now your note in loan" in inbox
    notice = Notice.objects.get(user=first, kind="lending.bid_accepted")
    opened = client.get(f"/notifications/{notice.pk}/")
    assert opened["Location"] == f"/loans/{listing.loan.pk}/"
    assert 'data-testid="unread">1<' in client.get("/investor/").content.decode()
    stranger = Client()
    stranger.force_login(second)
    assert stranger.get(f"/notifications/{notice.pk}/").status_code == 404
    client.post("/notifications/read/")
    assert 'data-testid="unread"' not in client.get("/investor/").content.decode()
    chinese = client.get("/notifications/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert f"您对标的 #{listing.pk} 的投标已成交" in chinese


def test_e_mail_goes_in_the_user_s_language_and_a_failed_server_retries_at_close_of_business(
        django_capture_on_commit_callbacks, settings, monkeypatch):
    listing = listing_new(amount="1000", term_months=3, method="bullet")
    investor = investor_with_money(5_000_00)
    type(investor).objects.filter(pk=investor.pk).update(language="zh-hans")

    def refuse(self, messages):
        raise smtplib.SMTPServerDisconnected("the mail server went away")

    monkeypatch.setattr("django.core.mail.backends.locmem.EmailBackend.send_messages", refuse)
    with django_capture_on_commit_callbacks(execute=True):
        bid_place(investor=investor, listing=listing, amount=Decimal("1000"),
                  bid_id=uuid.uuid4())
    due = Notice.objects.get(user=investor, kind="lending.bid_accepted")
    assert due.email_due  # still due: the first one sent failed, the run stopped there
    assert Notice.objects.filter(email_error="the mail server went away").count() == 1
    monkeypatch.undo()
    close_of_business_run(business_date=listing.loan.value_date)
    due.refresh_from_db()
    assert (due.email_due, due.email_error) == (False, "")
    subjects = [m.subject for m in mail.outbox if m.to == [investor.email]]
    assert f"puhui · 您对标的 #{listing.pk} 的投标已成交" in subjects
    assert "puhui · 您的身份与风险测评已通过" in subjects  # waited since admittance
    assert notices_mail_due() == (0, "")  # nothing is sent twice
