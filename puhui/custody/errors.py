"""Custody errors."""

from enum import unique

from django.utils.translation import gettext_noop as _

from puhui.core.errors import ErrorCode


@unique
class CustodyError(ErrorCode):
    CUSTODIAN_UNAVAILABLE = 503, _(
        "The custodian bank did not answer; nothing was moved. Try again shortly.")
    CUSTODIAN_REFUSED = 409, _("The custodian bank refused the instruction: {reason}.")
    WITHDRAWAL_EXCEEDS_AVAILABLE = 409, _(
        "You can withdraw at most your available balance of {available}.")
