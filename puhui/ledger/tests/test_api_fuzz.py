"""Whatever a client sends, the ledger API answers 2xx or 4xx with a code — never a 500."""

import json

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from puhui.ledger.models import Transfer
from puhui.parties.models import Role
from puhui.parties.services import api_token_create, user_create

pytestmark = pytest.mark.django_db

scalars = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=False), st.text(max_size=40),
    st.sampled_from(["CNY", "12.34", "1e5", "-0", "00000000-0000-0000-0000-000000000000"]),
)
json_values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner,
                                                                max_size=4),
    max_leaves=12,
)
transfer_like = st.fixed_dictionaries(
    {},
    optional={
        "id": st.one_of(st.uuids().map(str), json_values),
        "debit_account_id": json_values, "credit_account_id": json_values,
        "amount": json_values, "currency": json_values, "code": json_values,
        "pending": json_values, "pending_id": json_values, "timeout_seconds": json_values,
        "linked": json_values, "post_pending_transfer": json_values,
    },
)
bodies = st.one_of(
    json_values,
    st.fixed_dictionaries({"transfers": st.one_of(json_values,
                                                  st.lists(transfer_like, max_size=3))}),
)


@pytest.fixture
def operator_token(db):
    user = user_create(username="fuzz-operator", password="fuzz-password-123", role=Role.OPERATOR)
    return api_token_create(user=user, name="fuzz")[1]


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(body=bodies)
def test_random_bodies_never_cause_a_server_error(operator_token, body):
    client = Client()
    before = Transfer.objects.count()
    response = client.post("/api/v1/ledger/transfers", data=json.dumps(body),
                           content_type="application/json",
                           HTTP_AUTHORIZATION=f"Bearer {operator_token}")
    assert response.status_code < 500, response.content
    if response.status_code >= 400:
        assert response.json()["code"]
        assert Transfer.objects.count() == before
