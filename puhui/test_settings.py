"""Settings for the test suite: the real settings with a test-only key and a fast hasher."""

import os

os.environ.setdefault("SECRET_KEY", "test-only-key-not-secret")

from puhui.settings import *  # noqa: F403

# Argon2 at full strength would dominate the suite's run time; production keeps it.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Tests run with debug off, like production, but may use the development PII keys.
PUHUI_ALLOW_DEVELOPMENT_KEYS = True
PUHUI_CUSTODIAN_SECRET = "test-custodian-secret"  # noqa: S105
# One test process plays the platform and the registry (each role has its own database in a
# deployment; the multi-process tests start them apart).
PUHUI_ROLE = "all"
