"""Identity numbers checked by their check digits (USCC, resident ID, bank card), phone
numbers, and personal data sealed with a blind index and a mask (core.pii)."""

import re
from datetime import date
from decimal import Decimal

from django.utils.translation import gettext_lazy
from django_stubs_ext import StrOrPromise
from stdnum import luhn
from stdnum.cn import ric, uscc
from stdnum.exceptions import InvalidChecksum, InvalidComponent, InvalidFormat, InvalidLength
from stdnum.exceptions import ValidationError as NumberError

from puhui.core.errors import PuhuiError
from puhui.core.pii import pii_blind_index, pii_encrypt, pii_mask
from puhui.parties.errors import PartiesError

PHONE_PATTERN = re.compile(r"^1[3-9]\d{9}$")


def _what_is_wrong(error: NumberError) -> StrOrPromise:
    """What a number's check found, in the reader's language (python-stdnum says it in
    English only)."""
    if isinstance(error, InvalidChecksum):
        return gettext_lazy("the check digit is wrong")
    if isinstance(error, InvalidLength):
        return gettext_lazy("it has the wrong number of characters")
    if isinstance(error, InvalidFormat):
        return gettext_lazy("it holds characters that do not belong in it")
    if isinstance(error, InvalidComponent):
        return gettext_lazy("a part of it (such as the region or the birth date) is not valid")
    return gettext_lazy("it is not a valid number")


def uscc_validate(value: str) -> str:
    try:
        return str(uscc.validate(value))
    except NumberError as error:
        raise PuhuiError(PartiesError.INVALID_USCC, value=value,
                         problem=_what_is_wrong(error)) from None


def resident_id_validate(value: str) -> tuple[str, date]:
    """A valid resident ID and the birth date it carries."""
    try:
        number = str(ric.validate(value))
        return number, ric.get_birth_date(number)
    except NumberError as error:
        raise PuhuiError(PartiesError.INVALID_RESIDENT_ID, problem=_what_is_wrong(error)) from None


def phone_validate(value: str) -> str:
    number = "".join(value.split())
    if not PHONE_PATTERN.match(number):
        raise PuhuiError(PartiesError.INVALID_PHONE)
    return number


def bank_account_validate(value: str, *, card: bool) -> str:
    """Account numbers are 12–30 digits; a personal bank card also passes the Luhn check."""
    number = "".join(value.split())
    if not number.isdigit() or not 12 <= len(number) <= 30:
        raise PuhuiError(PartiesError.INVALID_BANK_ACCOUNT, problem=gettext_lazy("12 to 30 digits"))
    if card and not luhn.is_valid(number):
        raise PuhuiError(PartiesError.INVALID_BANK_ACCOUNT,
                         problem=gettext_lazy("the check digit is wrong"))
    return number


def pii_sealed(value: str, context: str, **mask: int) -> dict[str, str]:
    """The encrypted, index and masked columns of one personal value."""
    return {
        f"{context}_encrypted": pii_encrypt(value, context=context),
        f"{context}_index": pii_blind_index(value, context=context),
        f"{context}_masked": pii_mask(value, **mask),
    }


def positive_required(field: str, value: Decimal | int) -> None:
    if value < 0:
        raise PuhuiError(PartiesError.INVALID_FIGURE, field=field, problem=" cannot be negative")
