"""Production settings that fail closed: the server refuses to start on unsafe settings."""

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from puhui.core.pii import pii_keys


def settings_assert_safe_to_serve() -> None:
    """Refuse to serve with debug off on a secret key anyone can read in the source."""
    if settings.DEBUG:
        return
    if settings.SECRET_KEY == settings.DEVELOPMENT_SECRET_KEY:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. With DEBUG off the server refuses to start on the "
            "development key; set SECRET_KEY in the environment (or DEBUG=1 on a laptop)."
        )
    if not settings.ALLOWED_HOSTS:
        raise ImproperlyConfigured("ALLOWED_HOSTS is empty; set it in the environment.")
    pii_keys()  # raises when the PII keys are missing
    if settings.PUHUI_ROLE in ("platform", "all") and not settings.PUHUI_AUDIT_LOG_KEY:
        raise ImproperlyConfigured(
            "PUHUI_AUDIT_LOG_KEY is not set: the key that signs the audit log's checkpoints "
            "(32 random bytes, base64) must come from the environment when DEBUG is off.")
