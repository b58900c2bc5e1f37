"""Template context every page gets: which role this process serves (a platform's pages and
the registry's differ in their navigation)."""

from django.conf import settings
from django.http import HttpRequest


def puhui_role(request: HttpRequest) -> dict[str, str]:
    return {"puhui_role": settings.PUHUI_ROLE}
