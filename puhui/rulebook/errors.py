"""Rulebook errors: a broken file names file, key and problem; an evaluation names the figure."""

from puhui.core.errors import ErrorCode


class RulebookFileError(ValueError):
    """A rulebook file that cannot be used; the message names the file, the key and why."""


NO_RULEBOOK_IN_FORCE = ErrorCode(
    "NO_RULEBOOK_IN_FORCE", 400,
    "No version of rulebook {rulebook} is in force on {on}.",
    "{on} 没有生效的规则手册 {rulebook}。",
)
RULEBOOK_SECTION_MISSING = ErrorCode(
    "RULEBOOK_SECTION_MISSING", 400,
    "Rulebook {rulebook} has no [{section}] rules.",
    "规则手册 {rulebook} 没有 [{section}] 规则。",
)
UNKNOWN_INDUSTRY = ErrorCode(
    "UNKNOWN_INDUSTRY", 400,
    "{industry} is not an industry of the size-class table; use one of: {choices}.",
    "{industry} 不是划型标准中的行业，请使用：{choices}。",
)
FIGURE_MISSING = ErrorCode(
    "FIGURE_MISSING", 400,
    "The {industry} rule needs {figures}; it was not given.",
    "{industry} 行业的划型规则需要 {figures}，但未提供。",
)
FIGURE_NEGATIVE = ErrorCode(
    "FIGURE_NEGATIVE", 400,
    "{figure} cannot be negative.",
    "{figure} 不能为负数。",
)
