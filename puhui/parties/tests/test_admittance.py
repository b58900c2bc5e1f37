"""KYB, KYC and the maker-checker review, through the services (given / when / then)."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from puhui.audit.models import AuditEvent
from puhui.core.errors import PuhuiError
from puhui.parties.models import AdmittanceReview, Enterprise, InvestorProfile, ReviewStatus, Role
from puhui.parties.services import review_decide, review_mark_reviewed
from puhui.parties.tests.factories import (
    enterprise_fields,
    enterprise_new,
    investor_fields,
    investor_new,
    resident_id_new,
    user_new,
)
from puhui.rulebook.models import RuleEvaluation

pytestmark = pytest.mark.django_db


def test_an_enterprise_is_classified_on_submission_and_the_evaluation_recorded():
    enterprise = enterprise_new(industry="retail", employees=8, revenue_wan=Decimal("90"))

    assert enterprise.size_class == "micro"
    assert enterprise.status == ReviewStatus.SUBMITTED
    assert enterprise.size_classification["reasons_en"]
    evaluation = RuleEvaluation.objects.get(subject=enterprise.subject)
    assert (evaluation.rule_id, evaluation.rulebook_id, evaluation.rulebook_version) == (
        "size_classes.industries.retail", "cn-2016", "2016.1")
    assert evaluation.outcome == {"size_class": "micro", "admitted": True}
    assert enterprise.review.status == ReviewStatus.SUBMITTED


def test_a_medium_enterprise_is_refused_by_rule_with_the_reason():
    enterprise = enterprise_new(industry="retail", employees=60, revenue_wan=Decimal("600"))
    enterprise.refresh_from_db()
    assert enterprise.size_class == "medium"
    assert enterprise.status == ReviewStatus.REJECTED
    assert "not admitted" in enterprise.review.decision_reasons
    assert "size_classes.admitted" in enterprise.review.decision_reasons


@pytest.mark.parametrize(
    ("overrides", "code"),
    [
        ({"uscc_code": "91110000600037341M"}, "INVALID_USCC"),
        ({"legal_rep_id": "110105194912310021"}, "INVALID_RESIDENT_ID"),
        ({"phone": "12345"}, "INVALID_PHONE"),
        ({"bank_account": "12"}, "INVALID_BANK_ACCOUNT"),
        ({"industry": "mining"}, "UNKNOWN_INDUSTRY"),
        ({"employees": -1}, "INVALID_FIGURE"),
        ({"founded_on": date.today() + timedelta(days=2)}, "FOUNDED_IN_FUTURE"),
    ],
)
def test_bad_kyb_is_refused_and_nothing_is_saved(overrides, code):
    borrower = user_new(Role.BORROWER)
    counts = Enterprise.objects.count(), AuditEvent.objects.count(), RuleEvaluation.objects.count()
    with pytest.raises(PuhuiError) as caught:
        enterprise_new(borrower, **overrides)
    assert caught.value.code == code
    assert (Enterprise.objects.count(), AuditEvent.objects.count(),
            RuleEvaluation.objects.count()) == counts


def test_the_same_uscc_cannot_register_twice_and_only_borrowers_register_enterprises():
    fields = enterprise_fields()
    enterprise_new(**fields)
    with pytest.raises(PuhuiError) as caught:
        enterprise_new(**fields)
    assert caught.value.code == "ENTERPRISE_ALREADY_REGISTERED"
    with pytest.raises(PuhuiError) as wrong:
        enterprise_new(user_new(Role.INVESTOR))
    assert wrong.value.code == "WRONG_ROLE"


def test_investor_kyc_scores_suitability_from_the_rulebook():
    # horizon 1y-3y (16) + hold (16) + funds (8) + 5-20 % (16) = 56 → balanced (40–59), R3
    profile = investor_new()
    assert profile.suitability_score == 56
    assert profile.suitability_level == "balanced"
    assert profile.max_product_risk == 3
    assert profile.birth_date == date(1985, 6, 15)
    assert RuleEvaluation.objects.filter(rule_id="suitability.levels",
                                         subject=profile.subject).exists()


def test_an_investor_under_the_minimum_age_is_refused():
    today = timezone.localdate()
    seventeen = date(today.year - 17, 1, 1)
    before = InvestorProfile.objects.count()
    with pytest.raises(PuhuiError) as caught:
        investor_new(resident_id=resident_id_new(born=seventeen))
    assert caught.value.code == "UNDERAGE"
    assert "investors.minimum_age_years" in str(caught.value)
    assert InvestorProfile.objects.count() == before


def test_questionnaire_must_be_complete_and_identity_unique():
    with pytest.raises(PuhuiError) as caught:
        investor_new(answers={"horizon": "gt-3y"})
    assert caught.value.code == "QUESTIONNAIRE_INCOMPLETE"
    fields = investor_fields()
    investor_new(**fields)
    with pytest.raises(PuhuiError) as duplicate:
        investor_new(**fields | {"bank_card": fields["bank_card"]})
    assert duplicate.value.code == "INVESTOR_ALREADY_REGISTERED"


def test_an_institution_registers_with_its_uscc():
    profile = investor_new(kind="institution", resident_id="", uscc_code="91110000600037341L",
                           full_name="Hangzhou Angel Fund", bank_card="330100123456789012")
    assert profile.uscc == "91110000600037341L"
    assert profile.resident_id_encrypted == ""


# --- maker-checker ----------------------------------------------------------------------------


def test_two_different_operators_review_then_approve():
    maker, checker = user_new(Role.OPERATOR), user_new(Role.OPERATOR)
    enterprise = enterprise_new()
    review = enterprise.review

    review_mark_reviewed(review=review, reviewer=maker, note="licence matches the registry")
    review_decide(review=review, approver=checker, approve=True, reasons="")

    enterprise.refresh_from_db()
    review.refresh_from_db()
    assert enterprise.status == review.status == ReviewStatus.APPROVED
    assert (review.reviewer, review.approver) == (maker, checker)
    assert list(AuditEvent.objects.filter(subject=enterprise.subject)
                .values_list("action", flat=True)) == [
        "enterprise.submitted", "admittance.reviewed", "admittance.approved"]


def test_the_same_operator_cannot_both_review_and_approve():
    operator = user_new(Role.OPERATOR)
    review = enterprise_new().review
    review_mark_reviewed(review=review, reviewer=operator, note="ok")
    events = AuditEvent.objects.count()

    with pytest.raises(PuhuiError) as caught:
        review_decide(review=review, approver=operator, approve=True, reasons="")

    assert caught.value.code == "SAME_OPERATOR_CANNOT_APPROVE"
    review.refresh_from_db()
    assert review.status == ReviewStatus.REVIEWED
    assert review.approver is None
    assert AuditEvent.objects.count() == events


def test_the_database_also_refuses_maker_equals_checker():
    operator = user_new(Role.OPERATOR)
    review = enterprise_new().review
    review_mark_reviewed(review=review, reviewer=operator, note="ok")
    with pytest.raises(IntegrityError), transaction.atomic():
        AdmittanceReview.objects.filter(pk=review.pk).update(approver=operator)


def test_decisions_need_a_review_first_and_rejections_need_reasons():
    maker, checker = user_new(Role.OPERATOR), user_new(Role.OPERATOR)
    review = investor_new().review
    with pytest.raises(PuhuiError) as early:
        review_decide(review=review, approver=checker, approve=True, reasons="")
    assert early.value.code == "APPLICATION_NOT_IN_STATE"
    review_mark_reviewed(review=review, reviewer=maker, note="ok")
    with pytest.raises(PuhuiError) as silent:
        review_decide(review=review, approver=checker, approve=False, reasons="  ")
    assert silent.value.code == "REASONS_REQUIRED"
    review_decide(review=review, approver=checker, approve=False,
                  reasons="bank card name differs from ID")
    review.investor.refresh_from_db()
    assert review.investor.status == ReviewStatus.REJECTED
    with pytest.raises(PuhuiError):
        review_mark_reviewed(review=review, reviewer=maker, note="again")


def test_only_operators_review():
    review = enterprise_new().review
    for role in (Role.BORROWER, Role.INVESTOR, Role.REGULATOR):
        with pytest.raises(PuhuiError) as caught:
            review_mark_reviewed(review=review, reviewer=user_new(role), note="x")
        assert caught.value.code == "WRONG_ROLE"


def test_audit_events_are_append_only_in_the_database():
    enterprise_new()
    event = AuditEvent.objects.latest("id")
    table = AuditEvent._meta.db_table
    for statement in (f"UPDATE {table} SET action = 'x' WHERE id = %s",
                      f"DELETE FROM {table} WHERE id = %s"):
        with pytest.raises(IntegrityError, match="append-only"), transaction.atomic(), \
                connection.cursor() as cursor:
            cursor.execute(statement, [event.pk])
    event.refresh_from_db()
    assert event.action == "enterprise.submitted"


def test_operators_act_only_within_their_duties():
    from puhui.parties.services import user_create

    reviewer_only = user_create(username="rev-only", password="x-long-password-1",
                                role=Role.OPERATOR, duties=["reviewer"])
    approver_only = user_create(username="app-only", password="x-long-password-2",
                                role=Role.OPERATOR, duties=["approver"])
    review = enterprise_new().review
    with pytest.raises(PuhuiError) as cannot_review:
        review_mark_reviewed(review=review, reviewer=approver_only, note="x")
    assert cannot_review.value.code == "MISSING_DUTY"
    review_mark_reviewed(review=review, reviewer=reviewer_only, note="ok")
    other_reviewer = user_create(username="rev-2", password="x-long-password-3",
                                 role=Role.OPERATOR, duties=["reviewer", "risk_officer"])
    with pytest.raises(PuhuiError) as cannot_approve:
        review_decide(review=review, approver=other_reviewer, approve=True, reasons="")
    assert cannot_approve.value.code == "MISSING_DUTY"
    review_decide(review=review, approver=approver_only, approve=True, reasons="")
    with pytest.raises(PuhuiError) as unknown:
        user_create(username="bad", password="x-long-password-4", role=Role.OPERATOR,
                    duties=["janitor"])
    assert unknown.value.code == "UNKNOWN_DUTY"


def test_user_create_command_prints_a_one_time_password():
    import io

    from django.core.management import call_command

    out = io.StringIO()
    call_command("user", "create", "risk1", "--role", "operator", "--duty", "risk_officer",
                 stdout=out)
    assert "created operator risk1 with duties risk_officer; one-time password:" in (
        out.getvalue())
