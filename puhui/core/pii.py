"""Personal data at rest: authenticated encryption, a keyed blind index, and masking.

- ``pii_encrypt`` seals a value with AES-256-GCM under the current key; the field it belongs to
  is bound in as associated data, so a ciphertext moved to another column does not open.
  Stored form: ``v1:<key id>:<base64 of nonce + ciphertext>``.
- Keys come from ``PUHUI_PII_KEYS`` (``id:base64key,id:base64key``; the first encrypts, all
  decrypt), so a key is rotated by putting a new one first and running ``puhui pii rotate``.
- ``pii_blind_index`` is an HMAC-SHA256 of the normalised value under ``PUHUI_BLIND_INDEX_KEY``:
  equal values match (look-ups, duplicate detection) without the value being stored.
- ``pii_mask`` is what pages, API responses and logs show: ``110***********1234``.

With ``DEBUG`` off, missing keys are an error (fail closed); with ``DEBUG`` on (``make run``)
and in tests, fixed development keys stand in, and are refused once debug is off.
"""

import base64
import hashlib
import hmac
import os
from dataclasses import dataclass
from functools import lru_cache

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

FORMAT_VERSION = "v1"
DEVELOPMENT_PII_KEYS = "dev1:" + base64.b64encode(b"puhui-development-pii-key-32byte").decode()
DEVELOPMENT_BLIND_INDEX_KEY = base64.b64encode(b"puhui-development-index-key-32by").decode()


class PiiError(ValueError):
    """A ciphertext that does not open: wrong field, unknown key, or tampered."""


@dataclass(frozen=True)
class PiiKeys:
    current_id: str
    by_id: dict[str, bytes]
    index_key: bytes


def _decode_key(text: str, what: str) -> bytes:
    try:
        key = base64.b64decode(text, validate=True)
    except ValueError:
        raise ImproperlyConfigured(f"{what} is not valid base64") from None
    if len(key) != 32:
        raise ImproperlyConfigured(f"{what} must be 32 bytes (base64 of 32 random bytes)")
    return key


@lru_cache(maxsize=1)
def pii_keys() -> PiiKeys:
    keys_text = os.environ.get("PUHUI_PII_KEYS", "")
    index_text = os.environ.get("PUHUI_BLIND_INDEX_KEY", "")
    if not keys_text or not index_text:
        if not settings.DEBUG and not getattr(settings, "PUHUI_ALLOW_DEVELOPMENT_KEYS", False):
            raise ImproperlyConfigured(
                "PUHUI_PII_KEYS and PUHUI_BLIND_INDEX_KEY must be set when DEBUG is off "
                "(see puhui.core.pii)"
            )
        keys_text = keys_text or DEVELOPMENT_PII_KEYS
        index_text = index_text or DEVELOPMENT_BLIND_INDEX_KEY
    by_id: dict[str, bytes] = {}
    order: list[str] = []
    for item in keys_text.split(","):
        key_id, _, encoded = item.strip().partition(":")
        if not key_id or not encoded:
            raise ImproperlyConfigured("PUHUI_PII_KEYS entries look like id:base64key")
        by_id[key_id] = _decode_key(encoded, f"PUHUI_PII_KEYS key {key_id}")
        order.append(key_id)
    return PiiKeys(order[0], by_id, _decode_key(index_text, "PUHUI_BLIND_INDEX_KEY"))


def pii_encrypt(value: str, *, context: str) -> str:
    keys = pii_keys()
    nonce = os.urandom(12)
    sealed = AESGCM(keys.by_id[keys.current_id]).encrypt(
        nonce, value.encode("utf-8"), context.encode()
    )
    return f"{FORMAT_VERSION}:{keys.current_id}:{base64.b64encode(nonce + sealed).decode()}"


def pii_decrypt(token: str, *, context: str) -> str:
    try:
        version, key_id, payload = token.split(":", 2)
        raw = base64.b64decode(payload, validate=True)
    except ValueError:
        raise PiiError("not a puhui ciphertext") from None
    key = pii_keys().by_id.get(key_id)
    if version != FORMAT_VERSION or key is None or len(raw) < 13:
        raise PiiError(f"cannot open a {version} ciphertext under key {key_id!r}")
    try:
        return AESGCM(key).decrypt(raw[:12], raw[12:], context.encode()).decode("utf-8")
    except InvalidTag:
        raise PiiError("ciphertext does not open: wrong field or tampered") from None


def pii_needs_rotation(token: str) -> bool:
    return token.split(":", 2)[1] != pii_keys().current_id


def pii_normalize(value: str) -> str:
    return "".join(value.split()).upper()


def pii_blind_index(value: str, *, context: str) -> str:
    """A keyed, deterministic fingerprint of the normalised value, for matching only."""
    message = f"{context}\x00{pii_normalize(value)}".encode()
    return hmac.new(pii_keys().index_key, message, hashlib.sha256).hexdigest()


def pii_mask(value: str, *, keep_start: int = 3, keep_end: int = 4) -> str:
    """``110105194912310021`` → ``110***********0021``; short values are masked whole."""
    value = pii_normalize(value)
    if len(value) <= keep_start + keep_end:
        return "*" * len(value)
    return value[:keep_start] + "*" * (len(value) - keep_start - keep_end) + value[-keep_end:]
