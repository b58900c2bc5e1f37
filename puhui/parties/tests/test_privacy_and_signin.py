"""PII never in clear in the database, responses or logs; sign-in lockout, TOTP, uploads."""

import io
import logging
from datetime import timedelta

import pyotp
import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.test import Client, override_settings
from django.utils import timezone

from puhui.audit.models import AuditEvent
from puhui.core.errors import PuhuiError
from puhui.core.pii import pii_decrypt
from puhui.parties.models import LicenceDocument, Role, TotpDevice, User
from puhui.parties.services import (
    licence_document_add,
    login_check_password,
    totp_enroll,
    totp_verify,
)
from puhui.parties.tests.factories import (
    PASSWORD,
    enterprise_fields,
    enterprise_new,
    investor_fields,
    investor_new,
    user_new,
)
from puhui.parties.tests.helpers import sign_in

pytestmark = pytest.mark.django_db


def database_text() -> str:
    """Every row of every puhui table, as text."""
    chunks = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            if table.startswith(("parties_", "audit_", "rulebook_", "ledger_")):
                cursor.execute(f"SELECT * FROM {table}")
                chunks.append(repr(cursor.fetchall()))
    return "\n".join(chunks)


def test_pii_is_never_stored_shown_or_logged_in_clear(client, caplog):
    caplog.set_level(logging.DEBUG)
    borrower = user_new(Role.BORROWER)
    kyb = enterprise_fields()
    enterprise = enterprise_new(borrower, **kyb)
    kyc = investor_fields()
    investor = investor_new(**kyc)
    secrets_in_clear = [kyb["legal_rep_id"], kyb["phone"], kyb["bank_account"],
                        kyc["resident_id"], kyc["bank_card"], kyc["phone"]]

    # the database holds ciphertexts, blind indexes and masks only
    stored = database_text()
    for value in secrets_in_clear:
        assert value not in stored
    assert pii_decrypt(enterprise.legal_rep_id_encrypted,
                       context="legal_rep_id") == kyb["legal_rep_id"]

    # pages and API responses show masks
    client.force_login(borrower)
    page = client.get(f"/enterprises/{enterprise.pk}/").content.decode()
    api = client.get(f"/api/v1/parties/enterprises/{enterprise.pk}").content.decode()
    client.force_login(investor.user)
    kyc_page = client.get("/investor/kyc/").content.decode()
    kyc_api = client.get("/api/v1/parties/investor-profile").content.decode()
    for shown in (page, api, kyc_page, kyc_api):
        for value in secrets_in_clear:
            assert value not in shown
    assert kyb["legal_rep_id"][:3] + "*" * 11 + kyb["legal_rep_id"][-4:] in page

    # and nothing was logged in clear
    for value in secrets_in_clear:
        assert value not in caplog.text


def test_lockout_after_repeated_failures_even_with_the_right_password():
    user = user_new(Role.INVESTOR, "guessed")
    for _ in range(5):
        with pytest.raises(PuhuiError) as wrong:
            login_check_password(request=None, username="guessed", password="wrong")
        assert wrong.value.code == "BAD_CREDENTIALS"
    with pytest.raises(PuhuiError) as locked:
        login_check_password(request=None, username="guessed", password=PASSWORD)
    assert locked.value.code == "LOGIN_LOCKED"
    assert locked.value.error.http_status == 429
    # the lock lifts when the window has passed
    from puhui.parties.models import LoginFailure

    LoginFailure.objects.update(created_at=timezone.now() - timedelta(hours=1))
    assert login_check_password(request=None, username="guessed", password=PASSWORD) == user


def test_totp_code_works_once_and_wrong_codes_fail():
    operator = user_new(Role.OPERATOR)
    uri = totp_enroll(user=operator)
    secret = pyotp.parse_uri(uri).secret
    code = pyotp.TOTP(secret).now()
    with pytest.raises(PuhuiError):
        totp_verify(user=operator, code="000000" if code != "000000" else "111111")
    totp_verify(user=operator, code=code)
    assert TotpDevice.objects.get(user=operator).confirmed_at is not None
    with pytest.raises(PuhuiError) as replay:
        totp_verify(user=operator, code=code)
    assert replay.value.code == "TOTP_INVALID"


def test_operators_cannot_skip_the_second_factor(client):
    operator = user_new(Role.OPERATOR, "op-2fa")
    response = client.post("/login/", {"username": "op-2fa", "password": PASSWORD})
    assert response["Location"] == "/login/totp/"
    assert client.get("/operator/").status_code == 302  # not signed in yet
    sign_in(Client(), "op-2fa", PASSWORD)
    assert TotpDevice.objects.get(user=operator).confirmed_at is not None


def test_investors_sign_in_without_a_second_factor(client):
    user_new(Role.INVESTOR, "inv-1fa")
    response = client.post("/login/", {"username": "inv-1fa", "password": PASSWORD})
    assert response["Location"] == "/"


def test_password_reset_sends_a_link_by_email(client):
    user = user_new(Role.BORROWER, "forgetful")
    user.email = "forgetful@example.org"
    user.save()
    client.post("/password-reset/", {"email": "forgetful@example.org"})
    assert len(mail.outbox) == 1
    assert "/password-reset/" in mail.outbox[0].body


PDF = b"%PDF-1.4\n%fake but well-formed enough\n"


@override_settings(PUHUI_UPLOAD_MAX_BYTES=1024)
def test_uploads_are_checked_for_type_and_size_and_stored_under_a_random_name(tmp_path):
    with override_settings(MEDIA_ROOT=tmp_path):
        enterprise = enterprise_new()
        user = enterprise.representative
        document = licence_document_add(
            enterprise=enterprise, user=user, kind="business_licence",
            upload=SimpleUploadedFile("licence.pdf", PDF, content_type="application/pdf"))
        assert document.content_type == "application/pdf"
        assert "licence.pdf" not in document.file.name
        for upload, code in (
            (SimpleUploadedFile("x.pdf", b"MZ\x90\x00 not a pdf"), "UPLOAD_TYPE_REFUSED"),
            (SimpleUploadedFile("big.pdf", PDF + b"0" * 2000), "UPLOAD_TOO_LARGE"),
        ):
            with pytest.raises(PuhuiError) as caught:
                licence_document_add(enterprise=enterprise, user=user, kind="other",
                                     upload=upload)
            assert caught.value.code == code
        assert LicenceDocument.objects.count() == 1


def test_totp_code_command_is_refused_outside_debug():
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="DEBUG=1"):
        call_command("totp", "code", "anyone", stdout=io.StringIO())


def test_key_rotation_reseals_everything_so_the_old_key_can_be_retired(monkeypatch):
    import base64

    from puhui.core import pii

    def use(keys: str) -> None:
        monkeypatch.setenv("PUHUI_PII_KEYS", keys)
        monkeypatch.setenv("PUHUI_BLIND_INDEX_KEY", base64.b64encode(b"i" * 32).decode())
        pii.pii_keys.cache_clear()

    old = "old:" + base64.b64encode(b"o" * 32).decode()
    new = "new:" + base64.b64encode(b"n" * 32).decode()
    try:
        use(old)
        kyb = enterprise_fields()
        enterprise = enterprise_new(**kyb)
        use(f"{new},{old}")
        out = io.StringIO()
        call_command("pii", "rotate", stdout=out)
        assert "re-sealed 3 values" in out.getvalue()
        use(new)  # the old key is gone
        enterprise.refresh_from_db()
        assert enterprise.legal_rep_id_encrypted.startswith("v1:new:")
        assert pii_decrypt(enterprise.legal_rep_id_encrypted,
                           context="legal_rep_id") == kyb["legal_rep_id"]
    finally:
        pii.pii_keys.cache_clear()


def test_any_user_may_turn_on_two_step_sign_in_and_is_then_asked_for_it(client):
    user_new(Role.BORROWER, "careful")
    client.post("/login/", {"username": "careful", "password": PASSWORD})
    assert "is off" in client.get("/account/security/").content.decode()
    page = client.post("/account/security/", {"action": "enroll"}).content.decode()
    assert 'data-testid="totp-secret"' in page
    from puhui.parties.tests.helpers import current_code

    done = client.post("/account/security/", {"action": "confirm",
                                              "code": current_code("careful")})
    assert done.status_code == 302
    assert "is on" in client.get("/account/security/").content.decode()
    fresh = Client()
    response = fresh.post("/login/", {"username": "careful", "password": PASSWORD})
    assert response["Location"] == "/login/totp/"


def test_registration_asks_for_the_password_twice_and_the_terms_and_records_them(client):
    fields = {"role": "investor", "username": "new-lender", "email": "new@example.org",
              "password": "correct-horse-battery-staple"}
    differs = client.post("/register/", fields | {"password_again": "something-else-entirely",
                                                  "accept_terms": "on"})
    assert "The two passwords differ" in differs.content.decode()
    no_terms = client.post("/register/", fields | {"password_again": fields["password"]})
    assert no_terms.status_code == 200
    assert not User.objects.filter(username="new-lender").exists()
    done = client.post("/register/", fields | {"password_again": fields["password"],
                                               "accept_terms": "on"})
    assert done.status_code == 302
    user = User.objects.get(username="new-lender")
    registered = AuditEvent.objects.get(action="user.registered", subject=f"user:{user.pk}")
    assert registered.details["terms_version"] == "2026-12"
