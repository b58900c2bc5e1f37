"""Sign-in: throttling and lockout of a user name, and TOTP second factors (single-use codes)."""

import secrets
from datetime import timedelta

import pyotp
from django.conf import settings
from django.contrib.auth import authenticate
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from puhui.core.errors import PuhuiError
from puhui.core.pii import pii_decrypt, pii_encrypt
from puhui.parties.errors import PartiesError
from puhui.parties.models import (
    LoginFailure,
    TotpDevice,
    User,
)


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
