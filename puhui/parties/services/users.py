"""Users and their roles and duties, registration, API tokens (stored as digests only), and the
time zone each reads times in."""

import hashlib
import secrets

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction

from puhui.audit.services import audit_record
from puhui.core.errors import PuhuiError
from puhui.core.time_zones import time_zone_named
from puhui.parties.errors import PartiesError
from puhui.parties.models import (
    ApiToken,
    OperatorDuty,
    Role,
    User,
)

TOKEN_PREFIX = "phk_"  # noqa: S105 (a marker, not a secret)


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


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
def user_register(*, username: str, email: str, password: str, role: str,
                  terms_version: str = "") -> User:
    """Self-service sign-up, for borrowers and investors only; the version of the terms they
    accepted is recorded with it."""
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
    audit_record(actor=user, action="user.registered", subject=f"user:{user.pk}", role=role,
                 terms_version=terms_version)
    return user


@transaction.atomic
def api_token_create(*, user: User, name: str) -> tuple[ApiToken, str]:
    """Issue a token; the clear secret is returned once and never stored."""
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user, name=name, digest=token_digest(secret), prefix=secret[:8]
    )
    return token, secret


def role_required(user: User, role: Role) -> None:
    if user.role != role:
        raise PuhuiError(PartiesError.WRONG_ROLE, role=role.label)


def require_duty(user: User, duty: OperatorDuty) -> None:
    role_required(user, Role.OPERATOR)
    if not user.has_duty(duty):
        raise PuhuiError(PartiesError.MISSING_DUTY, duty=duty.label)


def user_time_zone_set(*, user: User, time_zone: str) -> None:
    """The zone the pages show this user's times in; "" goes back to the platform's."""
    if time_zone and time_zone_named(time_zone) is None:
        raise PuhuiError(PartiesError.TIME_ZONE_UNKNOWN)
    User.objects.filter(pk=user.pk).update(time_zone=time_zone)
    user.time_zone = time_zone
