"""Know your customer: an investor's identity, age from the ID against the rulebook's minimum,
and the risk questionnaire's suitability level."""

from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction

from puhui.audit.services import audit_record
from puhui.core.business_day import business_date_today
from puhui.core.errors import PuhuiError
from puhui.parties.errors import PartiesError
from puhui.parties.models import (
    AdmittanceReview,
    InvestorKind,
    InvestorProfile,
    Role,
    User,
)
from puhui.parties.services.identity import (
    bank_account_validate,
    phone_validate,
    pii_sealed,
    positive_required,
    resident_id_validate,
    uscc_validate,
)
from puhui.parties.services.users import role_required
from puhui.rulebook.selectors import rulebook_in_force, rulebook_section
from puhui.rulebook.services import rule_evaluation_record


def suitability_score(answers: dict[str, str]) -> tuple[int, Any]:
    """Score the questionnaire with the rulebook; returns (score, level)."""
    rules = rulebook_in_force().suitability
    if rules is None:
        raise PuhuiError(PartiesError.QUESTIONNAIRE_INCOMPLETE, questions="(no questionnaire)")
    score = 0
    unanswered = []
    for question in rules.questions:
        option = next((o for o in question.options if o.id == answers.get(question.id)), None)
        if option is None:
            unanswered.append(question.id)
        else:
            score += option.score
    if unanswered:
        raise PuhuiError(PartiesError.QUESTIONNAIRE_INCOMPLETE, questions=", ".join(unanswered))
    level = [lvl for lvl in rules.levels if lvl.min_score <= score][-1]
    return score, level


def age_on(birth: date, today: date) -> int:
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))


@transaction.atomic
def investor_submit(
    *,
    user: User,
    kind: str,
    full_name: str,
    phone: str,
    bank_card: str,
    declared_income_yuan: Decimal,
    net_worth_yuan: Decimal,
    answers: dict[str, str],
    resident_id: str = "",
    uscc_code: str = "",
) -> InvestorProfile:
    """KYC: identity, age from the ID's birth date, bank card, and the suitability level."""
    role_required(user, Role.INVESTOR)
    book = rulebook_in_force()
    person = kind == InvestorKind.PERSON
    identity: dict[str, Any] = {}
    if person:
        number, birth = resident_id_validate(resident_id)
        minimum = rulebook_section(book, "investors").minimum_age_years
        age = age_on(birth, business_date_today())
        rule_evaluation_record(
            rulebook_id=book.rulebook.id, rulebook_version=book.rulebook.version,
            rule_id="investors.minimum_age_years", subject=f"user:{user.pk}",
            inputs={"age": age}, outcome={"passed": age >= minimum, "minimum": minimum},
        )
        if age < minimum:
            raise PuhuiError(PartiesError.UNDERAGE, minimum=minimum,
                             rule_id="investors.minimum_age_years")
        sealed = pii_sealed(number, "resident_id")
        if InvestorProfile.objects.filter(resident_id_index=sealed["resident_id_index"]).exists():
            raise PuhuiError(PartiesError.INVESTOR_ALREADY_REGISTERED)
        identity = {**sealed, "birth_date": birth}
    else:
        code = uscc_validate(uscc_code)
        if InvestorProfile.objects.filter(uscc=code).exists():
            raise PuhuiError(PartiesError.INVESTOR_ALREADY_REGISTERED)
        identity = {"uscc": code}
    if InvestorProfile.objects.filter(user=user).exists():
        raise PuhuiError(PartiesError.INVESTOR_ALREADY_REGISTERED)
    phone_number = phone_validate(phone)
    card = bank_account_validate(bank_card, card=person)
    positive_required("declared income", declared_income_yuan)
    positive_required("net worth", net_worth_yuan)
    score, level = suitability_score(answers)
    profile = InvestorProfile.objects.create(
        user=user, kind=kind, full_name=full_name, **identity,
        **pii_sealed(phone_number, "phone"), **pii_sealed(card, "bank_card", keep_start=4),
        declared_income_yuan=declared_income_yuan, net_worth_yuan=net_worth_yuan,
        questionnaire=answers, suitability_score=score, suitability_level=level.id,
        max_product_risk=level.max_product_risk,
    )
    rule_evaluation_record(
        rulebook_id=book.rulebook.id, rulebook_version=book.rulebook.version,
        rule_id="suitability.levels", subject=profile.subject, inputs={"score": score},
        outcome={"level": level.id, "max_product_risk": level.max_product_risk},
    )
    AdmittanceReview.objects.create(investor=profile)
    audit_record(actor=user, action="investor.submitted", subject=profile.subject,
                 kind=kind, level=level.id)
    return profile
