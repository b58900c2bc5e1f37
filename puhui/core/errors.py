"""Errors are values with stable codes, shown to people as a sentence in their language.

Every app declares its errors in its own ``errors.py`` as ``ErrorCode`` values; services raise
``PuhuiError(code, **facts)``; the API and the pages render ``code`` and the sentence in the
reader's language (English or Simplified Chinese).
"""

from dataclasses import dataclass
from typing import Any, TypeVar

from django.utils import translation


@dataclass(frozen=True)
class ErrorCode:
    code: str
    http_status: int
    message_en: str
    message_zh: str

    def render(self, language: str, facts: dict[str, Any]) -> str:
        template = self.message_zh if language.startswith("zh") else self.message_en
        try:
            return template.format(**facts)
        except (KeyError, IndexError):
            return template


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


INVALID_INPUT = ErrorCode(
    "INVALID_INPUT", 400,
    "The request is not valid: {problems}",
    "请求无效：{problems}",
)
MALFORMED_JSON = ErrorCode(
    "MALFORMED_JSON", 400,
    "The request body is not valid JSON.",
    "请求正文不是有效的 JSON。",
)
NOT_AUTHENTICATED = ErrorCode(
    "NOT_AUTHENTICATED", 401,
    "Sign in, or send a valid API token in the Authorization header.",
    "请先登录，或在 Authorization 请求头中提供有效的 API 令牌。",
)
PERMISSION_DENIED = ErrorCode(
    "PERMISSION_DENIED", 403,
    "You are not allowed to do this.",
    "您无权执行此操作。",
)
NOT_FOUND = ErrorCode(
    "NOT_FOUND", 404,
    "{what} was not found.",
    "未找到{what}。",
)
METHOD_NOT_ALLOWED = ErrorCode(
    "METHOD_NOT_ALLOWED", 405,
    "This address does not accept that method.",
    "此地址不支持该请求方法。",
)
ALREADY_SENT_DIFFERENTLY = ErrorCode(
    "ALREADY_SENT_DIFFERENTLY", 409,
    "This form was already sent with other details ({field}); reload the page to make a new "
    "request.",
    "该表单已经提交过，但内容不同（{field}）；如需再次操作，请刷新页面后重新填写。",
)

Sent = TypeVar("Sent")


def sent_before(existing: Sent, **expected: object) -> Sent:
    """What a second send of the same request answers: the first one's result when it asked for
    the same thing (``expected``: attribute → value), otherwise ``ALREADY_SENT_DIFFERENTLY``
    naming the first attribute that differs."""
    for attribute, value in expected.items():
        if getattr(existing, attribute) != value:
            field = attribute.removesuffix("_id").removesuffix("_fen").replace("_", " ")
            raise PuhuiError(ALREADY_SENT_DIFFERENTLY, field=field)
    return existing
