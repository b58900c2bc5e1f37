"""The registry as its own process on its own database (``puhui serve --role registry``), spoken
to over real HTTP by two members' clients — the code platforms use — racing for one
enterprise's headroom. Runs on SQLite and, in the PostgreSQL pass, on a PostgreSQL database of
its own."""

import json
import threading
import time
import urllib.error
import urllib.request
from decimal import Decimal

import pytest

from puhui.core.signing import signature
from puhui.registry.client import RegistryClient, RegistryRefused

USCC = "91330100MA2H12345X"


def test_two_members_over_http_share_one_cap_and_a_tampered_request_is_refused(registry):
    base, secrets = registry.url, registry.secrets
    clients = {code: RegistryClient(base, code, secret) for code, secret in secrets.items()}
    subject = {"subject_kind": "enterprise", "subject_id": USCC}
    outcomes: list[str] = []

    def reserve(code: str, number: int) -> None:
        try:
            clients[code].call("POST", "/reservations", subject | {
                "reference": f"listing-{number}", "amount": "900000"})
            outcomes.append("held")
        except RegistryRefused as refused:
            outcomes.append(refused.code)

    threads = [threading.Thread(target=reserve, args=(code, n))
               for n in range(4) for code in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    # 5,000,000 across platforms: five reservations of 900,000 fit, the other three do not
    assert sorted(outcomes) == ["OVER_CROSS_PLATFORM_CAP"] * 3 + ["held"] * 5

    with pytest.raises(RegistryRefused) as no_consent:
        clients["platform-b"].call("POST", "/reports", subject | {
            "purpose": "loan_application", "consent_id": "none"})
    assert (no_consent.value.status, no_consent.value.code) == (403, "CONSENT_REQUIRED")
    clients["platform-b"].consent_give(consent_id="c-1", purpose="loan_application", days=30,
                                       **subject)
    report = clients["platform-b"].call("POST", "/reports", subject | {
        "purpose": "loan_application", "consent_id": "c-1"})
    assert Decimal(report["reserved_total"]) == Decimal("4500000")

    body = json.dumps(subject | {"purpose": "loan_application", "consent_id": "c-1"}).encode()
    signed = urllib.request.Request(  # noqa: S310 - loopback
        base + "/api/v1/registry/reports", data=body, method="POST")
    client = clients["platform-b"]
    # sign one body and send another: the registry must notice
    timestamp, nonce = str(time.time()), "n-1"
    signed.add_header("Content-Type", "application/json")
    signed.add_header("X-Puhui-Member", "platform-b")
    signed.add_header("X-Puhui-Timestamp", timestamp)
    signed.add_header("X-Puhui-Nonce", nonce)
    signed.add_header("X-Puhui-Signature", signature(
        client.secret, "platform-b", "POST", "/api/v1/registry/reports", timestamp, nonce,
        body.replace(b"c-1", b"c-2")))
    with pytest.raises(urllib.error.HTTPError) as tampered:
        urllib.request.urlopen(signed, timeout=10)  # noqa: S310 - loopback
    assert tampered.value.code == 401
    assert json.loads(tampered.value.read())["code"] == "REQUEST_NOT_SIGNED"


def test_the_registry_deployment_serves_its_own_pages_and_sign_in(registry):
    home = urllib.request.urlopen(registry.url + "/", timeout=10).read().decode()  # noqa: S310
    assert 'data-testid="registry-figures"' in home  # "/" leads to the registry's page
    login = urllib.request.urlopen(registry.url + "/login/", timeout=10).read().decode()  # noqa: S310
    assert 'data-testid="register-link"' not in login  # nobody registers on the registry
    members = urllib.request.urlopen(registry.url + "/registry/members/", timeout=10)  # noqa: S310
    assert members.geturl().startswith(registry.url + "/login/")  # administrators only
