"""Unified social credit codes and resident IDs, valid and with wrong check digits."""

from datetime import date

import pytest

from puhui.core.errors import PuhuiError
from puhui.parties.services import (
    bank_account_validate,
    phone_validate,
    resident_id_validate,
    uscc_validate,
)


@pytest.mark.parametrize("code", ["91110000600037341L", "91330100MA20010000"])
def test_valid_uscc(code):
    assert uscc_validate(code) == code


@pytest.mark.parametrize(
    "code",
    ["91110000600037341M",  # wrong check digit
     "9111000060003734",  # too short
     "91110000600037341LL",  # too long
     "9111000060003734IL",  # I is not in the alphabet
     ""],
)
def test_invalid_uscc_is_refused(code):
    with pytest.raises(PuhuiError) as caught:
        uscc_validate(code)
    assert caught.value.code == "INVALID_USCC"


def test_valid_resident_id_carries_its_birth_date():
    assert resident_id_validate("11010519491231002X") == ("11010519491231002X", date(1949, 12, 31))


@pytest.mark.parametrize(
    "number",
    ["110105194912310021",  # wrong check digit (X expected)
     "11010519491331002X",  # month 13
     "11010519491231002",  # 17 digits
     "abcdefghijklmnopqr"],
)
def test_invalid_resident_id_is_refused(number):
    with pytest.raises(PuhuiError) as caught:
        resident_id_validate(number)
    assert caught.value.code == "INVALID_RESIDENT_ID"


def test_phones_and_bank_accounts():
    assert phone_validate("138 1234 5678") == "13812345678"
    for bad in ("12812345678", "1381234567", "+8613812345678"):
        with pytest.raises(PuhuiError):
            phone_validate(bad)
    assert bank_account_validate("6222021234567890128", card=True) == "6222021234567890128"
    with pytest.raises(PuhuiError, match="check digit"):
        bank_account_validate("6222021234567890127", card=True)
    assert bank_account_validate("330100123456789012", card=False)  # company accounts: no Luhn
    with pytest.raises(PuhuiError):
        bank_account_validate("12345", card=False)
