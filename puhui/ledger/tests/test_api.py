"""The ledger API over HTTP (Django's test client): auth, permissions, validation, results."""

import json
import uuid
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from puhui.ledger.models import Account, Transfer
from puhui.ledger.tests.factories import fund, wallet
from puhui.parties.models import Role
from puhui.parties.services import api_token_create, user_create

pytestmark = pytest.mark.django_db


def make_user(role: Role, name: str | None = None):
    return user_create(username=name or f"{role}-{uuid.uuid4().hex[:6]}",
                       password="correct-horse-battery", role=role)


def bearer(user) -> dict:
    _token, secret = api_token_create(user=user, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def post_json(client: Client, path: str, body, **headers):
    data = body if isinstance(body, str) else json.dumps(body)
    return client.post(path, data=data, content_type="application/json", **headers)


@pytest.fixture
def operator_headers():
    return bearer(make_user(Role.OPERATOR))


def transfer_body(debit: Account, credit: Account, amount: str = "12.34", **fields) -> dict:
    return {"id": str(uuid.uuid4()), "debit_account_id": debit.id, "credit_account_id": credit.id,
            "amount": amount, "currency": "CNY", "code": "api"} | fields


def test_operator_creates_a_batch_and_gets_a_result_per_transfer(client, operator_headers):
    alice, bob = wallet(), wallet()
    fund(alice, 5_000)
    body = {"transfers": [transfer_body(alice, bob, "12.34"), transfer_body(alice, bob, "100.00")]}

    response = post_json(client, "/api/v1/ledger/transfers", body, **operator_headers)

    assert response.status_code == 200
    payload = response.json()
    assert [r["result"] for r in payload["results"]] == ["ok", "exceeds_credits"]
    assert payload["all_ok"] is False
    bob.refresh_from_db()
    assert bob.credits_posted == 1_234


def test_retrying_a_request_answers_exists(client, operator_headers):
    alice, bob = wallet(), wallet()
    fund(alice, 5_000)
    body = {"transfers": [transfer_body(alice, bob, "1.00")]}
    post_json(client, "/api/v1/ledger/transfers", body, **operator_headers)
    again = post_json(client, "/api/v1/ledger/transfers", body, **operator_headers)
    assert again.json()["results"][0]["result"] == "exists"
    assert Transfer.objects.filter(credit_account=bob).count() == 1


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ("{not json", "MALFORMED_JSON"),
        ({"transfers": []}, "BATCH_EMPTY"),
        ({"transfers": [{"id": "not-a-uuid"}]}, "INVALID_INPUT"),
        ({"transfers": [{"id": str(uuid.uuid4()), "amount": "1.234", "currency": "CNY"}]},
         "INVALID_AMOUNT"),
        ({"transfers": [{"id": str(uuid.uuid4()), "amount": 12.5, "currency": "CNY"}]},
         "INVALID_INPUT"),
        ({"transfers": [{"id": str(uuid.uuid4()), "amount": "-1", "currency": "CNY"}]},
         "INVALID_INPUT"),
        ({"transfers": [{"id": str(uuid.uuid4()), "amount": "1.00"}]},
         "CURRENCY_NEEDED_FOR_AMOUNT"),
        ({"transfers": [{"id": str(uuid.uuid4()), "amount": "1.00", "currency": "XYZ"}]},
         "UNKNOWN_CURRENCY"),
        ({"transfers": [{"id": str(uuid.uuid4()), "debit_account_id": -1}]}, "INVALID_INPUT"),
        ({"transfers": [{"id": str(uuid.uuid4()), "timeout_seconds": -1}]}, "INVALID_INPUT"),
        ({"transfers": [{"id": str(uuid.uuid4()), "amount": "99999999999999999999",
                         "currency": "CNY"}]}, "INVALID_INPUT"),
    ],
)
def test_bad_input_is_a_400_with_a_code_in_both_languages_and_changes_nothing(
    client, operator_headers, body, code
):
    before = Transfer.objects.count()
    response = post_json(client, "/api/v1/ledger/transfers", body, **operator_headers)
    assert response.status_code == 400, response.content
    payload = response.json()
    assert payload["code"] == code
    assert payload["message_en"]
    assert payload["message_zh"] != payload["message_en"]
    assert Transfer.objects.count() == before


def test_errors_speak_chinese_when_asked(client, operator_headers):
    response = post_json(client, "/api/v1/ledger/transfers", {"transfers": []},
                         HTTP_ACCEPT_LANGUAGE="zh-hans", **operator_headers)
    assert response.json()["message"] == "本批没有任何转账。"


def test_anonymous_is_401_and_non_operators_are_403(client):
    alice, bob = wallet(), wallet()
    fund(alice, 5_000)
    body = {"transfers": [transfer_body(alice, bob)]}
    assert post_json(client, "/api/v1/ledger/transfers", body).status_code == 401
    for role in (Role.BORROWER, Role.INVESTOR, Role.REGULATOR):
        response = post_json(client, "/api/v1/ledger/transfers", body, **bearer(make_user(role)))
        assert response.status_code == 403
        assert response.json()["code"] == "PERMISSION_DENIED"
    revoked = bearer(make_user(Role.OPERATOR))
    assert post_json(client, "/api/v1/ledger/transfers", body,
                     HTTP_AUTHORIZATION="Bearer phk_wrong").status_code == 401
    assert revoked  # a valid token still works after a wrong one was tried
    assert Transfer.objects.filter(credit_account=bob).count() == 0


def test_accounts_are_readable_by_their_owner_operators_and_regulators_only(client):
    investor, stranger = make_user(Role.INVESTOR), make_user(Role.INVESTOR)
    account = wallet(owner=investor.ledger_owner)
    fund(account, 123_456)
    path = f"/api/v1/ledger/accounts/{account.id}"

    own = client.get(path, **bearer(investor))
    assert own.status_code == 200
    assert own.json()["balance_posted"] == "1234.56"
    assert own.json()["credits_posted"] == "1234.56"
    assert client.get(path, **bearer(stranger)).status_code == 403
    assert client.get(path, **bearer(make_user(Role.REGULATOR))).status_code == 200
    assert client.get(path).status_code == 401
    missing = client.get("/api/v1/ledger/accounts/999999999", **bearer(make_user(Role.OPERATOR)))
    assert missing.status_code == 404
    assert missing.json()["code"] == "ACCOUNT_NOT_FOUND"


def test_session_auth_works_for_the_browser(client):
    investor = make_user(Role.INVESTOR, "session-investor")
    account = wallet(owner=investor.ledger_owner)
    client.force_login(investor)
    assert client.get(f"/api/v1/ledger/accounts/{account.id}").status_code == 200


def test_operator_opens_an_account_and_bad_flags_are_refused(client, operator_headers):
    created = post_json(client, "/api/v1/ledger/accounts",
                        {"kind": "investor_wallet", "owner": "user:1", "currency": "CNY",
                         "debits_must_not_exceed_credits": True}, **operator_headers)
    assert created.status_code == 201
    assert created.json()["balance_available"] == "0.00"
    before = Account.objects.count()
    conflict = post_json(client, "/api/v1/ledger/accounts",
                         {"kind": "x", "currency": "CNY", "debits_must_not_exceed_credits": True,
                          "credits_must_not_exceed_debits": True}, **operator_headers)
    assert conflict.status_code == 400
    assert conflict.json()["code"] == "ACCOUNT_FLAGS_CONFLICT"
    bad_currency = post_json(client, "/api/v1/ledger/accounts",
                             {"kind": "x", "currency": "ABC"}, **operator_headers)
    assert bad_currency.json()["code"] == "UNKNOWN_CURRENCY"
    assert Account.objects.count() == before


def test_statement_pages_with_a_cursor_and_a_running_balance(client):
    regulator = bearer(make_user(Role.REGULATOR))
    alice, bob = wallet(), wallet()
    fund(alice, 10_000)
    from puhui.ledger.services import NewTransfer, transfers_create

    transfers_create([NewTransfer(id=uuid.uuid4(), debit_account_id=alice.id,
                                  credit_account_id=bob.id, amount=100 * (i + 1),
                                  currency="CNY", code=f"t{i}") for i in range(5)])
    path = f"/api/v1/ledger/accounts/{alice.id}/statement"

    first = client.get(path, {"limit": 3}, **regulator).json()
    assert [line["code"] for line in first["lines"]] == ["deposit", "t0", "t1"]
    # 100.00 in, then 1.00 and 2.00 out
    assert [line["balance_posted"] for line in first["lines"]] == ["100.00", "99.00", "97.00"]
    second = client.get(path, {"limit": 3, "cursor": first["next_cursor"]}, **regulator).json()
    assert [line["code"] for line in second["lines"]] == ["t2", "t3", "t4"]
    assert second["opening_balance_posted"] == "97.00"
    assert [line["balance_posted"] for line in second["lines"]] == ["94.00", "90.00", "85.00"]
    assert second["next_cursor"] is None

    bad = client.get(path, {"cursor": "garbage!"}, **regulator)
    assert bad.status_code == 400
    assert bad.json()["code"] == "INVALID_CURSOR"
    now = timezone.now()
    backwards = client.get(path, {"start": now.isoformat(),
                                  "end": (now - timedelta(days=1)).isoformat()}, **regulator)
    assert backwards.json()["code"] == "INVALID_TIME_RANGE"


def test_balance_as_of_a_time(client):
    regulator = bearer(make_user(Role.REGULATOR))
    alice = wallet()
    fund(alice, 500)
    before = (timezone.now() - timedelta(hours=1)).isoformat()
    after = (timezone.now() + timedelta(seconds=1)).isoformat()
    path = f"/api/v1/ledger/accounts/{alice.id}/balance"
    assert client.get(path, {"at": before}, **regulator).json()["balance_posted"] == "0.00"
    assert client.get(path, {"at": after}, **regulator).json()["balance_posted"] == "5.00"
    assert client.get(path, {"at": "yesterday"}, **regulator).status_code == 400


def test_openapi_schema_is_served(client):
    schema = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/ledger/transfers" in schema["paths"]
    assert "/api/v1/ledger/accounts/{account_id}/statement" in schema["paths"]
