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
    WALLET_OWNER_NOT_ADMITTED = 403, _(
        "Money can move in and out of this wallet once its owner's admittance review is "
        "approved.")
    DEPOSIT_ABOVE_SINGLE_LIMIT = 422, _("A single deposit can be at most {limit}.")
    DEPOSIT_ABOVE_DAILY_LIMIT = 422, _(
        "Deposits are limited to {limit} a day; {left} can still be deposited today.")
    WITHDRAWAL_ABOVE_SINGLE_LIMIT = 422, _("A single withdrawal can be at most {limit}.")
    WITHDRAWAL_ABOVE_DAILY_LIMIT = 422, _(
        "Withdrawals are limited to {limit} a day; {left} can still be withdrawn today.")
