"""HTTP between puhui's roles, signed with ``core.signing``: a client that signs each request
(sender, method, path, timestamp, a one-time nonce, body) and the check a receiver makes of
it. The registry's members and the supervisor's platforms both speak it."""

import json
import secrets
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from typing import Any

from puhui.core.signing import signature, signature_matches, timestamp_stale


class PeerUnavailable(Exception):
    """The other role did not answer (down, unreachable, timed out)."""


class PeerRefused(Exception):
    """The other role answered with an error: its code and sentence."""

    def __init__(self, status: int, body: dict[str, Any]) -> None:
        super().__init__(body.get("message_en") or body.get("message") or f"HTTP {status}")
        self.status, self.code = status, str(body.get("code", ""))
        self.message_en = str(body.get("message_en") or body.get("message") or "")
        self.detail = body.get("detail", {})


class SignedClient:
    """Calls under ``prefix`` at ``base_url`` as ``sender``, signed with ``secret``."""

    prefix = "/api/v1"
    unavailable: type[PeerUnavailable] = PeerUnavailable
    refused: type[PeerRefused] = PeerRefused

    def __init__(self, base_url: str, sender: str, secret: str,
                 timeout_seconds: float = 10) -> None:
        self.base_url, self.sender, self.secret = base_url.rstrip("/"), sender, secret
        self.timeout_seconds = timeout_seconds

    def call(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        payload = json.dumps(body).encode() if body is not None else b""
        full_path = self.prefix + path
        timestamp, nonce = str(time.time()), secrets.token_hex(16)
        request = urllib.request.Request(  # noqa: S310 - a configured peer's URL
            self.base_url + full_path, data=payload or None, method=method,
            headers={"Content-Type": "application/json", "X-Puhui-Member": self.sender,
                     "X-Puhui-Timestamp": timestamp, "X-Puhui-Nonce": nonce,
                     "X-Puhui-Signature": signature(self.secret, self.sender, method,
                                                    full_path, timestamp, nonce, payload)})
        try:
            with urllib.request.urlopen(request, timeout=self.timeout_seconds) as response:  # noqa: S310
                return json.loads(response.read())
        except urllib.error.HTTPError as error:
            try:
                answer = json.loads(error.read())
            except ValueError:
                answer = {}
            raise self.refused(error.code, answer) from error
        except (urllib.error.URLError, TimeoutError, ConnectionError) as error:
            raise self.unavailable(str(error)) from error


class SignatureProblem(Exception):
    """Why a request is refused: ``reason`` is "not_signed", "stale" or "replayed"."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def signed_request_check(request: Any, secret_of: Callable[[str], str | None],
                         nonce_first_use: Callable[[str, str], bool]) -> str:
    """The sender of a signed request (its code), after checking signature, age and nonce;
    ``secret_of(code)`` is None for an unknown sender, ``nonce_first_use(code, nonce)``
    records the nonce and says whether it was new."""
    headers = request.headers
    code, timestamp = headers.get("X-Puhui-Member", ""), headers.get("X-Puhui-Timestamp", "")
    nonce, given = headers.get("X-Puhui-Nonce", ""), headers.get("X-Puhui-Signature", "")
    secret = secret_of(code) if code else None
    if secret is None or not (timestamp and nonce and given) or not signature_matches(
            given, secret, code, request.method or "", request.get_full_path(), timestamp,
            nonce, request.body):
        raise SignatureProblem("not_signed")
    try:
        stale = timestamp_stale(timestamp)
    except ValueError:
        raise SignatureProblem("not_signed") from None
    if stale:
        raise SignatureProblem("stale")
    if not nonce_first_use(code, nonce[:64]):
        raise SignatureProblem("replayed")
    return code
