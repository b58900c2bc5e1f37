"""Writes for parties: registration, KYB and KYC with admittance review (maker-checker),
sign-in with throttling and TOTP, API tokens.

Every rule figure (size classes, minimum age, suitability levels) comes from the rulebook in
force, and each evaluation is recorded with its rule id and rulebook version. Personal data are
stored only encrypted, with a blind index and a mask (core.pii).
"""

import hashlib
import re
import secrets
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pyotp
from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import models, transaction
from django.http import HttpRequest
from django.utils import timezone
from stdnum import luhn
from stdnum.cn import ric, uscc
from stdnum.exceptions import ValidationError as NumberError

from puhui.audit.services import audit_record
from puhui.core.business_day import business_date_today
from puhui.core.errors import CoreError, PuhuiError
from puhui.core.pii import pii_blind_index, pii_decrypt, pii_encrypt, pii_mask
from puhui.parties.errors import PartiesError
from puhui.parties.models import (
    AdmittanceReview,
    ApiToken,
    Enterprise,
    InvestorKind,
    InvestorProfile,
    LicenceDocument,
    LoginFailure,
    OperatorDuty,
    ReviewStatus,
    Role,
    TotpDevice,
    User,
)
from puhui.rulebook.selectors import rulebook_in_force, rulebook_section, size_class_evaluate
from puhui.rulebook.services import rule_evaluation_record

TOKEN_PREFIX = "phk_"  # noqa: S105 (a marker, not a secret)
PHONE_PATTERN = re.compile(r"^1[3-9]\d{9}$")


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


# --- users ------------------------------------------------------------------------------------


@transaction.atomic
def user_create(
    *, username: str, password: str, role: Role, email: str = "",
    duties: list[str] | None = None,
) -> User:
    """Create any user (administrators create operators and regulators this way). Operators
    get every duty unless ``duties`` names them."""
    if role == Role.OPERATOR:
        duties = list(OperatorDuty.values) if duties is None else duties
        unknown = set(duties) - set(OperatorDuty.values)
        if unknown:
            raise PuhuiError(PartiesError.UNKNOWN_DUTY, duties=", ".join(sorted(unknown)))
    elif duties:
        raise PuhuiError(PartiesError.UNKNOWN_DUTY, duties="duties are for operators only")
    user = User(username=username, email=email, role=role, is_staff=False,
                duties=duties or [])
    user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    return user


@transaction.atomic
def user_register(*, username: str, email: str, password: str, role: str) -> User:
    """Self-service sign-up, for borrowers and investors only."""
    if role not in (Role.BORROWER, Role.INVESTOR):
        raise PuhuiError(PartiesError.ROLE_NOT_SELF_SERVICE)
    if User.objects.filter(username__iexact=username).exists():
        raise PuhuiError(PartiesError.USERNAME_TAKEN, username=username)
    candidate = User(username=username, email=email, role=role)
    try:
        validate_password(password, user=candidate)
    except ValidationError as error:
        raise PuhuiError(PartiesError.WEAK_PASSWORD, problems=" ".join(error.messages)) from None
    user = user_create(username=username, password=password, role=Role(role), email=email)
    audit_record(actor=user, action="user.registered", subject=f"user:{user.pk}", role=role)
    return user


@transaction.atomic
def api_token_create(*, user: User, name: str) -> tuple[ApiToken, str]:
    """Issue a token; the clear secret is returned once and never stored."""
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user, name=name, digest=token_digest(secret), prefix=secret[:8]
    )
    return token, secret


def _require_role(user: User, role: Role) -> None:
    if user.role != role:
        raise PuhuiError(PartiesError.WRONG_ROLE, role=role.label)


def require_duty(user: User, duty: OperatorDuty) -> None:
    _require_role(user, Role.OPERATOR)
    if not user.has_duty(duty):
        raise PuhuiError(PartiesError.MISSING_DUTY, duty=duty.label)


# --- validation of identity numbers -----------------------------------------------------------


def uscc_validate(value: str) -> str:
    try:
        return str(uscc.validate(value))
    except NumberError as error:
        raise PuhuiError(PartiesError.INVALID_USCC, value=value, problem=str(error)) from None


def resident_id_validate(value: str) -> tuple[str, date]:
    """A valid resident ID and the birth date it carries."""
    try:
        number = str(ric.validate(value))
        return number, ric.get_birth_date(number)
    except NumberError as error:
        raise PuhuiError(PartiesError.INVALID_RESIDENT_ID, problem=str(error)) from None


def phone_validate(value: str) -> str:
    number = "".join(value.split())
    if not PHONE_PATTERN.match(number):
        raise PuhuiError(PartiesError.INVALID_PHONE)
    return number


def bank_account_validate(value: str, *, card: bool) -> str:
    """Account numbers are 12–30 digits; a personal bank card also passes the Luhn check."""
    number = "".join(value.split())
    if not number.isdigit() or not 12 <= len(number) <= 30:
        raise PuhuiError(PartiesError.INVALID_BANK_ACCOUNT, problem="12 to 30 digits")
    if card and not luhn.is_valid(number):
        raise PuhuiError(PartiesError.INVALID_BANK_ACCOUNT, problem="the check digit is wrong")
    return number


def _sealed(value: str, context: str, **mask: int) -> dict[str, str]:
    """The encrypted, index and masked columns of one personal value."""
    return {
        f"{context}_encrypted": pii_encrypt(value, context=context),
        f"{context}_index": pii_blind_index(value, context=context),
        f"{context}_masked": pii_mask(value, **mask),
    }


def _positive(field: str, value: Decimal | int) -> None:
    if value < 0:
        raise PuhuiError(PartiesError.INVALID_FIGURE, field=field, problem=" cannot be negative")


# --- KYB --------------------------------------------------------------------------------------


@transaction.atomic
def enterprise_submit(
    *,
    representative: User,
    name: str,
    uscc_code: str,
    legal_rep_name: str,
    legal_rep_id: str,
    phone: str,
    industry: str,
    employees: int,
    revenue_wan: Decimal,
    total_assets_wan: Decimal,
    registered_capital_wan: Decimal,
    founded_on: date,
    region: str,
    bank_name: str,
    bank_account: str,
) -> Enterprise:
    """Register an enterprise for review; it is classified at once from the rulebook."""
    _require_role(representative, Role.BORROWER)
    code = uscc_validate(uscc_code)
    rep_id, _birth = resident_id_validate(legal_rep_id)
    phone_number = phone_validate(phone)
    account = bank_account_validate(bank_account, card=False)
    for field, value in (("employees", employees), ("revenue", revenue_wan),
                         ("total assets", total_assets_wan),
                         ("registered capital", registered_capital_wan)):
        _positive(field, value)
    if founded_on > business_date_today():
        raise PuhuiError(PartiesError.FOUNDED_IN_FUTURE)
    if Enterprise.objects.filter(uscc=code).exists():
        raise PuhuiError(PartiesError.ENTERPRISE_ALREADY_REGISTERED)
    classification = size_class_evaluate(
        industry=industry, employees=employees, revenue_wan=revenue_wan,
        assets_wan=total_assets_wan,
    )
    enterprise = Enterprise.objects.create(
        representative=representative, name=name, uscc=code, legal_rep_name=legal_rep_name,
        **_sealed(rep_id, "legal_rep_id"), **_sealed(phone_number, "phone"),
        industry=industry, employees=employees, revenue_wan=revenue_wan,
        total_assets_wan=total_assets_wan, registered_capital_wan=registered_capital_wan,
        founded_on=founded_on, region=region, bank_name=bank_name,
        **_sealed(account, "bank_account", keep_start=4),
        size_class=classification.size_class,
        size_classification=classification.as_json(),
    )
    rule_evaluation_record(
        rulebook_id=classification.rulebook_id,
        rulebook_version=classification.rulebook_version,
        rule_id=classification.rule_id, subject=enterprise.subject,
        inputs=classification.figures,
        outcome={"size_class": classification.size_class, "admitted": classification.admitted},
    )
    review = AdmittanceReview.objects.create(enterprise=enterprise)
    audit_record(actor=representative, action="enterprise.submitted", subject=enterprise.subject,
                 size_class=classification.size_class, uscc=code)
    if not classification.admitted:
        # Not small or micro: refused by rule, no operator decision needed.
        _review_close(review, status=ReviewStatus.REJECTED, approver=None,
                      reasons=f"{classification.size_class} enterprises are not admitted to SMB "
                              f"financing (rule size_classes.admitted, rulebook "
                              f"{classification.rulebook_id} {classification.rulebook_version})")
    return enterprise


@transaction.atomic
def licence_document_add(*, enterprise: Enterprise, user: User, kind: str,
                         upload: UploadedFile) -> LicenceDocument:
    """Store a licence outside the web root after checking its size and real file type."""
    if enterprise.representative_id != user.pk:
        raise PuhuiError(PartiesError.WRONG_ROLE, role="representative of this enterprise")
    limit = settings.PUHUI_UPLOAD_MAX_BYTES
    if upload.size is None or upload.size > limit:
        raise PuhuiError(PartiesError.UPLOAD_TOO_LARGE, limit_mb=limit // (1024 * 1024))
    head = upload.read(8)
    upload.seek(0)
    content_type = next((kind_ for kind_, magic in settings.PUHUI_UPLOAD_TYPES.items()
                         if head.startswith(magic)), None)
    if content_type is None:
        raise PuhuiError(PartiesError.UPLOAD_TYPE_REFUSED)
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    upload.name = f"{secrets.token_hex(16)}"  # never the user's file name on disk
    document = LicenceDocument.objects.create(
        enterprise=enterprise, kind=kind, file=upload, content_type=content_type,
        size_bytes=upload.size, sha256=digest.hexdigest(),
    )
    audit_record(actor=user, action="enterprise.document_added", subject=enterprise.subject,
                 kind=kind, sha256=document.sha256)
    return document


# --- KYC and suitability ----------------------------------------------------------------------


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
    _require_role(user, Role.INVESTOR)
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
        sealed = _sealed(number, "resident_id")
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
    _positive("declared income", declared_income_yuan)
    _positive("net worth", net_worth_yuan)
    score, level = suitability_score(answers)
    profile = InvestorProfile.objects.create(
        user=user, kind=kind, full_name=full_name, **identity,
        **_sealed(phone_number, "phone"), **_sealed(card, "bank_card", keep_start=4),
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


# --- admittance review: maker-checker ---------------------------------------------------------


def _review_locked(review_id: int) -> AdmittanceReview:
    return (AdmittanceReview.objects.select_for_update(of=("self",))
            .select_related("enterprise", "investor").get(pk=review_id))


@transaction.atomic
def review_mark_reviewed(*, review: AdmittanceReview, reviewer: User,
                         note: str) -> AdmittanceReview:
    """The maker: an operator checks the application and passes it on for a decision."""
    require_duty(reviewer, OperatorDuty.REVIEWER)
    review = _review_locked(review.pk)
    if review.status != ReviewStatus.SUBMITTED:
        raise PuhuiError(CoreError.APPLICATION_NOT_IN_STATE,
                         status=review.status, action="reviewed")
    review.status = ReviewStatus.REVIEWED
    review.reviewer = reviewer
    review.review_note = note
    review.reviewed_at = timezone.now()
    review.save(update_fields=["status", "reviewer", "review_note", "reviewed_at"])
    _subject_status(review, ReviewStatus.REVIEWED)
    audit_record(actor=reviewer, action="admittance.reviewed", subject=review.subject, note=note)
    return review


@transaction.atomic
def review_decide(*, review: AdmittanceReview, approver: User, approve: bool,
                  reasons: str) -> AdmittanceReview:
    """The checker: a different operator approves or rejects, with reasons."""
    require_duty(approver, OperatorDuty.APPROVER)
    review = _review_locked(review.pk)
    if review.status != ReviewStatus.REVIEWED:
        raise PuhuiError(CoreError.APPLICATION_NOT_IN_STATE, status=review.status, action="decided")
    checker_may_decide(maker_id=review.reviewer_id, checker=approver, approve=approve,
                       reasons=reasons)
    _review_close(review, status=ReviewStatus.APPROVED if approve else ReviewStatus.REJECTED,
                  approver=approver, reasons=reasons)
    return review


def checker_may_decide(*, maker_id: int | None, checker: User, approve: bool,
                       reasons: str) -> None:
    """The four-eyes rule of every maker-checker review (admittance here, loan applications in
    lending): the checker is not the maker, and a rejection says why."""
    if maker_id == checker.pk:
        raise PuhuiError(PartiesError.SAME_OPERATOR_CANNOT_APPROVE)
    if not approve and not reasons.strip():
        raise PuhuiError(PartiesError.REASONS_REQUIRED)


def _review_close(review: AdmittanceReview, *, status: ReviewStatus, approver: User | None,
                  reasons: str) -> None:
    review.status = status
    review.approver = approver
    review.decision_reasons = reasons
    review.decided_at = timezone.now()
    review.save(update_fields=["status", "approver", "decision_reasons", "decided_at"])
    _subject_status(review, status)
    audit_record(actor=approver, action=f"admittance.{status}", subject=review.subject,
                 reasons=reasons)


def _subject_status(review: AdmittanceReview, status: ReviewStatus) -> None:
    subject = review.enterprise or review.investor
    assert subject is not None
    subject.status = status
    subject.save(update_fields=["status"])


# --- sign-in: throttling, lockout, TOTP -------------------------------------------------------


def login_check_password(*, request: HttpRequest | None, username: str,
                         password: str) -> User:
    """Password check with lockout: too many recent failures lock the user name for a while."""
    window_start = timezone.now() - timedelta(seconds=settings.PUHUI_LOGIN_LOCKOUT_SECONDS)
    recent = LoginFailure.objects.filter(username__iexact=username, created_at__gte=window_start)
    if recent.count() >= settings.PUHUI_LOGIN_FAILURES_MAX:
        raise PuhuiError(PartiesError.LOGIN_LOCKED,
                         minutes=settings.PUHUI_LOGIN_LOCKOUT_SECONDS // 60)
    user = authenticate(request, username=username, password=password)
    if not isinstance(user, User):
        ip = request.META.get("REMOTE_ADDR") if request is not None else None
        LoginFailure.objects.create(username=username, ip_address=ip)
        raise PuhuiError(PartiesError.BAD_CREDENTIALS)
    LoginFailure.objects.filter(username__iexact=username).delete()
    return user


def totp_required(user: User) -> bool:
    has_device = TotpDevice.objects.filter(user=user, confirmed_at__isnull=False).exists()
    return user.role in settings.PUHUI_TOTP_REQUIRED_ROLES or has_device


def totp_enroll(*, user: User) -> str:
    """Start (or restart) enrolment; returns the otpauth URI for an authenticator app."""
    secret = pyotp.random_base32()
    TotpDevice.objects.update_or_create(
        user=user,
        defaults={"secret_encrypted": pii_encrypt(secret, context="totp.secret"),
                  "confirmed_at": None, "last_used_step": 0},
    )
    return pyotp.TOTP(secret).provisioning_uri(name=user.username, issuer_name="puhui")


@transaction.atomic
def totp_verify(*, user: User, code: str) -> None:
    """Accept the current (or adjacent) code once; confirms an enrolment on first success."""
    device = TotpDevice.objects.select_for_update().filter(user=user).first()
    if device is None:
        raise PuhuiError(PartiesError.TOTP_INVALID)
    totp = pyotp.TOTP(pii_decrypt(device.secret_encrypted, context="totp.secret"))
    now = timezone.now()
    step_now = int(now.timestamp()) // totp.interval
    for step in (step_now - 1, step_now, step_now + 1):
        if step > device.last_used_step and secrets.compare_digest(
            totp.at(step * totp.interval), "".join(code.split())
        ):
            device.last_used_step = step
            device.confirmed_at = device.confirmed_at or now
            device.save(update_fields=["last_used_step", "confirmed_at"])
            return
    raise PuhuiError(PartiesError.TOTP_INVALID)


# --- key rotation -----------------------------------------------------------------------------

# (model, column prefix): each has <prefix>_encrypted and, but for the TOTP secret, <prefix>_index
SEALED_COLUMNS: list[tuple[type[models.Model], str, str]] = [
    (Enterprise, "legal_rep_id", "legal_rep_id"),
    (Enterprise, "phone", "phone"),
    (Enterprise, "bank_account", "bank_account"),
    (InvestorProfile, "resident_id", "resident_id"),
    (InvestorProfile, "phone", "phone"),
    (InvestorProfile, "bank_card", "bank_card"),
    (TotpDevice, "secret", "totp.secret"),
]


@transaction.atomic
def pii_rotate() -> int:
    """Re-seal every personal value under the current key and recompute its blind index
    (after a new key was put first in PUHUI_PII_KEYS, or the index key changed)."""
    resealed = 0
    for model, prefix, context in SEALED_COLUMNS:
        sealed_column = f"{prefix}_encrypted"
        index_column = f"{prefix}_index"
        has_index = any(f.name == index_column for f in model._meta.get_fields())
        for row in model._default_manager.select_for_update().exclude(**{sealed_column: ""}):
            clear = pii_decrypt(getattr(row, sealed_column), context=context)
            setattr(row, sealed_column, pii_encrypt(clear, context=context))
            fields = [sealed_column]
            if has_index:
                setattr(row, index_column, pii_blind_index(clear, context=context))
                fields.append(index_column)
            row.save(update_fields=fields)
            resealed += 1
    return resealed
