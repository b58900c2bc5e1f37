"""Registry errors, with stable codes, in English and Chinese."""

from enum import unique

from django.utils.translation import gettext_noop as _

from puhui.core.errors import ErrorCode


@unique
class RegistryError(ErrorCode):
    CONSENT_REQUIRED = 403, _(
        "The subject has not given this member a valid consent for this purpose.")
    CONSENT_INVALID = 400, _("The consent is not valid: {problem}.")
    PURPOSE_UNKNOWN = 400, _("{purpose} is not a purpose of inquiry.")
    SUBJECT_KIND_UNKNOWN = 400, _("{kind} is not a kind of subject; use enterprise or person.")
    OVER_CROSS_PLATFORM_CAP = 409, _(
        "This would take the borrower over the cap of {cap} CNY across all platforms: "
        "{exposure} CNY is outstanding or reserved, {headroom} CNY is left.")
    OVER_CROSS_PORTAL_LIMIT = 409, _(
        "{purpose}: the limit is {limit} over 12 months across all platforms; {used} is "
        "reserved or invested, {left} is left.")
    COLLECTED_OVER_RESERVED = 400, _(
        "More cannot be collected under {reference} than was reserved.")
    RESERVATION_DIFFERS = 409, _(
        "A reservation for {reference} already exists with a different amount.")
    RESERVATION_NOT_FOUND = 404, _("There is no reservation for {reference}.")
    RESERVATION_RESOLVED = 409, _("The reservation for {reference} is already {status}.")
    TRADE_LINE_REJECTED = 400, _("The trade line was rejected: {reason}.")
    SUBJECT_NOT_NOTIFIED = 400, _(
        "A negative record is reported only after the subject was notified; give the date.")
    DISPUTE_TARGET_INVALID = 400, _("A dispute must name one of the subject's own records.")
    DISPUTE_STATEMENT_REQUIRED = 400, _("Say what is wrong: a statement is required.")
    DISPUTE_NOT_FOUND = 404, _("There is no dispute {dispute} for you.")
    DISPUTE_ANSWERED = 409, _("Dispute {dispute} is already answered.")
    REQUEST_NOT_SIGNED = 401, _(
        "The request is not signed by a registry member, or was changed on the way.")
    REQUEST_REPLAYED = 401, _("This request was already received; a nonce is used once.")
    REQUEST_STALE = 401, _("The request is too old; sign it again.")
    NEGATIVE_KIND_UNKNOWN = 400, _(
        "{kind} is not a negative record; use default, fake_information or fraud.")
