"""Jichitai settings: one module, configured only by environment variables.

`JICHITAI_ENV` chooses the mode. `local` (the default) is for one machine over plain HTTP
with safe defaults; `production` refuses to start without a real SECRET_KEY and turns on
HTTPS-only cookies, HSTS and redirects. DEBUG is off in both unless asked for.
"""

from __future__ import annotations

import secrets
from pathlib import Path
from urllib.parse import urlsplit

import environ
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()

JICHITAI_ENV = env.str("JICHITAI_ENV", default="local")
if JICHITAI_ENV not in {"local", "production"}:
    raise ImproperlyConfigured("JICHITAI_ENV must be 'local' or 'production'")
PRODUCTION = JICHITAI_ENV == "production"

DEBUG = env.bool("DEBUG", default=False)


def _local_secret_key() -> str:
    """A random key kept under var/ so that local sessions survive restarts.

    Never a key written in the source: a copy of the repository must not be able to forge
    another installation's sessions or tokens.
    """
    path = VAR_DIR / "secret_key"
    if not path.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(64))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = env.str("SECRET_KEY", default="")
if PRODUCTION:
    if len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5 or SECRET_KEY.startswith("django-insecure"):
        raise ImproperlyConfigured(
            "Production mode needs a real SECRET_KEY (at least 50 random characters)."
        )
elif not SECRET_KEY:
    SECRET_KEY = _local_secret_key()

ALLOWED_HOSTS = env.list(
    "ALLOWED_HOSTS", default=[] if PRODUCTION else ["127.0.0.1", "localhost", "[::1]"]
)
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# The municipality this installation serves (全国地方公共団体コード, with check digit).
JICHITAI_MUNICIPALITY_CODE = env.str("JICHITAI_MUNICIPALITY_CODE", default="131113")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_tasks",
    "django_tasks_db",
    "template_partials",
    "csp",
    "ninja",
    "jichitai.core",
    "jichitai.governance",
    "jichitai.notifications",
    "jichitai.accounts",
    "jichitai.procedures",
    "jichitai.opendata",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "jichitai.core.middleware.RequestIdMiddleware",
    "jichitai.core.problems.ApiProblemMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "jichitai.accounts.middleware.StaffSessionMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # After CSP (its page gets the policy), before any view reads the body.
    "jichitai.core.middleware.RequestBodyLimitMiddleware",
    "jichitai.core.middleware.NulCharacterMiddleware",
    "jichitai.core.middleware.NoStoreMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "jichitai.core.context_processors.municipality",
                "jichitai.accounts.context_processors.roles",
            ],
        },
    }
]

# Database: SQLite under var/ by default; PostgreSQL through DATABASE_URL.
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'jichitai.sqlite3'}")
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL keeps readers off writers' backs; synchronous=FULL makes every acknowledged commit
    # survive power loss (residents' submissions must); IMMEDIATE takes the write lock at
    # BEGIN so two writers queue instead of failing half-way with "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; "
            "PRAGMA foreign_keys=ON; PRAGMA busy_timeout=10000;"
        ),
        "transaction_mode": "IMMEDIATE",
        "timeout": 10,
    }
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("DATABASE_CONN_MAX_AGE", default=60))
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # Parameters travel apart from the statement (no quoting in Python). The few hand-written
    # statements every submission runs are prepared (core.rows.execute_prepared), so a
    # connection pooler in front of PostgreSQL must keep prepared statements per session
    # (PgBouncer 1.21+ with max_prepared_statements, or session pooling); everything else is
    # not (Django's default), as a generic plan can be far worse for a search.
    DATABASES["default"]["OPTIONS"] = {"server_side_binding": True}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {"default": env.cache_url("CACHE_URL", default="locmemcache://")}

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"

# Argon2id first: ASVS 11.4.2. Older hashes are upgraded at the next sign-in.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
# No composition rules and no rotation (ASVS 6.2.5, NIST 800-63B); length and a
# common-password list instead. 12 characters: residents have no second factor.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Sessions live on the server so that sign-out and account deactivation end them at once.
SESSION_ENGINE = "jichitai.accounts.sessions"
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=12 * 60 * 60)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
# Staff sessions end after this long without a request, and this long after sign-in.
JICHITAI_STAFF_IDLE_TIMEOUT = env.int("JICHITAI_STAFF_IDLE_TIMEOUT", default=15 * 60)
JICHITAI_STAFF_ABSOLUTE_TIMEOUT = env.int("JICHITAI_STAFF_ABSOLUTE_TIMEOUT", default=8 * 60 * 60)
# Sign-in throttling: failed attempts allowed per window, per account and per client address.
# Attempts past the limit are refused until the window moves on: no permanent lock-out.
JICHITAI_SIGN_IN_WINDOW = env.int("JICHITAI_SIGN_IN_WINDOW", default=15 * 60)
JICHITAI_SIGN_IN_FAILURES_PER_ACCOUNT = env.int("JICHITAI_SIGN_IN_FAILURES_PER_ACCOUNT", default=5)
JICHITAI_SIGN_IN_FAILURES_PER_IP = env.int("JICHITAI_SIGN_IN_FAILURES_PER_IP", default=30)
# Behind a reverse proxy, the number of proxies whose X-Forwarded-For entries are trusted.
JICHITAI_TRUSTED_PROXY_COUNT = env.int("JICHITAI_TRUSTED_PROXY_COUNT", default=0)

# Identity providers (本人確認サービス, OpenID Connect) by key: issuer, client_id, client_secret,
# scope, the identity level they give, name_ja/name_en, and optionally
# "token_endpoint_auth_method": "private_key_jwt" with "private_key_file" (a PEM path) instead of
# a secret. JSON in JICHITAI_OIDC_PROVIDERS.
# Locally the default is the sample provider (`manage.py run_sample_oidc_provider`), a
# development tool that asserts anybody's identity; production has none unless configured,
# and only over HTTPS.
JICHITAI_SAMPLE_OIDC_URL = env.str("JICHITAI_SAMPLE_OIDC_URL", default="http://127.0.0.1:8001")
JICHITAI_OIDC_PROVIDERS: dict = env.json(
    "JICHITAI_OIDC_PROVIDERS",
    default={}
    if PRODUCTION
    else {
        "sample": {
            "issuer": JICHITAI_SAMPLE_OIDC_URL,
            "client_id": "jichitai-local",
            "client_secret": "local-development-only",
            "scope": "openid profile",
            "level": "verified",
            "name_ja": "開発用の本人確認サービス（見本）",
            "name_en": "Sample identity provider (development only)",
        }
    },
)
if PRODUCTION and any(
    not str(p.get("issuer", "")).startswith("https://") for p in JICHITAI_OIDC_PROVIDERS.values()
):
    raise ImproperlyConfigured("Identity providers must be reached over HTTPS in production.")
# How long a verification counts for applying, and how long to wait for a provider.
JICHITAI_IDENTITY_VERIFICATION_SECONDS = env.int(
    "JICHITAI_IDENTITY_VERIFICATION_SECONDS", default=60 * 60
)
JICHITAI_OIDC_TIMEOUT = env.int("JICHITAI_OIDC_TIMEOUT", default=5)

# Security headers (ASVS 3.4). Those that only make sense over HTTPS are production-only.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if PRODUCTION:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = 31536000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
    LANGUAGE_COOKIE_SECURE = True
    LANGUAGE_COOKIE_NAME = "__Host-language"
    if env.bool("SECURE_PROXY_SSL_HEADER", default=False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
CSRF_FAILURE_VIEW = "jichitai.core.views.csrf_failure"

# Map previews of open data with coordinates: the tile server (an `{z}/{x}/{y}` template,
# `{s}` for subdomains) and the credit its terms ask for. The default is the Geospatial
# Information Authority of Japan's standard map (地理院タイル), which asks for exactly this credit.
# An empty URL shows no map: the points stay a table.
JICHITAI_MAP_TILE_URL = env.str(
    "JICHITAI_MAP_TILE_URL", default="https://cyberjapandata.gsi.go.jp/xyz/std/{z}/{x}/{y}.png"
)
JICHITAI_MAP_TILE_ATTRIBUTION = env.str("JICHITAI_MAP_TILE_ATTRIBUTION", default="地理院タイル")
JICHITAI_MAP_TILE_ATTRIBUTION_URL = env.str(
    "JICHITAI_MAP_TILE_ATTRIBUTION_URL", default="https://maps.gsi.go.jp/development/ichiran.html"
)
JICHITAI_MAP_TILE_MAX_ZOOM = env.int("JICHITAI_MAP_TILE_MAX_ZOOM", default=18)


def _tile_source(template: str) -> list[str]:
    """The CSP source the map tiles come from: the template's scheme and host (a `{s}`
    subdomain placeholder becomes `*`), or nothing when there are no tiles."""
    parts = urlsplit(template)
    if not (parts.scheme and parts.netloc):
        return []
    host = ".".join("*" if "{" in label else label for label in parts.netloc.split("."))
    return [f"{parts.scheme}://{host}"]


# Strict CSP: only our own scripts and styles, no inline anything (ASVS 3.4.3). Images also
# from the map tile server.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [NONE],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, *_tile_source(JICHITAI_MAP_TILE_URL)],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [NONE],
    }
}

# Language: Japanese is the source language of the UI; English beside it.
LANGUAGE_CODE = "ja"
LANGUAGES = [("ja", "日本語"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Asia/Tokyo"
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=VAR_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# Uploaded files live outside every served folder; views hand them out after a policy check.
MEDIA_ROOT = env.path("MEDIA_ROOT", default=VAR_DIR / "media")
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
# An application filed through the JSON API carries its files in Base64 (4/3 of their size):
# room for two 10 MB documents, or one of the 20 MB a form question may allow, with answers.
JICHITAI_API_MAX_BODY_BYTES = env.int("JICHITAI_API_MAX_BODY_BYTES", default=32 * 1024 * 1024)
DATA_UPLOAD_MAX_NUMBER_FIELDS = 2000
DATA_UPLOAD_MAX_NUMBER_FILES = 20
# Open data files: tables of a million rows fit; anything larger is refused before storing.
JICHITAI_OPENDATA_MAX_UPLOAD_BYTES = env.int(
    "JICHITAI_OPENDATA_MAX_UPLOAD_BYTES", default=200_000_000
)
# datastore_search_sql: a statement running longer than this is stopped (CKAN's is 60 s; a
# city's tables answer well within 10).
JICHITAI_DATASTORE_SQL_TIMEOUT_MS = env.int("JICHITAI_DATASTORE_SQL_TIMEOUT_MS", default=10_000)
# `manage.py recheck_stuck_files`: a file check running (or queued) longer than this is taken
# for lost (its worker died) and started again, at most this many times in all. Generous: a
# million-row XLSX takes openpyxl several minutes to read (about 20 µs a cell).
JICHITAI_OPENDATA_CHECK_TIMEOUT_SECONDS = env.int(
    "JICHITAI_OPENDATA_CHECK_TIMEOUT_SECONDS", default=3600
)
JICHITAI_OPENDATA_CHECK_ATTEMPTS = env.int("JICHITAI_OPENDATA_CHECK_ATTEMPTS", default=3)
# Data requests (データリクエスト) anyone may file: at most this many an hour from one address.
JICHITAI_DATA_REQUESTS_PER_HOUR = env.int("JICHITAI_DATA_REQUESTS_PER_HOUR", default=5)
# Files over FILE_UPLOAD_MAX_MEMORY_SIZE go to a temporary file, which never grows past this
# (the largest size any upload may have: 20 MB for forms, the open data limit for data
# files); whatever checks the file then refuses it as too large.
JICHITAI_UPLOAD_MAX_BYTES = env.int(
    "JICHITAI_UPLOAD_MAX_BYTES", default=max(20 * 1024 * 1024, JICHITAI_OPENDATA_MAX_UPLOAD_BYTES)
)
# A request body declared larger than this is refused with 413 before it is read: the
# largest upload plus room for the form's other fields and the multipart framing.
JICHITAI_UPLOAD_REFUSE_BODY_BYTES = env.int(
    "JICHITAI_UPLOAD_REFUSE_BODY_BYTES", default=JICHITAI_UPLOAD_MAX_BYTES + 5 * 1024 * 1024
)
FILE_UPLOAD_HANDLERS = [
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "jichitai.core.uploads.CappedTemporaryFileUploadHandler",
]
# `manage.py cleanup_uploads`: files no record or draft refers to are kept this long (an
# upload in flight has its file before its row commits), and files in drafts untouched this
# long are removed (the resident is asked for them again if they come back).
JICHITAI_UPLOAD_GRACE_HOURS = env.int("JICHITAI_UPLOAD_GRACE_HOURS", default=24)
JICHITAI_DRAFT_UPLOAD_RETENTION_DAYS = env.int("JICHITAI_DRAFT_UPLOAD_RETENTION_DAYS", default=30)

# Mail: smtp://user:pass@host:port, consolemail://, filemail:///path … (django-environ).
vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Jichitai <no-reply@localhost>")
EMAIL_TIMEOUT = 10
# The address residents see in links sent by mail (verification, magic links).
JICHITAI_PUBLIC_URL = env.str("JICHITAI_PUBLIC_URL", default="http://127.0.0.1:8000")

# The mail outbox (jichitai.notifications): seconds to wait before each retry (the message
# fails after the last), seconds a send may take before another worker takes it over, and
# days sent messages are kept in the delivery log (manage.py prune_notifications).
NOTIFICATIONS_RETRY_DELAYS = env.list(
    "NOTIFICATIONS_RETRY_DELAYS", cast=int, default=[60, 300, 1800, 7200, 21600]
)
NOTIFICATIONS_LEASE_SECONDS = env.int("NOTIFICATIONS_LEASE_SECONDS", default=600)
NOTIFICATIONS_KEEP_SENT_DAYS = env.int("NOTIFICATIONS_KEEP_SENT_DAYS", default=90)

TASKS = {
    "default": {
        "BACKEND": env.str("TASKS_BACKEND", default="django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_id": {"()": "jichitai.core.logging.RequestIdFilter"},
        "redact": {"()": "jichitai.core.logging.RedactPersonalDataFilter"},
    },
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
            "datefmt": "%Y-%m-%dT%H:%M:%S%z",
        }
    },
    "handlers": {
        "stdout": {
            "class": "logging.StreamHandler",
            "formatter": "json",
            "filters": ["request_id", "redact"],
        }
    },
    "root": {"handlers": ["stdout"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        # Django's own request logger repeats what our access log says, with less care.
        "django.request": {"level": "ERROR"},
        "django.server": {"level": "WARNING"},
    },
}
