"""Django settings, read from the environment.

Two modes:
* embedded (default): SQLite under ``var/``, a secret generated once and kept in ``var/``;
  nothing to configure, for a laptop or a single small server.
* production (``TAHAWUL_ENV=production``): ``SECRET_KEY``, ``ALLOWED_HOSTS`` and
  ``DATABASE_URL`` must be given; a missing one stops the process instead of guessing.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from tahawul.core.queues import DEFAULT_QUEUE, OUTBOUND_QUEUE

PACKAGE_DIR = Path(__file__).resolve().parent
VAR_DIR = Path(os.environ.get("TAHAWUL_VAR_DIR", Path.cwd() / "var")).resolve()
PRODUCTION = os.environ.get("TAHAWUL_ENV", "embedded") == "production"


def _env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def _required(name: str) -> str:
    value = os.environ.get(name, "")
    if not value:
        raise ImproperlyConfigured(f"{name} must be set when TAHAWUL_ENV=production.")
    return value


def _embedded_secret_key() -> str:
    # Generated once per installation so sessions survive restarts; never shared.
    path = VAR_DIR / "secret_key"
    if not path.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        path.touch(mode=0o600)
        path.write_text(secrets.token_urlsafe(50))
    return path.read_text().strip()


if PRODUCTION:
    SECRET_KEY = _required("SECRET_KEY")
    ALLOWED_HOSTS = _env_list("ALLOWED_HOSTS", _required("ALLOWED_HOSTS"))  # checked, then split
    DATABASE_URL = _required("DATABASE_URL")
else:
    SECRET_KEY = os.environ.get("SECRET_KEY") or _embedded_secret_key()
    ALLOWED_HOSTS = _env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
    DATABASE_URL = os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'tahawul.sqlite3'}")

DEBUG = os.environ.get("DEBUG", "").lower() in {"1", "true", "yes"}

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "ninja",  # serves Swagger UI's assets from the installed package, not a CDN
    "django_tasks",
    "django_tasks_db",
    "tahawul.core",
    "tahawul.identity",
    "tahawul.catalog",
    "tahawul.definitions",
    "tahawul.integrations",
    "tahawul.notifications",
    "tahawul.webhooks",
    "tahawul.kiosks",
    "tahawul.applications",
    "tahawul.feedback",
    "tahawul.status",
    "tahawul.performance",
    "tahawul.plans",
    "tahawul.insights",
    "tahawul.portal",
    "tahawul.backoffice",
    "tahawul.api",
    "tahawul.demo",
    # After the portal, whose templates restyle allauth's pages in the portal's layout.
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # Requests from an enrolled kiosk: heartbeat, idle wipe, kiosk pages only, nothing cached.
    "tahawul.portal.kiosk_mode.KioskMode",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "tahawul.api.middleware.ProblemJsonForApiErrors",
]

ROOT_URLCONF = "tahawul.urls"
WSGI_APPLICATION = "tahawul.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "tahawul.portal.context_processors.portal",
                "tahawul.portal.kiosk_mode.kiosk_layout",
            ],
        },
    },
]

DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=600, conn_health_checks=True)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets readers run beside the one writer; IMMEDIATE takes the write lock at BEGIN so
        # two writers queue on busy_timeout instead of failing with "database is locked".
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; PRAGMA busy_timeout=10000;"
        ),
        "transaction_mode": "IMMEDIATE",
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "identity.User"

# Accounts (django-allauth): local accounts now; the national identity service is OpenID Connect,
# switched on by three variables, not by code.
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "portal:my_applications"
ACCOUNT_LOGIN_METHODS = {"username"}
ACCOUNT_SIGNUP_FIELDS = ["username*", "email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_SESSION_REMEMBER = None
SOCIALACCOUNT_PROVIDERS: dict[str, object] = {}
if os.environ.get("TAHAWUL_OIDC_SERVER_URL"):
    SOCIALACCOUNT_PROVIDERS["openid_connect"] = {
        "APPS": [
            {
                "provider_id": "national-id",
                "name": os.environ.get("TAHAWUL_OIDC_NAME", "National identity"),
                "client_id": os.environ.get("TAHAWUL_OIDC_CLIENT_ID", ""),
                "secret": os.environ.get("TAHAWUL_OIDC_SECRET", ""),
                "settings": {"server_url": os.environ["TAHAWUL_OIDC_SERVER_URL"]},
            }
        ]
    }

# Background work (django-tasks): the database backend needs nothing beside the database;
# `tahawul worker` runs the tasks. Two queues (tahawul.core.queues): the platform's own work, and
# calls to other servers, each with its own worker under `tahawul run`.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": [DEFAULT_QUEUE, OUTBOUND_QUEUE]}}
# What the worker's scheduler queues, and every how many seconds (each must be idempotent).
TAHAWUL_PERIODIC_TASKS = [
    ("tahawul.notifications.tasks.requeue_stalled", 300),
    ("tahawul.applications.tasks.sweep_sla_task", 300),
    ("tahawul.feedback.tasks.sweep_case_sla_task", 300),
    ("tahawul.feedback.tasks.watch_dissatisfaction_task", 3600),
    # Channel health (docs/status.md): the checks every minute, technical-problem spikes, the prune.
    ("tahawul.status.tasks.run_checks_task", 60),
    ("tahawul.status.tasks.watch_case_spikes_task", 300),
    ("tahawul.status.tasks.prune_check_results_task", 86400),
    # Also queued by each resolution; this catches one a task backend outside the database lost.
    ("tahawul.status.notifying.tell_reporters_task", 300),
    ("tahawul.kiosks.tasks.purge_sign_in_challenges_task", 3600),
    ("tahawul.webhooks.tasks.requeue_stalled", 300),
]

# Documents live outside the web root and are served only through an access-checked view.
TAHAWUL_DOCUMENT_ROOT = Path(os.environ.get("TAHAWUL_DOCUMENT_ROOT", VAR_DIR / "documents")).resolve()
# A dotted path to a virus scanner (see tahawul.applications.scanning); unset means no scanning.
TAHAWUL_VIRUS_SCANNER = os.environ.get("TAHAWUL_VIRUS_SCANNER", "")

# Working days: Friday and Saturday are the weekend; public holidays from the `holidays` package.
TAHAWUL_WEEKEND = tuple(int(day) for day in _env_list("TAHAWUL_WEEKEND", "4,5"))  # Monday is 0
TAHAWUL_HOLIDAY_COUNTRY = os.environ.get("TAHAWUL_HOLIDAY_COUNTRY", "BH")

# Notifications: email through Django's mail backends (SMTP when EMAIL_HOST is set), SMS through
# a pluggable gateway; the development sender writes to var/outbox/.
TAHAWUL_OUTBOX_DIR = VAR_DIR / "outbox"
if os.environ.get("EMAIL_HOST"):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = os.environ["EMAIL_HOST"]
    EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "587"))
    EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = os.environ.get("EMAIL_USE_TLS", "1") == "1"
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = TAHAWUL_OUTBOX_DIR / "email"
EMAIL_TIMEOUT = 30  # a hung mail server must not hold a worker forever
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "no-reply@tahawul.localhost")
TAHAWUL_SMS_SENDER = os.environ.get("TAHAWUL_SMS_SENDER", "tahawul.notifications.senders.OutboxSmsSender")

# Payments: the built-in test provider moves no money and says so on every page it shows.
TAHAWUL_PAYMENT_PROVIDER = os.environ.get("TAHAWUL_PAYMENT_PROVIDER", "" if PRODUCTION else "test")
# Feedback. The entity whose staff route unassigned cases and receive second escalations.
TAHAWUL_AUTHORITY_ENTITY = os.environ.get("TAHAWUL_AUTHORITY_ENTITY", "IGA")
# Response SLA per case type, in working days; an entity may override them (feedback.ResponseSla).
TAHAWUL_CASE_SLA_DAYS = {"complaint": 5, "technical": 2, "inquiry": 3, "suggestion": 10, "compliment": 10}
# How long after closure a beneficiary may reopen a case, in days.
TAHAWUL_CASE_REOPEN_DAYS = int(os.environ.get("TAHAWUL_CASE_REOPEN_DAYS", "14"))
# Floods: at most this many ratings / cases from one client (person, kiosk or address) per hour.
TAHAWUL_RATINGS_PER_HOUR = int(os.environ.get("TAHAWUL_RATINGS_PER_HOUR", "30"))
TAHAWUL_KIOSK_RATINGS_PER_HOUR = int(os.environ.get("TAHAWUL_KIOSK_RATINGS_PER_HOUR", "600"))
TAHAWUL_CASES_PER_HOUR = int(os.environ.get("TAHAWUL_CASES_PER_HOUR", "10"))
# The trained comment classifier (tahawul feedback train); trained on first use when missing.
TAHAWUL_MODEL_DIR = Path(os.environ.get("TAHAWUL_MODEL_DIR", VAR_DIR / "models")).resolve()

# Kiosks (docs/kiosk.md). Idle: the warning after this many seconds without a touch, then the
# countdown to wiping the session; the server wipes a kiosk session idle for both together.
TAHAWUL_KIOSK_IDLE_SECONDS = int(os.environ.get("TAHAWUL_KIOSK_IDLE_SECONDS", "90"))
TAHAWUL_KIOSK_IDLE_WARNING_SECONDS = int(os.environ.get("TAHAWUL_KIOSK_IDLE_WARNING_SECONDS", "30"))
TAHAWUL_KIOSK_HEARTBEAT_SECONDS = int(os.environ.get("TAHAWUL_KIOSK_HEARTBEAT_SECONDS", "60"))
TAHAWUL_KIOSK_SEEN_MINUTES = int(os.environ.get("TAHAWUL_KIOSK_SEEN_MINUTES", "5"))  # "seen" for fleet health
TAHAWUL_KIOSK_ENROLMENT_HOURS = int(os.environ.get("TAHAWUL_KIOSK_ENROLMENT_HOURS", "24"))
# The one-time sign-in code: minutes valid, wrong tries, new codes on request, codes per ID per
# clock hour, and codes one kiosk may send per clock hour whatever the numbers (SMS cost, enumeration).
TAHAWUL_KIOSK_CODE_MINUTES = int(os.environ.get("TAHAWUL_KIOSK_CODE_MINUTES", "5"))
TAHAWUL_KIOSK_CODE_ATTEMPTS = int(os.environ.get("TAHAWUL_KIOSK_CODE_ATTEMPTS", "5"))
TAHAWUL_KIOSK_CODE_RESENDS = int(os.environ.get("TAHAWUL_KIOSK_CODE_RESENDS", "2"))
TAHAWUL_KIOSK_CODES_PER_HOUR = int(os.environ.get("TAHAWUL_KIOSK_CODES_PER_HOUR", "5"))
TAHAWUL_KIOSK_CODES_PER_KIOSK_PER_HOUR = int(os.environ.get("TAHAWUL_KIOSK_CODES_PER_KIOSK_PER_HOUR", "60"))

# Where links in notifications and certificate QR codes point.
TAHAWUL_PUBLIC_URL = os.environ.get("TAHAWUL_PUBLIC_URL", "http://127.0.0.1:8000").rstrip("/")

# Open311 GeoReport v2 (docs/open311.md): requests one API key may make per clock hour, and the
# jurisdiction_id this endpoint answers to (blank: the host name of TAHAWUL_PUBLIC_URL).
TAHAWUL_OPEN311_REQUESTS_PER_HOUR = int(os.environ.get("TAHAWUL_OPEN311_REQUESTS_PER_HOUR", "1000"))
TAHAWUL_OPEN311_JURISDICTION = os.environ.get("TAHAWUL_OPEN311_JURISDICTION", "")

# Channel health (docs/status.md). The web checks GET TAHAWUL_PUBLIC_URL: each request waits at
# most the timeout, and an answer slower than TAHAWUL_STATUS_SLOW_SECONDS counts as degraded.
TAHAWUL_STATUS_HTTP_TIMEOUT = float(os.environ.get("TAHAWUL_STATUS_HTTP_TIMEOUT", "5"))
TAHAWUL_STATUS_SLOW_SECONDS = float(os.environ.get("TAHAWUL_STATUS_SLOW_SECONDS", "2"))
# Results in a row not "up" before an incident is proposed; technical problems reported about a
# channel in an hour before a spike can propose one.
TAHAWUL_STATUS_FAILURES_TO_PROPOSE = int(os.environ.get("TAHAWUL_STATUS_FAILURES_TO_PROPOSE", "3"))
TAHAWUL_STATUS_SPIKE_MIN_CASES = int(os.environ.get("TAHAWUL_STATUS_SPIKE_MIN_CASES", "5"))
# Days each check result is kept (the daily uptime roll-ups are kept for ever).
TAHAWUL_STATUS_KEEP_DAYS = int(os.environ.get("TAHAWUL_STATUS_KEEP_DAYS", "120"))

# Webhooks (docs/webhooks.md). Outside production they may go to plain http and to loopback or
# private addresses (a receiver on the developer's machine); in production only to public https.
_WEBHOOK_FLAG_ON = {"1", "true", "yes"}
TAHAWUL_WEBHOOKS_HTTPS_ONLY = os.environ.get("TAHAWUL_WEBHOOKS_HTTPS_ONLY", str(PRODUCTION)).lower() in _WEBHOOK_FLAG_ON
TAHAWUL_WEBHOOKS_PRIVATE_TARGETS = (
    os.environ.get("TAHAWUL_WEBHOOKS_PRIVATE_TARGETS", str(not PRODUCTION)).lower() in _WEBHOOK_FLAG_ON
)
TAHAWUL_WEBHOOKS_TIMEOUT_SECONDS = float(os.environ.get("TAHAWUL_WEBHOOKS_TIMEOUT_SECONDS", "10"))
# Attempts per delivery, waiting 30 s after the first failure, doubling up to 3 hours (about 4 h 15 in all).
TAHAWUL_WEBHOOKS_MAX_ATTEMPTS = 10
TAHAWUL_WEBHOOKS_FIRST_RETRY_SECONDS = 30
TAHAWUL_WEBHOOKS_MAX_RETRY_SECONDS = 3 * 3600
# A subscription is paused after this many deliveries in a row failed every attempt.
TAHAWUL_WEBHOOKS_PAUSE_AFTER = 5
# After a secret is rotated, deliveries are signed with the old one too for this long.
TAHAWUL_WEBHOOKS_SECRET_OVERLAP_HOURS = 24

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "ar"
LANGUAGES = [("ar", _("Arabic")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "Asia/Bahrain"
LANGUAGE_COOKIE_NAME = "tahawul_language"
LANGUAGE_COOKIE_SAMESITE = "Lax"

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
    "tahawul.core.static_files.PlotlyFinder",  # plotly/plotly.min.js from the installed wheel, no CDN
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "tahawul.core.static_files.CompressedStaticFiles"},
}

# Source maps are read only by developer tools; compressing them doubled collectstatic's time.
WHITENOISE_SKIP_COMPRESS_EXTENSIONS = [
    *("jpg", "jpeg", "png", "gif", "webp", "zip", "gz", "tgz", "bz2", "tbz", "xz", "br", "woff", "woff2"),
    "map",
]

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Everything the portal loads is its own: no inline script or style, no CDN. Swagger UI (the
# API's docs page, from django-ninja) needs its inline start-up script, so it is left out.
CONTENT_SECURITY_POLICY = {
    "EXCLUDE_URL_PREFIXES": ["/api/v1/docs"],
    "DIRECTIVES": {
        "default-src": [SELF],
        "img-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"weasyprint.progress": {"level": "WARNING"}},
}

# The demo government is fictional; every page says so while this is on.
TAHAWUL_DEMO = os.environ.get("TAHAWUL_DEMO", "" if PRODUCTION else "1").lower() in {"1", "true", "yes"}
