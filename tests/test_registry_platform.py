"""A platform's applications checked against the registry running as its own process: the
report and a reservation before approval, another platform's loan caught across platforms,
and a registry that cannot be reached never passing an application."""

import subprocess
import sys
import uuid
from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from puhui.core.business_day import business_date_today
from puhui.core.errors import PuhuiError
from puhui.core.money import money_from_minor
from puhui.credit.models import CreditDecision
from puhui.credit.services import credit_evaluate
from puhui.ledger.models import Account
from puhui.ledger.tests.factories import fund
from puhui.lending.cob import cob_run_for_date
from puhui.lending.models import ApplicationStatus, Listing, LoanApplication
from puhui.lending.services import (
    application_decide,
    application_mark_reviewed,
    application_submit,
    applications_recheck_waiting,
    bid_place,
    listing_open,
)
from puhui.lending.services.repayments import loan_quote, repayment_make
from puhui.lending.tests.factories import (
    admitted_enterprise,
    investor_with_money,
    listing_new,
    operators,
    product_new,
)
from puhui.notifications.models import Notice
from puhui.operations.close_of_business import close_of_business_run
from puhui.operations.registry_exchange import loans_report_monthly
from puhui.parties.models import Role
from puhui.parties.tests.factories import user_new
from puhui.registry.client import RegistryClient, outbox_send
from puhui.registry.following import DisputesFollowed, disputes_follow_up
from puhui.registry.models import FollowedDispute, OutboxMessage
from tests.processes import ROOT, free_port

pytestmark = pytest.mark.django_db


@pytest.fixture
def as_platform_a(registry, settings):
    settings.PUHUI_REGISTRY_URL = registry.url
    settings.PUHUI_REGISTRY_MEMBER = "platform-a"
    settings.PUHUI_REGISTRY_SECRET = registry.secrets["platform-a"]
    settings.PUHUI_REGISTRY_REPORT = "puhui.registry.client.report_for_application"
    settings.PUHUI_EXPOSURE_RESERVE = "puhui.registry.client.headroom_reserve"
    return registry


def _apply(enterprise, amount: str):
    return application_submit(
        user=enterprise.representative, enterprise=enterprise,
        product=product_new(amount_max_fen=1_000_000_00), amount=Decimal(amount),
        term_months=12, method="equal-installment", purpose_category="inventory",
        purpose_description="tea for the season")


def _funded_loan(enterprise):
    """A 1,000 CNY bullet loan over 3 months on platform A, fully lent by one investor."""
    listing = listing_new(enterprise=enterprise, amount="1000", term_months=3, method="bullet")
    bid_place(investor=investor_with_money(5_000_00), listing=listing, amount=Decimal("1000"),
              bid_id=uuid.uuid4())
    listing.refresh_from_db()
    return listing.loan


def _report_for_platform_b(registry, uscc: str, consent_id: str) -> dict:
    """The registry's report as platform B sees it, with the subject's consent."""
    platform_b = _platform_b(registry)
    subject = {"subject_kind": "enterprise", "subject_id": uscc}
    platform_b.consent_give(consent_id=consent_id, purpose="loan_application", days=30,
                            **subject)
    return platform_b.call("POST", "/reports", subject | {"purpose": "loan_application",
                                                          "consent_id": consent_id})


def _platform_b(registry) -> RegistryClient:
    return RegistryClient(registry.url, "platform-b", registry.secrets["platform-b"])


def _loan_on_platform_b(registry, uscc: str, amount: str, *, past_due: str = "0",
                        event_id: str = "b-1") -> None:
    late = Decimal(past_due) > 0
    answer = _platform_b(registry).call("POST", "/trade-lines", {"records": [{
        "event_id": event_id, "event": "opened" if event_id == "b-1" else "paid",
        "subject_kind": "enterprise", "subject_id": uscc,
        "account_number": "B-LOAN-1", "product_type": "loan", "opened_on": "2026-06-01",
        "amount": amount, "balance": amount, "scheduled_payment": "0", "past_due": past_due,
        "status": "open", "payment_history": "NNNNN1" if late else "NNNNNN",
        "first_delinquency_on": "2026-11-01" if late else None, "as_of": "2026-11-30"}]})
    assert answer["accepted"] == 1, answer


def test_the_second_platform_sees_the_first_platform_s_loan_and_the_operator_sees_it(
        as_platform_a):
    enterprise = admitted_enterprise(revenue_wan=Decimal("2000"))
    _loan_on_platform_b(as_platform_a, enterprise.uscc, "800000")
    application = _apply(enterprise, "100000")
    assert application.status == ApplicationStatus.SUBMITTED, application.decision_reasons
    assert application.registry_report["outstanding_total"] == "800000.00"
    assert [f["lender"] for f in application.registry_report["financings"]] == ["member A"]
    operator = Client()
    operator.force_login(user_new(Role.OPERATOR))
    page = operator.get(f"/loans/applications/{application.pk}/").content.decode()
    assert 'data-testid="registry-report"' in page
    assert "800,000.00 CNY" in page


def test_an_application_over_the_cap_across_platforms_is_knocked_out_before_any_score(
        as_platform_a):
    enterprise = admitted_enterprise(revenue_wan=Decimal("2000"))
    _loan_on_platform_b(as_platform_a, enterprise.uscc, "4600000")
    application = _apply(enterprise, "500000")
    assert application.status == ApplicationStatus.REFUSED
    failed = [c["rule_id"] for c in application.checks if not c["passed"]]
    assert failed == ["borrowing_caps.legal_person.all_platforms"]
    assert "400,000.00 CNY is left under the cap of 5,000,000.00 CNY" in (
        application.decision_reasons)
    assert application.credit == {}  # knocked out: no score
    report = _report_for_platform_b(as_platform_a, enterprise.uscc, "b-cap")
    assert report["reserved_total"] == "0.00"  # nothing was reserved for a refusal


def test_the_limit_is_the_headroom_left_across_platforms(as_platform_a):
    # revenue 20 million: the revenue bound is millions; the per-platform cap and the product
    # allow 1,000,000; platform B's 4,800,000 leaves 200,000 under the 5,000,000 cap
    enterprise = admitted_enterprise(revenue_wan=Decimal("2000"))
    _loan_on_platform_b(as_platform_a, enterprise.uscc, "4800000")
    application = _apply(enterprise, "150000")
    assert application.status == ApplicationStatus.SUBMITTED, application.decision_reasons
    assert application.credit["limit_fen"] == 200_000_00
    [limit] = [c for c in application.checks
               if c["rule_id"] == "credit_policy.max_amount_to_annual_revenue"]
    assert limit["detail"].endswith("limit of 200,000.00 CNY, set by the cap across platforms "
                                    "less what the shared registry reports outstanding and "
                                    "reserved")
    decision = CreditDecision.objects.get(subject=application.subject)
    assert decision.registry_report["outstanding_total"] == "4800000.00"


@pytest.mark.parametrize("kind", ["default", "fake_information", "fraud"])
def test_a_negative_record_at_another_member_knocks_out_before_any_score(as_platform_a, kind):
    enterprise = admitted_enterprise(revenue_wan=Decimal("2000"))
    _platform_b(as_platform_a).call("POST", "/negative-records", {
        "subject_kind": "enterprise", "subject_id": enterprise.uscc, "kind": kind,
        "detail": "court ruling 2026-17", "subject_notified_on": "2026-01-05"})
    application = _apply(enterprise, "100000")
    assert application.status == ApplicationStatus.REFUSED
    failed = [c["rule_id"] for c in application.checks if not c["passed"]]
    assert failed == [f"credit_policy.knock_out_negative_records.{kind}"]
    assert application.credit == {}
    assert CreditDecision.objects.get(subject=application.subject).model_version == ""


def test_an_amount_past_due_at_another_member_knocks_out(as_platform_a):
    enterprise = admitted_enterprise(revenue_wan=Decimal("2000"))
    _loan_on_platform_b(as_platform_a, enterprise.uscc, "300000", past_due="12500.00")
    application = _apply(enterprise, "100000")
    assert application.status == ApplicationStatus.REFUSED
    assert application.decision_reasons == (
        "credit_policy.knock_out_past_due: 12,500.00 CNY past due to member A since 2026-11-01")


MEANWHILE: list = []


def evaluate_then_meanwhile(**arguments):
    """The credit engine, then what another platform or the network does before the
    reservation (the steps in ``MEANWHILE``)."""
    outcome = credit_evaluate(**arguments)
    for step in MEANWHILE:
        step()
    return outcome


@pytest.fixture
def meanwhile(settings):
    settings.PUHUI_CREDIT_EVALUATOR = "tests.test_registry_platform.evaluate_then_meanwhile"
    MEANWHILE.clear()
    yield MEANWHILE
    MEANWHILE.clear()


def test_headroom_another_platform_reserves_after_the_report_is_not_lent_twice(
        as_platform_a, meanwhile):
    enterprise = admitted_enterprise(revenue_wan=Decimal("2000"))
    _loan_on_platform_b(as_platform_a, enterprise.uscc, "4600000")
    meanwhile.append(lambda: _platform_b(as_platform_a).call("POST", "/reservations", {
        "subject_kind": "enterprise", "subject_id": enterprise.uscc, "reference": "b-listing",
        "amount": "300000"}))
    application = _apply(enterprise, "200000")  # 400,000 left when the engine read the report
    assert application.status == ApplicationStatus.REFUSED
    failed = [c for c in application.checks if not c["passed"]]
    assert [c["rule_id"] for c in failed] == ["borrowing_caps.legal_person.all_platforms"]
    assert "100000.00 CNY is left" in failed[0]["detail"]  # the registry's own refusal
    assert application.credit["grade"]  # the engine had passed it


def test_an_unreachable_registry_makes_the_application_wait_then_it_goes_on(as_platform_a,
                                                                           settings):
    registry_url = settings.PUHUI_REGISTRY_URL
    settings.PUHUI_REGISTRY_URL = f"http://127.0.0.1:{free_port()}"  # nothing listens
    application = _apply(admitted_enterprise(revenue_wan=Decimal("2000")), "100000")
    assert application.status == ApplicationStatus.WAITING
    assert "could not be reached" in application.decision_reasons
    assert application.credit == {}  # the engine waits for the report it reads
    maker, _checker = operators()
    with pytest.raises(PuhuiError):  # nothing is reviewed, let alone approved, without it
        application_mark_reviewed(application=application, reviewer=maker, note="ok")
    assert applications_recheck_waiting() == {"submitted": 0, "refused": 0, "waiting": 1}
    settings.PUHUI_REGISTRY_URL = registry_url
    assert applications_recheck_waiting() == {"submitted": 1, "refused": 0, "waiting": 0}
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED
    assert application.registry_report["reserved_total"] == "0.00"
    assert application.credit["grade"]


def test_a_reservation_lost_on_the_way_waits_and_the_recheck_decides_again(
        as_platform_a, settings, meanwhile):
    settings.PUHUI_EXPOSURE_EVENTS = "puhui.registry.client.registry_event"
    registry_url = settings.PUHUI_REGISTRY_URL
    dead = f"http://127.0.0.1:{free_port()}"
    meanwhile.append(lambda: setattr(settings, "PUHUI_REGISTRY_URL", dead))
    enterprise = admitted_enterprise(revenue_wan=Decimal("2000"))
    application = _apply(enterprise, "100000")
    assert application.status == ApplicationStatus.WAITING
    assert application.credit["grade"]  # decided on the report; only the reservation waits
    meanwhile.clear()
    settings.PUHUI_REGISTRY_URL = registry_url
    _loan_on_platform_b(as_platform_a, enterprise.uscc, "4950000")  # taken in the meantime
    assert applications_recheck_waiting() == {"submitted": 0, "refused": 1, "waiting": 0}
    application.refresh_from_db()
    assert "50,000.00 CNY is left" in application.decision_reasons
    decisions = CreditDecision.objects.filter(subject=application.subject).order_by("pk")
    assert [d.passed for d in decisions] == [True, False]  # a decision per evaluation
    # whatever the lost answer held is released
    assert OutboxMessage.objects.filter(
        path=f"/reservations/{application.subject}/release").exists()


def test_a_funded_loan_becomes_a_trade_line_and_a_rejected_application_frees_its_headroom(
        as_platform_a, settings):
    settings.PUHUI_EXPOSURE_EVENTS = "puhui.registry.client.registry_event"
    enterprise = admitted_enterprise(revenue_wan=Decimal("2000"))
    listing = listing_new(enterprise=enterprise, amount="1000")
    lender = investor_with_money(5_000_00)
    bid_place(investor=lender, listing=listing, amount=Decimal("1000"), bid_id=uuid.uuid4())
    rejected = _apply(enterprise, "200000")
    maker, checker = operators()
    application_mark_reviewed(application=rejected, reviewer=maker, note="ok")
    application_decide(application=rejected, approver=checker, approve=False,
                       reasons="purpose not credible")
    assert outbox_send() == 2  # the loan's conversion, the rejection's release
    assert not OutboxMessage.objects.filter(sent_at__isnull=True).exists()

    report = _report_for_platform_b(as_platform_a, enterprise.uscc, "b-1")
    assert report["outstanding_total"] == "1000.00"  # the loan, as a trade line
    assert report["reserved_total"] == "0.00"  # converted and released: nothing held
    assert [f["lender"] for f in report["financings"]] == ["member A"]


def test_while_the_registry_is_down_messages_wait_and_go_later(as_platform_a, settings):
    settings.PUHUI_EXPOSURE_EVENTS = "puhui.registry.client.registry_event"
    enterprise = admitted_enterprise(revenue_wan=Decimal("2000"))
    application = _apply(enterprise, "100000")
    maker, checker = operators()
    application_mark_reviewed(application=application, reviewer=maker, note="ok")
    registry_url = settings.PUHUI_REGISTRY_URL
    settings.PUHUI_REGISTRY_URL = f"http://127.0.0.1:{free_port()}"
    application_decide(application=application, approver=checker, approve=False,
                       reasons="not now")
    assert outbox_send() == 0
    waiting = OutboxMessage.objects.get()
    assert (waiting.attempts, waiting.sent_at) == (1, None)
    settings.PUHUI_REGISTRY_URL = registry_url
    assert outbox_send() == 1


def test_repayments_and_the_monthly_batch_keep_the_trade_line_current(as_platform_a,
                                                                        settings):
    settings.PUHUI_EXPOSURE_EVENTS = "puhui.registry.client.registry_event"
    enterprise = admitted_enterprise(revenue_wan=Decimal("2000"))
    loan = _funded_loan(enterprise)
    # the conversion (sent as it was made), then the monthly batch
    assert loans_report_monthly(as_of=loan.value_date) == (1, 2)
    payoff = loan_quote(loan, loan.value_date).payoff_fen
    fund(Account.objects.get(pk=loan.borrower_account_id), payoff)
    repayment_make(user=enterprise.representative, loan=loan, prepay=True,
                   amount=money_from_minor(payoff, "CNY"), repayment_id=uuid.uuid4())
    assert outbox_send() == 1
    report = _report_for_platform_b(as_platform_a, enterprise.uscc, "b-2")
    [line] = report["financings"]
    assert (line["status"], line["balance"]) == ("closed", "0.00")
    assert line["payment_history"] == "*" * 23 + "C"  # the same month: settled
    assert report["outstanding_total"] == "0.00"


def test_the_borrower_sees_their_report_who_looked_and_disputes_a_record(as_platform_a):
    enterprise = admitted_enterprise(revenue_wan=Decimal("2000"))
    _loan_on_platform_b(as_platform_a, enterprise.uscc, "800000")
    _apply(enterprise, "100000")  # platform A looks, with the borrower's consent
    borrower = Client()
    borrower.force_login(enterprise.representative)
    page = borrower.get("/borrower/credit-report/").content.decode()
    assert 'data-testid="registry-report"' in page
    assert "800,000.00" in page
    assert "Platform-A" in page  # who looked: the subject sees the member's name
    line_id = next(part for part in page.split('value="line:')[1:]).split('"')[0]
    borrower.post("/borrower/credit-report/", {"record": f"line:{line_id}",
                                               "statement": "this loan was repaid in May"})
    page = borrower.get("/borrower/credit-report/").content.decode()
    assert "this loan was repaid in May" in page
    assert "⚑" in page  # the trade line now carries the dispute flag
    report = _report_for_platform_b(as_platform_a, enterprise.uscc, "b-3")
    assert report["financings"][0]["disputed"] is True
    assert report["disputes_open"] == 1


def _dispute_filed(registry, enterprise) -> tuple[Client, FollowedDispute]:
    """The borrower disputes platform B's trade line from their credit report on platform A."""
    _loan_on_platform_b(registry, enterprise.uscc, "800000")
    borrower = Client()
    borrower.force_login(enterprise.representative)
    page = borrower.get("/borrower/credit-report/").content.decode()
    line_id = next(part for part in page.split('value="line:')[1:]).split('"')[0]
    borrower.post("/borrower/credit-report/", {"record": f"line:{line_id}",
                                               "statement": "this loan was repaid in May"})
    followed = FollowedDispute.objects.latest("pk")
    return borrower, followed


def test_the_borrower_is_told_once_when_the_lender_answers_a_dispute(as_platform_a):
    enterprise = admitted_enterprise(revenue_wan=Decimal("2000"))
    borrower, followed = _dispute_filed(as_platform_a, enterprise)
    assert disputes_follow_up() == DisputesFollowed(0, 0)  # nobody has answered yet
    # only the member opened through learns how a dispute stands
    assert _platform_b(as_platform_a).call("POST", "/subject/disputes/status", {
        "ids": [followed.dispute_id]}) == {"disputes": []}
    _platform_b(as_platform_a).call("POST", f"/disputes/{followed.dispute_id}/answer", {
        "upheld": False, "answer": "our mistake: repaid on 12 May"})
    outcome = close_of_business_run(business_date=business_date_today())
    [step] = [s for s in outcome.steps if s.name == "registry.disputes_followed"]
    assert step.result == DisputesFollowed(1, 0)
    notice = Notice.objects.get(user=enterprise.representative, kind__startswith="registry.d")
    assert notice.kind == "registry.dispute_withdrawn"
    inbox = borrower.get("/notifications/").content.decode()
    assert "our mistake: repaid on 12 May" in inbox
    assert "The record is withdrawn from your credit report." in inbox
    assert disputes_follow_up() == DisputesFollowed(0, 0)  # told once
    assert Notice.objects.filter(user=enterprise.representative,
                                 kind__startswith="registry.d").count() == 1


def test_the_borrower_is_told_when_a_dispute_goes_unanswered_past_its_deadline(
        as_platform_a, monkeypatch):
    from puhui.registry import following

    monkeypatch.setattr(following, "FOLLOWED_AT_ONCE", 1)  # one dispute per request
    enterprise = admitted_enterprise(revenue_wan=Decimal("2000"))
    # asked first, and unknown to the registry as opened through platform A: answered nothing
    FollowedDispute.objects.create(dispute_id=999_999, user=enterprise.representative,
                                   subject_id=enterprise.uscc,
                                   answer_due_on=business_date_today())
    _borrower, followed = _dispute_filed(as_platform_a, enterprise)
    late = followed.answer_due_on + timedelta(days=1)
    subprocess.run([sys.executable, "-m", "puhui.cli", "registry", "disputes", "escalate",
                    "--date", late.isoformat()], env=as_platform_a.env, cwd=ROOT, check=True,
                   capture_output=True)
    assert disputes_follow_up() == DisputesFollowed(0, 1)
    assert disputes_follow_up() == DisputesFollowed(0, 0)  # told once
    escalated = Notice.objects.get(user=enterprise.representative, kind__startswith="registry.d")
    assert escalated.kind == "registry.dispute_escalated"
    assert escalated.facts["due"] == followed.answer_due_on.isoformat()


def test_without_a_registry_the_page_says_so():
    enterprise = admitted_enterprise(revenue_wan=Decimal("2000"))
    borrower = Client()
    borrower.force_login(enterprise.representative)
    page = borrower.get("/borrower/credit-report/").content.decode()
    assert 'data-testid="registry-none"' in page


def test_close_of_business_tells_the_registry_when_a_loan_goes_overdue(as_platform_a,
                                                                      settings):
    settings.PUHUI_EXPOSURE_EVENTS = "puhui.registry.client.registry_event"
    enterprise = admitted_enterprise(revenue_wan=Decimal("2000"))
    loan = _funded_loan(enterprise)
    due = loan.installments.get().due_date
    cob_run_for_date(business_date=due + timedelta(days=5))
    assert outbox_send() == 2  # the conversion, then the change of status
    report = _report_for_platform_b(as_platform_a, enterprise.uscc, "b-4")
    [line] = report["financings"]
    assert line["payment_history"].endswith("1")  # 1–30 days past due this month
    assert line["first_delinquency_on"] == due.isoformat()
    assert Decimal(line["past_due"]) > 1000  # principal, interest and the penalty so far


def _reviewed(enterprise, amount: str = "100000"):
    application = _apply(enterprise, amount)
    assert application.status == ApplicationStatus.SUBMITTED, application.decision_reasons
    maker, checker = operators()
    application_mark_reviewed(application=application, reviewer=maker, note="licence matches")
    return application, checker


def test_an_approval_asks_the_registry_again_and_a_loan_late_elsewhere_refuses_it(
        as_platform_a, settings):
    settings.PUHUI_EXPOSURE_EVENTS = "puhui.registry.client.registry_event"
    enterprise = admitted_enterprise(revenue_wan=Decimal("2000"))
    _loan_on_platform_b(as_platform_a, enterprise.uscc, "300000")  # current when applying
    application, checker = _reviewed(enterprise)
    # meanwhile platform B's loan falls 18 days past due
    _loan_on_platform_b(as_platform_a, enterprise.uscc, "300000", past_due="9000",
                        event_id="b-2")
    with pytest.raises(PuhuiError) as caught:
        application_decide(application=application, approver=checker, approve=True,
                           reasons="")
    assert caught.value.code == "REFUSED_ON_FRESH_REPORT"
    assert "9,000.00 CNY past due" in str(caught.value)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.REFUSED
    assert application.approver is None
    late = [c for c in application.checks if c["rule_id"] == "credit_policy.knock_out_past_due"]
    assert late[0]["passed"] is False
    assert application.registry_report["financings"][0]["past_due"] == "9000.00"
    outbox_send()  # the reservation is released at the registry
    report = _report_for_platform_b(as_platform_a, enterprise.uscc, "b-after")
    assert report["reserved_total"] == "0.00"


def test_publishing_asks_the_registry_again_too(as_platform_a):
    enterprise = admitted_enterprise(revenue_wan=Decimal("2000"))
    application, checker = _reviewed(enterprise)
    application = application_decide(application=application, approver=checker, approve=True,
                                      reasons="")
    assert application.status == ApplicationStatus.APPROVED
    _loan_on_platform_b(as_platform_a, enterprise.uscc, "50000", past_due="1000")
    with pytest.raises(PuhuiError) as caught:
        listing_open(application=application, operator=checker)
    assert caught.value.code == "REFUSED_ON_FRESH_REPORT"
    assert not Listing.objects.filter(application=application).exists()
    application.refresh_from_db()
    assert application.status == ApplicationStatus.REFUSED


def test_an_approval_passes_on_a_fresh_report_and_keeps_the_price_the_reviewer_saw(
        as_platform_a):
    enterprise = admitted_enterprise(revenue_wan=Decimal("2000"))
    application, checker = _reviewed(enterprise)
    first_asked, credit = application.registry_report_at, application.credit
    application = application_decide(application=application, approver=checker, approve=True,
                                      reasons="")
    assert application.status == ApplicationStatus.APPROVED
    assert application.registry_report_at > first_asked
    assert application.credit == credit
    # asked again, the application's own reservation does not count against it
    assert application.registry_report["reserved_total"] == "100000.00"
    assert all(c["passed"] for c in application.checks)


def test_without_the_registry_a_young_report_approves_and_an_old_one_does_not(
        as_platform_a, settings):
    young, checker = _reviewed(admitted_enterprise(revenue_wan=Decimal("2000")))
    old, old_checker = _reviewed(admitted_enterprise(revenue_wan=Decimal("2000")))
    LoanApplication.objects.filter(pk=old.pk).update(
        registry_report_at=timezone.now() - timedelta(hours=25))  # cn-2016 allows 24
    settings.PUHUI_REGISTRY_URL = f"http://127.0.0.1:{free_port()}"  # nothing listens
    approved = application_decide(application=young, approver=checker, approve=True,
                                  reasons="")
    assert approved.status == ApplicationStatus.APPROVED
    with pytest.raises(PuhuiError) as caught:
        application_decide(application=old, approver=old_checker, approve=True, reasons="")
    assert caught.value.code == "REGISTRY_REPORT_STALE"
    assert "24 hours" in str(caught.value)
    old.refresh_from_db()
    assert (old.status, old.approver) == (ApplicationStatus.REVIEWED, None)


def test_the_operator_sees_when_the_report_was_taken_and_asks_again(as_platform_a):
    application, _checker = _reviewed(admitted_enterprise(revenue_wan=Decimal("2000")))
    first_asked = application.registry_report_at
    operator = Client()
    operator.force_login(user_new(Role.OPERATOR))
    path = f"/loans/applications/{application.pk}/"
    page = operator.get(path).content.decode()
    assert 'data-testid="registry-report-at"' in page
    asked = timezone.localtime(first_asked)  # shown in the platform's zone, as 3 Dec 2026, 23:36
    assert f"{asked.day} {asked:%b %Y, %H:%M}</time>" in page
    assert "licence matches" in page  # the reviewer's note, for the approver
    refreshed = operator.post(path + "registry-refresh/", follow=True)
    assert "fresh as of" in refreshed.content.decode()
    application.refresh_from_db()
    assert application.registry_report_at > first_asked
