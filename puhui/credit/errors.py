"""Credit errors, with stable codes, in English and Chinese."""

from enum import unique

from django.utils.translation import gettext_noop as _

from puhui.core.errors import ErrorCode


@unique
class CreditError(ErrorCode):
    MODEL_KIND_UNKNOWN = 400, _("{kind} is not a model kind; choose scorecard or challenger.")
    MODEL_NEEDS_COLUMNS = 400, _(
        "This model needs columns puhui cannot supply for an application: {columns}.")
    FLAG_EVIDENCE_REQUIRED = 400, _("Say what the flag rests on: evidence is required.")
