"""API authentication: a bearer token for machine clients, the session for the browser.

``for_roles(...)`` checks the role before the request body is even read, so a caller without
the right role gets 403 — never a validation error that would tell them about the endpoint.
"""

from collections.abc import Sequence
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from ninja.security import HttpBearer, SessionAuth

from puhui.parties.models import Role, User
from puhui.parties.selectors import user_for_api_token


def _role_checked(user: Any, roles: Sequence[Role]) -> User | None:
    if not isinstance(user, User) or not user.is_authenticated:
        return None
    if roles and user.role not in roles:
        raise PermissionDenied
    return user


class TokenAuth(HttpBearer):
    def __init__(self, roles: Sequence[Role] = ()) -> None:
        super().__init__()
        self.roles = roles

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        user = _role_checked(user_for_api_token(token=token), self.roles)
        if user is not None:
            request.user = user
        return user


class BrowserSessionAuth(SessionAuth):
    """Django's session (CSRF-checked for unsafe methods)."""

    def __init__(self, roles: Sequence[Role] = ()) -> None:
        super().__init__(csrf=True)
        self.roles = roles

    def authenticate(self, request: HttpRequest, key: str | None) -> User | None:
        return _role_checked(super().authenticate(request, key), self.roles)


def for_roles(*roles: Role) -> list:
    """Token or session, and one of ``roles`` (any signed-in user when none are given)."""
    return [TokenAuth(roles), BrowserSessionAuth(roles)]
