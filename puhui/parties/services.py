"""Writes for users and API tokens."""

import hashlib
import secrets

from django.db import transaction

from puhui.parties.models import ApiToken, Role, User

TOKEN_PREFIX = "phk_"  # noqa: S105 (a marker, not a secret)


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def user_create(*, username: str, password: str, role: Role, email: str = "") -> User:
    user = User(username=username, email=email, role=role, is_staff=False)
    user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    return user


@transaction.atomic
def api_token_create(*, user: User, name: str) -> tuple[ApiToken, str]:
    """Issue a token; the clear secret is returned once and never stored."""
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user, name=name, digest=token_digest(secret), prefix=secret[:8]
    )
    return token, secret
