"""PII at rest: sealed per field, rotatable, matchable by blind index, masked for display."""

import base64

import pytest
from django.core.exceptions import ImproperlyConfigured

from puhui.core import pii
from puhui.core.pii import (
    PiiError,
    pii_blind_index,
    pii_decrypt,
    pii_encrypt,
    pii_mask,
    pii_needs_rotation,
)

RIC = "11010519491231002X"


@pytest.fixture
def keys(monkeypatch):
    def use(keys: str, index: str = base64.b64encode(b"i" * 32).decode()) -> None:
        monkeypatch.setenv("PUHUI_PII_KEYS", keys)
        monkeypatch.setenv("PUHUI_BLIND_INDEX_KEY", index)
        pii.pii_keys.cache_clear()

    yield use
    pii.pii_keys.cache_clear()


def key(byte: bytes) -> str:
    return base64.b64encode(byte * 32).decode()


def test_a_value_round_trips_and_never_appears_in_the_ciphertext():
    sealed = pii_encrypt(RIC, context="enterprise.legal_rep_id")
    assert RIC not in sealed
    assert pii_decrypt(sealed, context="enterprise.legal_rep_id") == RIC
    assert pii_encrypt(RIC, context="enterprise.legal_rep_id") != sealed  # fresh nonce


def test_a_ciphertext_moved_to_another_field_or_tampered_does_not_open():
    sealed = pii_encrypt(RIC, context="enterprise.legal_rep_id")
    with pytest.raises(PiiError):
        pii_decrypt(sealed, context="investor.resident_id")
    version, key_id, payload = sealed.split(":")
    raw = bytearray(base64.b64decode(payload))
    raw[-1] ^= 1
    with pytest.raises(PiiError):
        pii_decrypt(f"{version}:{key_id}:{base64.b64encode(bytes(raw)).decode()}",
                    context="enterprise.legal_rep_id")


def test_rotation_old_keys_still_open_new_values_use_the_new_key(keys):
    keys(f"old:{key(b'o')}")
    sealed_old = pii_encrypt(RIC, context="c")
    keys(f"new:{key(b'n')},old:{key(b'o')}")
    assert pii_needs_rotation(sealed_old)
    assert pii_decrypt(sealed_old, context="c") == RIC
    sealed_new = pii_encrypt(RIC, context="c")
    assert sealed_new.split(":")[1] == "new"
    assert not pii_needs_rotation(sealed_new)
    keys(f"new:{key(b'n')}")  # the old key retired: its ciphertexts no longer open
    with pytest.raises(PiiError):
        pii_decrypt(sealed_old, context="c")


def test_blind_index_matches_equal_values_only_and_depends_on_the_key(keys):
    a = pii_blind_index("1380013 8000", context="phone")
    assert a == pii_blind_index("13800138000", context="phone")
    assert a != pii_blind_index("13800138001", context="phone")
    assert a != pii_blind_index("13800138000", context="bank")
    assert "13800138000" not in a
    keys(f"k:{key(b'k')}", index=key(b"x"))
    assert pii_blind_index("13800138000", context="phone") != a


def test_masks():
    assert pii_mask("110105194912310021") == "110***********0021"
    assert pii_mask("13800138000") == "138****8000"
    assert pii_mask("6222021234567890123", keep_start=4) == "6222***********0123"
    assert pii_mask("1234") == "****"


def test_bad_keys_fail_closed(keys):
    keys("nokeyid")
    with pytest.raises(ImproperlyConfigured, match="id:base64key"):
        pii.pii_keys()
    keys(f"k:{base64.b64encode(b'short').decode()}")
    with pytest.raises(ImproperlyConfigured, match="32 bytes"):
        pii.pii_keys()
