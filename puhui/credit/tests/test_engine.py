"""The engine lending calls: knock-outs with their rule ids, the shipped model's grade, PD, price
and limit, the registry's activation rules, and the pages that show a decision."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from puhui.core.errors import PuhuiError
from puhui.credit.models import CreditDecision, CreditFlag, CreditModel
from puhui.credit.selectors import model_monitoring
from puhui.credit.services import (
    flag_record,
    grade_for,
    knock_outs,
    limit_for,
    model_activate,
    model_register,
    price_for,
)
from puhui.lending.models import ApplicationStatus
from puhui.lending.services import application_facts, application_submit
from puhui.lending.tests.factories import admitted_enterprise, product_new
from puhui.parties.models import Enterprise, OperatorDuty, Role
from puhui.parties.tests.factories import user_new
from puhui.rulebook.schema import CreditGrade
from puhui.rulebook.selectors import rulebook_in_force

pytestmark = pytest.mark.django_db


def _apply(enterprise, amount="100000", product=None):
    return application_submit(
        user=enterprise.representative, enterprise=enterprise, product=product or product_new(),
        amount=Decimal(amount), term_months=12, method="equal-installment",
        purpose_category="inventory", purpose_description="tea for the season")


def _risk_officer():
    return user_new(Role.OPERATOR, duties=[OperatorDuty.RISK_OFFICER])


def test_the_shipped_model_grades_prices_and_limits_an_application():
    enterprise = admitted_enterprise(revenue_wan=Decimal("90"))
    application = _apply(enterprise)
    credit = application.credit
    active = CreditModel.objects.get(active=True)
    assert credit["model_version"] == active.version
    book = rulebook_in_force()
    grade = grade_for(Decimal(credit["pd"]), book.credit_policy.grades)
    assert credit["grade"] == grade.id
    # price: base rate + the grade's spread, here below the 24 % ceiling
    assert Decimal(credit["rate_annual"]) == book.credit_policy.base_rate_annual + grade.rate_spread
    # limit: revenue 900,000 × 0.5 × the grade's share, within the product's 1,000,000
    assert credit["limit_fen"] == int(900_000_00 * Decimal("0.5") * grade.limit_share)
    assert sum(r["points_lost"] for r in credit["reasons"]) > 0
    decision = CreditDecision.objects.get(subject=application.subject)
    assert (decision.grade, decision.model_version, decision.passed) == (
        grade.id, active.version, application.status == ApplicationStatus.SUBMITTED)


@pytest.mark.parametrize("kind", ["blacklisted", "fake_information", "fraud"])
def test_a_standing_flag_knocks_out_before_any_score(kind):
    enterprise = admitted_enterprise(revenue_wan=Decimal("90"))
    flag_record(enterprise=enterprise, kind=kind, evidence="court ruling 2026-17",
                operator=_risk_officer())
    application = _apply(enterprise)
    assert application.status == ApplicationStatus.REFUSED
    failed = [c["rule_id"] for c in application.checks if not c["passed"]]
    assert failed == [f"credit_policy.knock_out_flags.{kind}"]
    assert application.credit == {}  # no score once knocked out
    assert CreditDecision.objects.get(subject=application.subject).model_version == ""


def test_a_young_enterprise_and_an_amount_over_the_cap_are_knocked_out_by_rule_id():
    young = admitted_enterprise(revenue_wan=Decimal("90"),
                                founded_on=timezone.localdate() - timedelta(days=200))
    refused = _apply(young)
    assert [c["rule_id"] for c in refused.checks if not c["passed"]] == [
        "credit_policy.min_enterprise_age_months"]
    big = admitted_enterprise(revenue_wan=Decimal("2000"))
    product = product_new(amount_max_fen=1_000_000_00)
    _apply(big, amount="900000", product=product)
    over = _apply(big, amount="200000", product=product)  # 1.1 million on this platform
    assert "borrowing_caps.legal_person.per_platform" in [
        c["rule_id"] for c in over.checks if not c["passed"]]


def test_an_amount_over_the_limit_is_refused_with_the_limit_named():
    enterprise = admitted_enterprise(revenue_wan=Decimal("20"))  # limit ≤ 100,000
    application = _apply(enterprise, amount="150000")
    assert application.status == ApplicationStatus.REFUSED
    assert "credit_policy.max_amount_to_annual_revenue" in application.decision_reasons


def test_without_an_active_model_every_application_is_refused_never_passed():
    CreditModel.objects.update(active=False)
    application = _apply(admitted_enterprise(revenue_wan=Decimal("90")))
    assert application.status == ApplicationStatus.REFUSED
    assert "credit_policy.model_active" in application.decision_reasons


def test_knock_outs_read_the_rulebook_s_flags_only():
    enterprise = admitted_enterprise(revenue_wan=Decimal("90"))
    application = _apply(enterprise)
    ids = [c.rule_id for c in knock_outs(application=application_facts(application),
                                         rulebook=rulebook_in_force(),
                                         today=timezone.localdate())]
    assert ids[:3] == [f"credit_policy.knock_out_flags.{kind}"
                       for kind in rulebook_in_force().credit_policy.knock_out_flags]


def test_only_a_risk_officer_activates_and_a_model_needs_columns_puhui_has():
    shipped = CreditModel.objects.get(active=True)
    foreign = dict(shipped.artifact, version="foreign-1",
                   columns={"numerical": ["Zip"], "categorical": ["Bank"]})
    model = model_register(artifact=foreign, name="needs SBA columns")
    with pytest.raises(PuhuiError) as refused:
        model_activate(model=model, operator=_risk_officer(), decides="scorecard")
    assert refused.value.code == "MODEL_NEEDS_COLUMNS"
    with pytest.raises(PuhuiError):
        model_activate(model=shipped, operator=user_new(Role.OPERATOR, duties=[]),
                       decides="challenger")
    shipped.refresh_from_db()
    assert (shipped.active, shipped.decides) == (True, "scorecard")  # nothing changed
    model_activate(model=shipped, operator=_risk_officer(), decides="challenger")
    application = _apply(admitted_enterprise(revenue_wan=Decimal("90")))
    assert application.credit["model_kind"] == "challenger"
    assert all(r["log_odds"] > 0 for r in application.credit["reasons"])


def test_a_flag_needs_evidence_and_records_nothing_without_it():
    enterprise = admitted_enterprise(revenue_wan=Decimal("90"))
    with pytest.raises(PuhuiError) as refused:
        flag_record(enterprise=enterprise, kind="fraud", evidence="  ", operator=_risk_officer())
    assert refused.value.code == "FLAG_EVIDENCE_REQUIRED"
    assert not CreditFlag.objects.exists()


@settings(max_examples=200, deadline=None)
@given(base=st.decimals("0.001", "0.30", places=4),
       spread=st.decimals("0", "0.30", places=4),
       max_pd=st.decimals("0.0001", "1", places=4))
def test_the_price_is_never_above_the_ceiling(base, spread, max_pd):
    book = rulebook_in_force()
    policy = book.credit_policy.model_copy(update={"base_rate_annual": base})
    priced = book.model_copy(update={"credit_policy": policy})
    grade = CreditGrade(id="Q", max_pd=max_pd, rate_spread=spread, limit_share=Decimal(1),
                        approve=True)
    price = price_for(grade, priced)
    assert price <= book.pricing.annual_rate_ceiling
    assert price == min(base + spread, book.pricing.annual_rate_ceiling)


@settings(max_examples=300, deadline=None)
@given(revenue_wan=st.integers(1, 100_000), grade_index=st.integers(0, 4),
       here=st.integers(0, 1_200_000_00), across=st.integers(0, 6_000_000_00))
def test_the_limit_never_offers_more_than_a_cap_leaves(revenue_wan, grade_index, here, across):
    book = rulebook_in_force()
    caps = book.borrowing_caps.legal_person
    per_platform, all_platforms = caps.per_platform * 100, caps.all_platforms * 100
    limit = limit_for(enterprise=Enterprise(revenue_wan=Decimal(revenue_wan)),
                      grade=book.credit_policy.grades[grade_index], rulebook=book,
                      amount_max_fen=800_000_00, currency="CNY", outstanding=here,
                      taken_across_platforms=across)
    assert 0 <= limit.fen <= 800_000_00
    assert limit.fen <= revenue_wan * 10_000_00 // 2  # half the revenue at most (grade A)
    assert limit.fen == 0 or here + limit.fen <= per_platform
    assert limit.fen == 0 or across + limit.fen <= all_platforms


def test_the_borrower_sees_grade_pd_price_limit_and_reasons_in_english_and_chinese():
    enterprise = admitted_enterprise(revenue_wan=Decimal("90"))
    application = _apply(enterprise)
    client = Client()
    client.force_login(enterprise.representative)
    path = f"/loans/applications/{application.pk}/"
    english = client.get(path, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    for testid in ("credit-grade", "credit-pd", "credit-rate", "credit-limit", "credit-reasons"):
        assert f'data-testid="{testid}"' in english
    assert application.credit["reasons"][0]["label_en"] in english
    chinese = client.get(path, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert application.credit["reasons"][0]["label_zh"] in chinese
    assert "信用评估" in chinese


def test_the_monitoring_page_shows_drift_grades_and_approval_rates():
    _apply(admitted_enterprise(revenue_wan=Decimal("90")))
    _apply(admitted_enterprise(revenue_wan=Decimal("90")), amount="1000000")  # over the limit
    client = Client()
    client.force_login(user_new(Role.REGULATOR))
    page = client.get("/operator/credit/").content.decode()
    assert 'data-testid="psi"' in page
    assert "not judged yet: 2 of the 100 scored applications" in page  # cn-2016's minimum
    assert "retrain" not in page
    assert 'data-testid="grades"' in page
    assert "50.00 %" in page  # one of the two applications passed
    assert "data-testid=\"activate-" not in page  # a regulator sees, does not act


def test_drift_is_measured_once_the_sample_is_large_enough():
    for _ in range(3):
        _apply(admitted_enterprise(revenue_wan=Decimal("90")))
    model = CreditModel.objects.get(active=True)
    assert model_monitoring(model, outcomes=lambda subjects: {}, min_sample=4).psi is None
    measured = model_monitoring(model, outcomes=lambda subjects: {}, min_sample=3)
    assert measured.scored == 3
    assert measured.psi is not None
    assert measured.psi >= 0
    assert sum(measured.shares_recent) == pytest.approx(1)
