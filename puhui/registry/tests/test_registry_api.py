"""The registry over HTTP (Django's test client against the real API): signed requests only,
tampered and replayed ones refused; consent before any report, every inquiry logged; batches
that keep their good records; a report that hides other members' names."""

import json
import secrets
import time
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from puhui.core.signing import signature
from puhui.registry.models import Inquiry, TradeLine, TradeLineReport
from puhui.registry.services import consent_signature, member_register

pytestmark = pytest.mark.django_db
USCC = "91330100MA2H12345X"


class Signed:
    """A member's client over Django's test client, signing as RegistryClient does."""

    def __init__(self, code: str):
        self.member, self.secret = member_register(code=code, name=f"Platform {code}",
                                                   kind="platform")
        self.code, self.client = code, Client()

    def headers(self, method: str, path: str, body: bytes, *, nonce: str | None = None,
                timestamp: str | None = None) -> dict[str, str]:
        timestamp = timestamp or str(time.time())
        nonce = nonce or secrets.token_hex(16)
        return {"HTTP_X_PUHUI_MEMBER": self.code, "HTTP_X_PUHUI_TIMESTAMP": timestamp,
                "HTTP_X_PUHUI_NONCE": nonce,
                "HTTP_X_PUHUI_SIGNATURE": signature(self.secret, self.code, method, path,
                                                    timestamp, nonce, body)}

    def post(self, path: str, body: dict, **signing):
        full = "/api/v1/registry" + path
        raw = json.dumps(body).encode()
        return self.client.post(full, data=raw, content_type="application/json",
                                **self.headers("POST", full, raw, **signing))

    def consent(self, consent_id: str = "c-1", *, days: int = 30, subject: str = USCC,
                purpose: str = "loan_application"):
        granted = timezone.now().replace(microsecond=0) - timedelta(minutes=1)
        expires = granted + timedelta(days=days)
        return self.post("/consents", {
            "consent_id": consent_id, "subject_kind": "enterprise", "subject_id": subject,
            "purpose": purpose, "granted_at": granted.isoformat(),
            "expires_at": expires.isoformat(),
            "signature": consent_signature(self.secret, consent_id=consent_id,
                                           subject_kind="enterprise", subject_id=subject,
                                           purpose=purpose, granted_at=granted.isoformat(),
                                           expires_at=expires.isoformat())})

    def report(self, consent_id: str = "c-1", subject: str = USCC):
        return self.post("/reports", {"subject_kind": "enterprise", "subject_id": subject,
                                      "purpose": "loan_application", "consent_id": consent_id})


def trade_line(event_id: str, account: str, **overrides) -> dict:
    return {"event_id": event_id, "event": "opened", "subject_kind": "enterprise",
            "subject_id": USCC, "account_number": account, "product_type": "loan",
            "opened_on": "2026-03-01", "amount": "300000", "balance": "250000",
            "scheduled_payment": "26000", "past_due": "0", "status": "open",
            "payment_history": "NNNNNNNNN", "as_of": "2026-11-30"} | overrides


def test_a_signed_request_passes_a_tampered_or_replayed_or_stale_one_does_not():
    platform = Signed("platform-a")
    assert platform.consent().status_code == 201
    full = "/api/v1/registry/reports"
    body = json.dumps({"subject_kind": "enterprise", "subject_id": USCC,
                       "purpose": "loan_application", "consent_id": "c-1"}).encode()
    headers = platform.headers("POST", full, body, nonce="once")
    first = platform.client.post(full, data=body, content_type="application/json", **headers)
    assert first.status_code == 200
    replayed = platform.client.post(full, data=body, content_type="application/json",
                                    **headers)
    assert (replayed.status_code, replayed.json()["code"]) == (401, "REQUEST_REPLAYED")
    tampered = body.replace(b"loan_application", b"loan_management")
    changed = platform.client.post(full, data=tampered, content_type="application/json",
                                   **platform.headers("POST", full, body))
    assert (changed.status_code, changed.json()["code"]) == (401, "REQUEST_NOT_SIGNED")
    stale = platform.post("/reports", json.loads(body), timestamp=str(time.time() - 3600))
    assert (stale.status_code, stale.json()["code"]) == (401, "REQUEST_STALE")
    stranger = Client().post(full, data=body, content_type="application/json")
    assert stranger.status_code == 401
    assert Inquiry.objects.count() == 1  # only the signed, fresh, first request got through


def test_without_consent_the_registry_answers_403_and_logs_the_attempt():
    platform = Signed("platform-a")
    refused = platform.report("never-given")
    assert (refused.status_code, refused.json()["code"]) == (403, "CONSENT_REQUIRED")
    assert "同意" in refused.json()["message_zh"] or "授权" in refused.json()["message_zh"]
    assert platform.consent("c-1").status_code == 201
    assert platform.report("c-1").status_code == 200
    other = Signed("platform-b")  # another member cannot use platform-a's consent
    assert other.report("c-1").status_code == 403
    assert [(i.member.code, i.allowed) for i in Inquiry.objects.order_by("pk")] == [
        ("platform-a", False), ("platform-a", True), ("platform-b", False)]


def test_an_expired_or_badly_signed_consent_is_no_consent():
    platform = Signed("platform-a")
    granted = timezone.now().replace(microsecond=0) - timedelta(days=40)
    expires = granted + timedelta(days=30)
    expired = platform.post("/consents", {
        "consent_id": "old", "subject_kind": "enterprise", "subject_id": USCC,
        "purpose": "loan_application", "granted_at": granted.isoformat(),
        "expires_at": expires.isoformat(),
        "signature": consent_signature(platform.secret, consent_id="old",
                                       subject_kind="enterprise", subject_id=USCC,
                                       purpose="loan_application",
                                       granted_at=granted.isoformat(),
                                       expires_at=expires.isoformat())})
    assert expired.status_code == 201
    assert platform.report("old").status_code == 403
    forged = platform.post("/consents", {
        "consent_id": "forged", "subject_kind": "enterprise", "subject_id": USCC,
        "purpose": "loan_application", "granted_at": granted.isoformat(),
        "expires_at": (granted + timedelta(days=90)).isoformat(), "signature": "0" * 64})
    assert (forged.status_code, forged.json()["code"]) == (400, "CONSENT_INVALID")


def test_a_batch_keeps_its_good_records_and_says_why_each_bad_one_was_rejected():
    platform = Signed("platform-a")
    records = [
        trade_line("e1", "L-1"),
        trade_line("e2", "L-2", amount="-5"),
        trade_line("e3", "L-3", payment_history="NNX"),
        trade_line("e4", "L-4", past_due="100", status="open"),  # no first delinquency date
        trade_line("e5", "L-5", status="paid"),
        {"event_id": "e6"},
        trade_line("e7", "L-7", opened_on="2026-13-01"),
        trade_line("e8", "L-8"),
    ]
    answer = platform.post("/trade-lines", {"records": records}).json()
    assert (answer["accepted"], answer["duplicates"]) == (2, 0)
    assert [(r["index"], r["code"]) for r in answer["rejected"]] == [
        (1, "FIELD_INVALID"), (2, "FIELD_INVALID"), (3, "FIELD_MISSING"),
        (4, "FIELD_INVALID"), (5, "FIELD_MISSING"), (6, "FIELD_INVALID")]
    assert "payment_history" in answer["rejected"][1]["reason"]
    assert "first_delinquency_on" in answer["rejected"][2]["reason"]
    assert sorted(TradeLine.objects.values_list("account_number", flat=True)) == ["L-1", "L-8"]
    again = platform.post("/trade-lines", {"records": records[:1]}).json()
    assert (again["accepted"], again["duplicates"]) == (0, 1)
    assert TradeLineReport.objects.count() == 2
    stored = TradeLineReport.objects.first().record
    assert "subject_id" not in stored  # the identity number is not kept in clear


def test_the_report_sums_across_members_and_hides_the_other_members_names():
    first, second = Signed("platform-a"), Signed("platform-b")
    first.post("/trade-lines", {"records": [trade_line("a1", "A-1", balance="250000")]})
    second.post("/trade-lines", {"records": [trade_line(
        "b1", "B-9", balance="100000", past_due="10000", first_delinquency_on="2026-10-05",
        payment_history="NNNNN1", status="open")]})
    second.consent("c-b")
    report = second.report("c-b").json()
    assert report["outstanding_total"] == "350000.00"
    assert report["open_financings"] == 2
    assert report["subject"]["identity"] == "9133**********345X"
    lenders = {f["lender"]: f for f in report["financings"]}
    assert set(lenders) == {"you", "member A"}
    assert lenders["member A"]["account_number"] == ""  # another member's account stays hidden
    assert lenders["you"]["payment_history"].endswith("NNNNN1")
    assert "platform-a" not in json.dumps(report)
    assert report["inquiries"] == {"last_3_months": 1, "last_6_months": 1,
                                   "last_12_months": 1}


def test_reservations_hold_release_and_convert_against_the_cap_across_members():
    first, second = Signed("platform-a"), Signed("platform-b")
    first.post("/trade-lines", {"records": [trade_line("a1", "A-1", balance="3000000",
                                                      amount="3000000")]})

    def reserve(member, reference, amount):
        return member.post("/reservations", {"subject_kind": "enterprise", "subject_id": USCC,
                                             "reference": reference, "amount": amount})

    assert reserve(first, "listing-1", "1500000").status_code == 201
    over = reserve(second, "listing-9", "600000")  # 3.0 + 1.5 + 0.6 > 5.0 million
    assert (over.status_code, over.json()["code"]) == (409, "OVER_CROSS_PLATFORM_CAP")
    assert "500000.00" in over.json()["message_en"]  # the headroom left is named
    assert reserve(first, "listing-1", "1500000").status_code == 201  # idempotent
    assert first.post("/reservations/listing-1/release", {}).json()["status"] == "released"
    assert reserve(second, "listing-9", "600000").status_code == 201
    converted = second.post("/reservations/listing-9/convert",
                            trade_line("b1", "B-1", amount="600000", balance="600000"))
    assert converted.json()["status"] == "converted"
    assert reserve(first, "listing-2", "1400001").status_code == 409  # 3.6 million used
    assert reserve(first, "listing-2", "1400000").status_code == 201


def test_a_batch_with_two_events_of_one_account_keeps_the_last_and_logs_both():
    platform = Signed("platform-a")
    answer = platform.post("/trade-lines", {"records": [
        trade_line("m1", "L-1", balance="250000"),
        trade_line("m2", "L-1", event="paid", balance="224000", payment_history="NNNNNNNNNN"),
        trade_line("m2", "L-1", event="paid", balance="1"),  # the same event twice: once
        trade_line("m3", "L-1", subject_id="91110000600037341L"),  # another subject's account
    ]}).json()
    assert (answer["accepted"], answer["duplicates"]) == (2, 1)
    assert [(r["index"], r["code"]) for r in answer["rejected"]] == [(3, "SUBJECT_CHANGED")]
    line = TradeLine.objects.get()
    assert (line.balance_fen, line.payment_history) == (224_000_00, "*" * 14 + "N" * 10)
    assert list(line.reports.order_by("pk").values_list("event", flat=True)) == ["opened",
                                                                                  "paid"]


def test_a_report_shows_only_the_sections_the_rulebook_allows_for_the_purpose():
    platform = Signed("platform-a")
    platform.post("/trade-lines", {"records": [trade_line("a1", "A-1")]})
    platform.consent("c-m", purpose="loan_management")
    managing = platform.post("/reports", {"subject_kind": "enterprise", "subject_id": USCC,
                                          "purpose": "loan_management",
                                          "consent_id": "c-m"}).json()
    assert "inquiries" not in managing  # cn-2016: not needed to manage a loan
    assert managing["outstanding_total"] == "250000.00"
    platform.consent("c-a")
    applying = platform.report("c-a").json()
    # managing a loan is a soft inquiry: only the application's own one counts
    assert applying["inquiries"]["last_3_months"] == 1


def test_a_subject_looking_at_their_own_report_is_not_an_inquiry_lenders_see():
    platform = Signed("platform-a")
    platform.post("/trade-lines", {"records": [trade_line("a1", "A-1")]})
    platform.consent("c-own", purpose="subject_request")
    for _visit in range(11):
        own = platform.post("/subject/report", {"subject_kind": "enterprise",
                                                "subject_id": USCC, "consent_id": "c-own"})
        assert own.status_code == 200
    looked = own.json()["who_looked"]
    assert len(looked) == 11  # every visit is logged and shown to the subject …
    assert {(i["purpose"], i["seen_by_lenders"]) for i in looked} == {
        ("subject_request", False)}
    platform.consent("c-a")
    lender = platform.report("c-a").json()
    # … but a lender sees only its own application's inquiry
    assert lender["inquiries"] == {"last_3_months": 1, "last_6_months": 1,
                                   "last_12_months": 1}
    assert Inquiry.objects.filter(purpose="subject_request").count() == 11
