"""Settings, read from the environment.

Fail closed: ``DEBUG`` is off unless ``DEBUG=1``, and with debug off the web server refuses to
start on the development secret key (see ``puhui.core.safety``). ``make run`` turns
debug on; production sets ``SECRET_KEY``, ``ALLOWED_HOSTS`` and ``DATABASE_URL``.
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

PACKAGE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(os.environ.get("PUHUI_DATA_DIR", "var")).resolve()


def env_flag(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be 1/0, true/false, yes/no or on/off, not {value!r}")


DEBUG = env_flag("DEBUG")

# Only ever good enough for a developer's laptop; the server refuses it when DEBUG is off.
DEVELOPMENT_SECRET_KEY = "puhui-development-key-never-use-in-production"  # noqa: S105
SECRET_KEY = os.environ.get("SECRET_KEY") or DEVELOPMENT_SECRET_KEY

ALLOWED_HOSTS = [
    host.strip()
    for host in os.environ.get(
        "ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]" if DEBUG else ""
    ).split(",")
    if host.strip()
]


INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "ninja",  # its Swagger UI files, served from the package (never a CDN)
    "puhui.core",
    "puhui.rulebook",
    "puhui.audit",
    "puhui.notifications",
    "puhui.parties",
    "puhui.ledger",
    "puhui.custody",
    "puhui.lending",
    "puhui.credit",
    "puhui.registry",
    "puhui.crowdfunding",
    "puhui.operations",
    "puhui.devtools",
    "puhui.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "puhui.web.middleware.UserTimeZoneMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "puhui.urls"
WSGI_APPLICATION = "puhui.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "puhui.web.context.puhui_role",
                "puhui.web.context.notices_unread",
            ],
        },
    },
]


def database_from_url(url: str) -> dict:
    # Connections kept open this many seconds (0: one per request); a server under load keeps
    # them (DATABASE_CONN_MAX_AGE=600), checked before reuse.
    config: dict = dict(dj_database_url.parse(
        url, conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "0")),
        conn_health_checks=True))
    if config["ENGINE"] == "django.db.backends.sqlite3":
        # One writer at a time, taken at BEGIN: a writer never fails half-way on a lock upgrade.
        config["OPTIONS"] = {
            "transaction_mode": "IMMEDIATE",
            "timeout": 30,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    return config


if os.environ.get("DATABASE_URL"):
    DATABASES = {"default": database_from_url(os.environ["DATABASE_URL"])}
else:  # the embedded default: one SQLite file under the data directory
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {"default": database_from_url(f"sqlite:///{DATA_DIR / 'puhui.sqlite3'}")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "parties.User"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
     "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "web:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "web:login"

SESSION_COOKIE_AGE = 60 * 60 * 8
# Sign-in throttling: this many failures for one user name within the window lock it for the
# window. Security policy, not regulation, so it lives here rather than in the rulebook.
PUHUI_LOGIN_FAILURES_MAX = 5
PUHUI_LOGIN_LOCKOUT_SECONDS = 15 * 60
# Roles that must sign in with a second factor (TOTP).
PUHUI_TOTP_REQUIRED_ROLES = ("operator", "regulator")
# Uploads (licences) live outside the web root and are never served directly.
MEDIA_ROOT = DATA_DIR / "private"
PUHUI_UPLOAD_MAX_BYTES = 5 * 1024 * 1024
PUHUI_UPLOAD_TYPES = {
    "application/pdf": b"%PDF-", "image/png": b"\x89PNG", "image/jpeg": b"\xff\xd8\xff",
}
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
# The platform's name as its documents (loan contracts) give it.
PUHUI_PLATFORM_NAME = os.environ.get("PUHUI_PLATFORM_NAME", "puhui")
# The custodian bank that holds client money, as the public pages name it.
PUHUI_CUSTODIAN_NAME = os.environ.get("PUHUI_CUSTODIAN_NAME", "puhui simulated custodian bank")
# Where people reach the platform: links in e-mails point here.
PUHUI_PUBLIC_URL = os.environ.get("PUHUI_PUBLIC_URL", "http://127.0.0.1:8000")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "puhui <no-reply@localhost>")
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = not DEBUG and env_flag("SECURE_COOKIES", True)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("zh-hans", _("Simplified Chinese"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"  # the platform's; each user may choose their own (User.time_zone)
FORMAT_MODULE_PATH = ["puhui.formats"]
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
# Static files are served from the package by WhiteNoise; set STATIC_ROOT only to collect them.
STATIC_ROOT = os.environ.get("STATIC_ROOT") or None
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Serve app static files straight from the package, so no collectstatic step is needed.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

# The platform's home currency; every ledger account names its own.
PUHUI_CURRENCY = "CNY"
# The jurisdiction's rulebook (puhui/rulebook/rulebooks/<id>.toml) the platform runs under.
PUHUI_RULEBOOK = os.environ.get("PUHUI_RULEBOOK", "cn-2016")

# The platform's tamper-evident log (puhui.audit.log): its name in checkpoints and the Ed25519
# key that signs them (32 raw bytes, base64). With DEBUG on, a key derived from SECRET_KEY.
PUHUI_AUDIT_LOG_ORIGIN = os.environ.get("PUHUI_AUDIT_LOG_ORIGIN", "puhui-platform/audit")
PUHUI_AUDIT_LOG_KEY = os.environ.get("PUHUI_AUDIT_LOG_KEY", "")

# The custodian bank (the simulated one: `puhui custodian serve`). Requests are HMAC-signed.
PUHUI_CUSTODIAN_URL = os.environ.get("PUHUI_CUSTODIAN_URL", "http://127.0.0.1:8100")
PUHUI_CUSTODIAN_SECRET = os.environ.get("PUHUI_CUSTODIAN_SECRET") or (
    "development-custodian-secret" if DEBUG else "")

# Lending's pluggable checks: the credit engine decides on every application; when
# PUHUI_REGISTRY_URL names a shared registry (with this platform's member code and signing
# secret), lending asks it for the report the engine reads, reserves headroom under the
# cross-platform cap, and tells it what became of each application and loan; without one the
# cross-platform checks are local-only and say so.
PUHUI_CREDIT_EVALUATOR = os.environ.get("PUHUI_CREDIT_EVALUATOR",
                                        "puhui.credit.services.credit_evaluate")
# Which role this process serves (DESIGN §2): a platform, or the shared credit registry (its own
# deployment and database; `puhui serve --role registry`). "all" serves both, for tests only.
PUHUI_ROLE = os.environ.get("PUHUI_ROLE", "platform")
if PUHUI_ROLE not in ("platform", "registry", "all"):
    raise ImproperlyConfigured("PUHUI_ROLE must be platform or registry")
PUHUI_REGISTRY_URL = os.environ.get("PUHUI_REGISTRY_URL", "")
PUHUI_REGISTRY_MEMBER = os.environ.get("PUHUI_REGISTRY_MEMBER", "")
PUHUI_REGISTRY_SECRET = os.environ.get("PUHUI_REGISTRY_SECRET", "")
PUHUI_REGISTRY_REPORT = os.environ.get(
    "PUHUI_REGISTRY_REPORT",
    "puhui.registry.client.report_for_application" if PUHUI_REGISTRY_URL else "")
PUHUI_EXPOSURE_RESERVE = os.environ.get(
    "PUHUI_EXPOSURE_RESERVE",
    "puhui.registry.client.headroom_reserve" if PUHUI_REGISTRY_URL else "")
PUHUI_EXPOSURE_EVENTS = os.environ.get(
    "PUHUI_EXPOSURE_EVENTS", "puhui.registry.client.registry_event" if PUHUI_REGISTRY_URL else "")
PUHUI_CROWDFUNDING_LIMIT_HOLD = os.environ.get(
    "PUHUI_CROWDFUNDING_LIMIT_HOLD",
    "puhui.registry.client.crowdfunding_limit_hold" if PUHUI_REGISTRY_URL else "")
PUHUI_CROWDFUNDING_LIMIT_RESOLVE = os.environ.get(
    "PUHUI_CROWDFUNDING_LIMIT_RESOLVE",
    "puhui.registry.client.crowdfunding_limit_resolve" if PUHUI_REGISTRY_URL else "")
