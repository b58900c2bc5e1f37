"""Sign in through the real pages, second factor included, as a person would."""

import pyotp
from django.test import Client

from puhui.core.pii import pii_decrypt
from puhui.parties.models import TotpDevice


def current_code(username: str) -> str:
    device = TotpDevice.objects.get(user__username=username)
    return pyotp.TOTP(pii_decrypt(device.secret_encrypted, context="totp.secret")).now()


def sign_in(client: Client, username: str, password: str) -> None:
    response = client.post("/login/", {"username": username, "password": password})
    assert response.status_code == 302, response.content.decode()[:2000]
    if response["Location"] == "/login/totp/":
        assert client.get("/login/totp/").status_code == 200  # enrols when needed
        done = client.post("/login/totp/", {"code": current_code(username)})
        assert done.status_code == 302, done.content.decode()[:2000]
