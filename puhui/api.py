"""The REST API at /api/v1: one NinjaAPI, the routers of each app, errors as JSON with codes.

Machine clients authenticate with ``Authorization: Bearer <token>``; the browser with its
session (CSRF-checked). Every error is ``{"code", "message", "message_en", "message_zh",
"detail"}`` with a 4xx status; bad input never reaches a 500.
"""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from puhui.core.errors import CoreError, PuhuiError
from puhui.core.money import MoneyError
from puhui.parties.auth import for_roles

api = NinjaAPI(
    title="puhui API",
    version="1",
    description="Internet financing for small and micro businesses.",
    auth=for_roles(),
    urls_namespace="api-v1",
    openapi_url="/openapi.json",
)


def error_response(request: HttpRequest, error: PuhuiError) -> HttpResponse:
    return api.create_response(request, error.as_json(), status=error.error.http_status)


@api.exception_handler(PuhuiError)
def on_puhui_error(request: HttpRequest, exc: PuhuiError) -> HttpResponse:
    return error_response(request, exc)


@api.exception_handler(ValidationError)
def on_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    problems = []
    for item in exc.errors:
        where = ".".join(str(part) for part in item.get("loc", ()) if part not in ("body",))
        problems.append(f"{where}: {item.get('msg', 'invalid')}" if where else item.get("msg"))
    return error_response(request, PuhuiError(CoreError.INVALID_INPUT, problems="; ".join(
        str(problem) for problem in problems)))


@api.exception_handler(MoneyError)
def on_money_error(request: HttpRequest, exc: MoneyError) -> HttpResponse:
    return error_response(request, PuhuiError(CoreError.INVALID_INPUT, problems=str(exc)))


@api.exception_handler(AuthenticationError)
def on_authentication_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return error_response(request, PuhuiError(CoreError.NOT_AUTHENTICATED))


@api.exception_handler(PermissionDenied)
def on_permission_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return error_response(request, PuhuiError(CoreError.PERMISSION_DENIED))


@api.exception_handler(Http404)
def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return error_response(request, PuhuiError(CoreError.NOT_FOUND, what=request.path))


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    by_status: dict[int, Any] = {
        400: CoreError.MALFORMED_JSON, 401: CoreError.NOT_AUTHENTICATED,
        403: CoreError.PERMISSION_DENIED, 405: CoreError.METHOD_NOT_ALLOWED,
    }
    code = by_status.get(exc.status_code)
    if code is None:
        return api.create_response(request, {"code": "HTTP_ERROR", "message": str(exc)},
                                   status=exc.status_code)
    return error_response(request, PuhuiError(code))


def _register_routers() -> None:
    """A platform serves the platform's routers; the registry's deployment serves its own."""
    from django.conf import settings

    if settings.PUHUI_ROLE in ("platform", "all"):
        from puhui.crowdfunding.api import router as crowdfunding_router
        from puhui.ledger.api import router as ledger_router
        from puhui.lending.api import router as lending_router
        from puhui.parties.api import router as parties_router
        from puhui.rulebook.api import router as rulebook_router

        api.add_router("/crowdfunding", crowdfunding_router)
        api.add_router("/ledger", ledger_router)
        api.add_router("/lending", lending_router)
        api.add_router("/parties", parties_router)
        api.add_router("/rulebook", rulebook_router)
    if settings.PUHUI_ROLE in ("registry", "all"):
        from puhui.registry.api import router as registry_router

        api.add_router("/registry", registry_router)


_register_routers()
