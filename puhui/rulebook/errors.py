"""Rulebook errors: a broken file names file, key and problem; an evaluation names the figure."""

from enum import unique

from django.utils.translation import gettext_noop as _

from puhui.core.errors import ErrorCode


class RulebookFileError(ValueError):
    """A rulebook file that cannot be used; the message names the file, the key and why."""


@unique
class RulebookError(ErrorCode):
    NO_RULEBOOK_IN_FORCE = 400, _("No version of rulebook {rulebook} is in force on {on}.")
    RULEBOOK_SECTION_MISSING = 400, _("Rulebook {rulebook} has no [{section}] rules.")
    UNKNOWN_INDUSTRY = 400, _(
        "{industry} is not an industry of the size-class table; use one of: {choices}.")
    FIGURE_MISSING = 400, _("The {industry} rule needs {figures}; it was not given.")
    FIGURE_NEGATIVE = 400, _("{figure} cannot be negative.")
