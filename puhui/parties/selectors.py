"""Reads for users and API tokens."""

from puhui.parties.models import ApiToken, User
from puhui.parties.services import token_digest


def user_for_api_token(*, token: str) -> User | None:
    found = (
        ApiToken.objects.select_related("user")
        .filter(digest=token_digest(token), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    return found.user if found else None
