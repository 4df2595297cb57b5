"""Settings, read from the environment in one place.

Every value an operator may change is an environment variable documented in
docs/configuration.md. Defaults give a working single-machine install on SQLite.
"""

import os
import secrets
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DATA_DIR = Path(os.environ.get("LAYANAN_DATA_DIR") or (Path.cwd() / "var")).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)


def load_secret_key() -> str:
    """Use SECRET_KEY if set, else a key generated once into the data dir (never committed)."""
    if key := os.environ.get("SECRET_KEY"):
        return key
    path = DATA_DIR / "secret_key"
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_urlsafe(50))
    return path.read_text().strip()


SECRET_KEY = load_secret_key()
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    # The admin with its sign-in routed through /masuk/ and the second factor (accounts.apps).
    "layanan.accounts.admin_apps.AdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_tasks",
    "django_tasks_db",
    "ninja",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "layanan.accounts",
    "layanan.agencies",
    "layanan.charters",
    "layanan.cases",
    "layanan.guarantees",
    "layanan.notifications",
    "layanan.citizens",
    "layanan.portal",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "layanan.portal.middleware.ChosenLanguageMiddleware",
    "django.middleware.gzip.GZipMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "layanan.api.middleware.ApiErrorShapeMiddleware",
]

ROOT_URLCONF = "layanan.urls"
WSGI_APPLICATION = "layanan.wsgi.application"

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
                "layanan.portal.context.site",
            ],
        },
    },
]

# Database: SQLite in the data dir unless DATABASE_URL says otherwise.
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{DATA_DIR / 'layanan.sqlite3'}",
        conn_max_age=600,
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers run while one writer writes; IMMEDIATE takes the write lock at
    # BEGIN so that two writers queue on the busy timeout instead of failing mid-transaction.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
        ),
    }
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = False
    # Tests use a file, not memory: the concurrency tests need real separate connections.
    DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / "test-layanan.sqlite3")}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "portal:home"
LOGOUT_REDIRECT_URL = "portal:home"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(DATA_DIR / "cache"),
    }
}

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# Language and time: Bahasa Indonesia first, English second; stored in UTC.
LANGUAGE_CODE = "id"
LANGUAGES = [("id", "Bahasa Indonesia"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = os.environ.get("TIME_ZONE", "Asia/Jakarta")
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "layanan" / "static"]
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
MEDIA_URL = "/media/"
MEDIA_ROOT = DATA_DIR / "media"
# Citizens' documents: outside MEDIA_ROOT and STATIC_ROOT, served only by access-checked views.
PRIVATE_FILES_ROOT = DATA_DIR / "private"
LAYANAN_MAX_UPLOAD_BYTES = int(os.environ.get("LAYANAN_MAX_UPLOAD_MB", "10")) * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = LAYANAN_MAX_UPLOAD_BYTES + 1024 * 1024
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Serve the committed assets straight from the apps: no collectstatic step is needed.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

# Email: console unless an SMTP host is configured.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "587"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend",
)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "layanan@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG and "localhost" not in ALLOWED_HOSTS)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("BEHIND_TLS_PROXY", False) else None
)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # The task worker polls every second; its per-poll lines would drown everything else.
        "django_tasks_db": {"level": "WARNING"},
        "django_tasks": {"level": "WARNING"},
    },
}

# Layanan's own settings.
LAYANAN_REGION_NAME = os.environ.get("LAYANAN_REGION_NAME", "Kabupaten Contoh")
LAYANAN_SITE_NAME = "Layanan"
# The public address of the site, for links in messages sent by the worker (no request there).
LAYANAN_SITE_URL = os.environ.get("LAYANAN_SITE_URL", "http://127.0.0.1:8000")
LAYANAN_ADMIN_TITLE = _("Layanan administration")
# Periodic jobs run by `layanan worker`: (dotted path, every N seconds).
LAYANAN_PERIODIC_JOBS = [
    ("layanan.guarantees.sweep.run", 60),
    ("layanan.notifications.jobs.run", 15),
    ("layanan.portal.worker.prune_task_results", 24 * 60 * 60),
]
AUTHENTICATION_BACKENDS = ["layanan.accounts.backends.UsernameEmailOrPhoneBackend"]

# Second factor (django-otp) and API tokens: see docs/operations.md and docs/api.md.
OTP_TOTP_ISSUER = os.environ.get("LAYANAN_OTP_ISSUER", "Layanan " + LAYANAN_REGION_NAME)
# The device admin pages never show a secret key or its QR code.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
# Lifetime of a bearer token: citizens in days, officers and staff (shorter) in hours.
LAYANAN_TOKEN_DAYS = int(os.environ.get("LAYANAN_TOKEN_DAYS", "30"))
LAYANAN_OFFICER_TOKEN_HOURS = int(os.environ.get("LAYANAN_OFFICER_TOKEN_HOURS", "12"))
