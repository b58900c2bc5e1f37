"""Template context every page gets: which role this process serves (a platform's pages and
the registry's differ in their navigation)."""

from django.conf import settings
from django.http import HttpRequest

from puhui.notifications.selectors import unread_count


def puhui_role(request: HttpRequest) -> dict[str, str]:
    return {"puhui_role": settings.PUHUI_ROLE}


def notices_unread(request: HttpRequest) -> dict[str, int]:
    """The unread count in the top bar."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or settings.PUHUI_ROLE == "registry":
        return {}
    return {"notices_unread": unread_count(user=user)}
