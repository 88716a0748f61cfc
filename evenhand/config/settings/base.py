"""Settings shared by every environment.

Environment-specific modules (local, production, test) import this and override only what
differs. Values come from the environment through django-environ; nothing secret lives here.
"""

from __future__ import annotations

from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parents[2]
REPO_DIR = BASE_DIR.parent

env = environ.Env()

# The untracked folder where the local default keeps its database, secret key and demo logins.
DATA_DIR = Path(env.str("EVENHAND_DATA_DIR", default=str(REPO_DIR / "var")))

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    # Serves the API docs' Swagger UI from static files, which the CSP allows (no CDN).
    "ninja",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "csp",
    "evenhand.jurisdictions",
    "evenhand.audit",
    "evenhand.accounts",
    "evenhand.cases",
    "evenhand.screening",
    "evenhand.appointments",
    "evenhand.comms",
    "evenhand.analytics",
    "evenhand.charging",
    "evenhand.dispositions",
    "evenhand.sealing",
    "evenhand.records_requests",
    "evenhand.search",
    "evenhand.transparency",
    "evenhand.operations",
    "evenhand.api",
    "evenhand.web",
    "evenhand.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "evenhand.audit.middleware.RequestIdMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "evenhand.accounts.middleware.RequireVerifiedStaffMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Stated reasons for opening sealed cases; sends a page without one to the reason form.
    "evenhand.sealing.middleware.AccessReasonMiddleware",
    # axes must be last: it turns a lockout into a response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "evenhand.config.urls"
WSGI_APPLICATION = "evenhand.config.wsgi.application"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "case-list"
LOGOUT_REDIRECT_URL = "login"

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
                "csp.context_processors.nonce",
                "evenhand.web.context_processors.navigation",
            ],
        },
    },
]


# JIT compiling a paginator's COUNT costs more than the count itself at 1M cases
# (bench/RESULTS.md section 3); the office's queries are short. Django's cursors bind
# parameters on the client and never prepare statements, whatever the threshold; the
# threshold only lets `evenhand.config.db`'s cursor prepare the few hot lookups by key it is
# given (psycopg prepares nothing while it is None, Django's default).
POSTGRES_OPTIONS: dict[str, object] = {"options": "-c jit=off", "prepare_threshold": 5}


def database_from_env(default_sqlite_path: Path) -> dict[str, object]:
    """PostgreSQL when DATABASE_URL is set, otherwise SQLite in WAL mode at the given path."""
    if env.str("DATABASE_URL", default=""):
        config: dict[str, object] = dict(env.db_url("DATABASE_URL"))
        config["OPTIONS"] = dict(POSTGRES_OPTIONS)
        config["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
        config["CONN_HEALTH_CHECKS"] = True
        return config
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(default_sqlite_path),
        "OPTIONS": {
            # IMMEDIATE makes every transaction take the write lock up front, so two writers
            # queue instead of failing on lock upgrade, and audit appends are serialised.
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            # Reads through a memory map (no system call per page) and a 16 MB page cache
            # per connection instead of the default 2 MB: the case page's reads of a random
            # case in a 1 GB office cost 1.4 ms with the defaults, 0.35 ms with these
            # (bench/RESULTS.md section 1).
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; "
                "PRAGMA mmap_size=268435456; PRAGMA cache_size=-16384;"
            ),
        },
    }


AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# CJIS 5.5.3: lock after 5 consecutive failures, for at least 10 minutes (we use 30).
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 0.5  # hours
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False
# Lockout is per account (CJIS 5.5.3). Adding ip_address as its own criterion would let five
# typos anywhere behind the office NAT lock out every user for half an hour.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]

# CJIS 5.5.5: session lock after 30 minutes of inactivity. Saving on every request makes the
# cookie age an idle timeout rather than an absolute one.
SESSION_COOKIE_AGE = 30 * 60
SESSION_SAVE_EVERY_REQUEST = True
# Database sessions whose save reports a database outage as one (503), not as a 400.
SESSION_ENGINE = "evenhand.operations.sessions"
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# Staff must confirm a TOTP code after the password when this is on. The local demo turns it
# off so the printed logins work at once; production forces it on.
EVENHAND_REQUIRE_OTP = env.bool("EVENHAND_REQUIRE_OTP", default=True)

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'none'"],
        "object-src": ["'none'"],
    },
}

LANGUAGE_CODE = "en-us"
TIME_ZONE = "America/Chicago"
USE_I18N = False
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Message attachments reach 10 MB each, sent to the JSON API as base64 (4/3 larger).
DATA_UPLOAD_MAX_MEMORY_SIZE = 16 * 1024 * 1024

# The jurisdiction whose rules (statutes, classes, deadlines) the office works under.
EVENHAND_JURISDICTION = env.str("EVENHAND_JURISDICTION", default="illinois")

# Parquet snapshots the analytics read (open-data releases and the office's own export).
EVENHAND_ANALYTICS_DIR = Path(
    env.str("EVENHAND_ANALYTICS_DIR", default=str(DATA_DIR / "analytics"))
)

# Public metrics withhold any count below this (and enough others that none can be worked
# out). 11 follows the common public-health rule of suppressing counts of 1 to 10.
EVENHAND_PUBLIC_MIN_CELL = env.int("EVENHAND_PUBLIC_MIN_CELL", default=11)

# How long a reason stated for opening a sealed case stays valid in the session.
EVENHAND_SEALED_REASON_MINUTES = env.int("EVENHAND_SEALED_REASON_MINUTES", default=15)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {"axes": {"level": "ERROR"}},
}
