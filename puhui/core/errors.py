"""Errors are values with stable codes, shown to people as a sentence in their language.

Every app declares its errors once, in its own ``errors.py``, as members of an ``ErrorCode``
enum: the member's name is the code (``LISTING_FULLY_FUNDED``), its value the HTTP status and
the English sentence with ``{facts}`` to fill in, marked for translation; the Chinese comes from
the translations (``puhui/locale``) like every other string. Services raise
``PuhuiError(code, **facts)``; the API and the pages render the code and the sentence in the
reader's language (English or Simplified Chinese). ``puhui/core/tests/test_errors.py`` checks
that codes are unique across apps and that each has its Chinese.
"""

from enum import Enum, unique
from typing import Any, TypeVar

from django.utils import translation
from django.utils.translation import gettext_noop as _


class ErrorCode(Enum):
    """Subclass once per app: ``NAME = http_status, _("The sentence, with {facts}.")``, under
    ``@unique`` (two codes with one sentence would otherwise silently become one)."""

    def __init__(self, http_status: int, template: str) -> None:
        self.http_status = http_status
        self.template = template

    @property
    def code(self) -> str:
        return self.name

    def render(self, language: str, facts: dict[str, Any]) -> str:
        """The sentence in ``language``; a fact given as a lazy translation (a problem said in
        words, ``gettext_lazy``/``format_lazy``) is put in the same language."""
        with translation.override(language):
            text = translation.gettext(self.template)
            try:
                return text.format(**facts)
            except (KeyError, IndexError):
                return text


class PuhuiError(Exception):
    def __init__(self, error: ErrorCode, **facts: Any) -> None:
        self.error = error
        self.facts = facts
        super().__init__(error.render("en", facts))

    @property
    def code(self) -> str:
        return self.error.code

    def as_json(self, language: str | None = None) -> dict[str, Any]:
        language = language or translation.get_language() or "en"
        return {
            "code": self.error.code,
            "message": self.error.render(language, self.facts),
            "message_en": self.error.render("en", self.facts),
            "message_zh": self.error.render("zh-hans", self.facts),
            "detail": {key: _jsonable(value) for key, value in self.facts.items()},
        }


def _jsonable(value: Any) -> Any:
    if isinstance(value, str | int | bool) or value is None:
        return value
    if isinstance(value, list | tuple):
        return [_jsonable(item) for item in value]
    if isinstance(value, dict):
        return {str(key): _jsonable(item) for key, item in value.items()}
    return str(value)


@unique
class CoreError(ErrorCode):
    INVALID_INPUT = 400, _("The request is not valid: {problems}")
    MALFORMED_JSON = 400, _("The request body is not valid JSON.")
    NOT_AUTHENTICATED = 401, _("Sign in, or send a valid API token in the Authorization header.")
    PERMISSION_DENIED = 403, _("You are not allowed to do this.")
    NOT_FOUND = 404, _("{what} was not found.")
    METHOD_NOT_ALLOWED = 405, _("This address does not accept that method.")
    ALREADY_SENT_DIFFERENTLY = 409, _(
        "This form was already sent with other details ({field}); reload the page to make a "
        "new request.")
    APPLICATION_NOT_IN_STATE = 409, _("This application is {status}; it cannot be {action} now.")
    AMOUNT_NOT_POSITIVE = 400, _("The amount must be positive.")


Sent = TypeVar("Sent")


def sent_before(existing: Sent, **expected: object) -> Sent:
    """What a second send of the same request answers: the first one's result when it asked for
    the same thing (``expected``: attribute → value), otherwise ``ALREADY_SENT_DIFFERENTLY``
    naming the first attribute that differs."""
    for attribute, value in expected.items():
        if getattr(existing, attribute) != value:
            field = attribute.removesuffix("_id").removesuffix("_fen").replace("_", " ")
            raise PuhuiError(CoreError.ALREADY_SENT_DIFFERENTLY, field=field)
    return existing
