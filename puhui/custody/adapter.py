"""What the platform needs from a custodian bank, and the client for one that speaks HTTP."""

import json
import time
import urllib.error
import urllib.request
from datetime import date
from typing import Any, Protocol

from django.conf import settings

from puhui.core.signing import signature


class CustodianUnavailable(Exception):
    """The custodian did not answer; nothing may be assumed to have happened."""


class CustodianRefused(Exception):
    """The custodian answered with an error (bad signature, unknown sub-account, …)."""


class Custodian(Protocol):
    def sub_account_open(self, owner: str) -> str: ...
    def instruct(self, *, instruction_id: str, kind: str, amount_fen: int,
                 debit: str | None = None, credit: str | None = None) -> dict[str, Any]: ...
    def statement(self, business_date: date) -> list[dict[str, Any]]: ...


class HttpCustodian:
    def __init__(self, base_url: str, secret: str, timeout_seconds: float = 10) -> None:
        self.base_url = base_url.rstrip("/")
        self.secret = secret
        self.timeout_seconds = timeout_seconds

    def _call(self, method: str, path: str, body: dict | None = None) -> Any:
        payload = json.dumps(body).encode() if body is not None else b""
        timestamp = str(time.time())
        request = urllib.request.Request(  # noqa: S310 - the configured custodian URL
            self.base_url + path, data=payload or None, method=method,
            headers={"Content-Type": "application/json", "X-Puhui-Timestamp": timestamp,
                     "X-Puhui-Signature": signature(self.secret, method, path, timestamp,
                                                    payload)})
        try:
            with urllib.request.urlopen(request, timeout=self.timeout_seconds) as response:  # noqa: S310
                return json.loads(response.read())
        except urllib.error.HTTPError as error:
            try:
                detail = json.loads(error.read()).get("message", "")
            except ValueError:
                detail = ""
            raise CustodianRefused(f"HTTP {error.code}: {detail}") from error
        except (urllib.error.URLError, TimeoutError, ConnectionError) as error:
            raise CustodianUnavailable(str(error)) from error

    def sub_account_open(self, owner: str) -> str:
        return str(self._call("POST", "/sub-accounts", {"owner": owner})["number"])

    def instruct(self, *, instruction_id: str, kind: str, amount_fen: int,
                 debit: str | None = None, credit: str | None = None) -> dict[str, Any]:
        return dict(self._call("POST", "/instructions", {
            "id": instruction_id, "kind": kind, "amount_fen": amount_fen, "from": debit,
            "to": credit}))

    def statement(self, business_date: date) -> list[dict[str, Any]]:
        return list(self._call("GET", f"/statement?date={business_date.isoformat()}")
                    ["balances"])


def custodian() -> Custodian:
    return HttpCustodian(settings.PUHUI_CUSTODIAN_URL, settings.PUHUI_CUSTODIAN_SECRET)
