"""Settings, read from the environment in one place.

Every value an operator may change is an environment variable documented in
docs/configuration.md. Defaults give a working single-machine install on SQLite.
"""

import json
import os
import secrets
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from layanan.lib.private_files import restrict_new_files, tighten_one

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


# Whatever the service writes (database, WAL, secret key, cache, documents) is readable by its
# own user only: files 0600, directories 0700. Existing ones are tightened by `layanan
# migrate`, `serve` and `demo` (layanan.portal.data_dir); the data dir itself right here.
restrict_new_files()
DATA_DIR = Path(os.environ.get("LAYANAN_DATA_DIR") or (Path.cwd() / "var")).resolve()
DATA_DIR.mkdir(mode=0o700, parents=True, exist_ok=True)
tighten_one(DATA_DIR)


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
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "layanan.accounts",
    "layanan.agencies",
    "layanan.charters",
    "layanan.cases",
    "layanan.guarantees",
    "layanan.notifications",
    "layanan.complaints",
    "layanan.surveys",
    "layanan.documents",
    "layanan.payments",
    "layanan.citizens",
    "layanan.transparency",
    "layanan.portal",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "layanan.portal.middleware.ChosenLanguageMiddleware",
    "django.middleware.gzip.GZipMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "layanan.portal.middleware.SessionIdleTimeoutMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "layanan.api.middleware.ApiErrorShapeMiddleware",
    "layanan.unavailable.DatabaseUnavailableMiddleware",
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
        # Seconds a query waits for another connection's lock before the request gets the
        # "try again" page (503, layanan/unavailable.py).
        "timeout": float(os.environ.get("LAYANAN_SQLITE_BUSY_SECONDS", "20")),
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
        ),
    }
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = False
    # Tests use a file, not memory: the concurrency tests need real separate connections.
    DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / "test-layanan.sqlite3")}

# A PostgreSQL streaming replica for public reads (layanan/lib/replica.py, docs/scaling.md):
# tracking, the catalogue and charters, the dashboard, the guarantee register and the open
# data, for visitors who are not signed in. Everything else reads and writes the primary.
if replica_url := os.environ.get("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = dj_database_url.parse(
        replica_url, conn_max_age=600, conn_health_checks=True
    )
    # Tests see the one test database through both aliases.
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    # Without a replica neither is installed: one machine pays nothing for them.
    DATABASE_ROUTERS = ["layanan.lib.replica.ReplicaRouter"]
    # Last, so that only the view itself runs with the public-read flag (lib/replica.py).
    MIDDLEWARE.append("layanan.lib.replica.PublicReadMiddleware")
LAYANAN_REPLICA_VIEWS = [
    "cases:track_form",
    "cases:track",
    "api:track",
    "charters:catalogue",
    "charters:charter",
    "api:list_services",
    "api:service_detail",
    "transparency:dashboard",
    "transparency:service",
    "transparency:agency",
    "transparency:register",
    "transparency:register_csv",
    "transparency:register_json",
    "transparency:index",
    "transparency:services_jsonld",
    "transparency:catalogue_jsonld",
    "transparency:metric_csv",
    "transparency:metric_json",
]

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

# Argon2id for every new or changed password; older hashes still check and are rewritten
# with Argon2 the next time their owner signs in.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]

# Attempt limits (accounts.throttle, docs/configuration.md). Behind a reverse proxy, name the
# header it writes the client's address into and how many proxies of yours append to it;
# without it every client is counted under the proxy's own address (layanan/client.py; the
# failed-tracking limit counts on it too).
LAYANAN_TRUSTED_PROXY_HEADER = os.environ.get("LAYANAN_TRUSTED_PROXY_HEADER", "").strip()
LAYANAN_TRUSTED_PROXY_COUNT = int(os.environ.get("LAYANAN_TRUSTED_PROXY_COUNT", "1"))
LAYANAN_SIGN_IN_ACCOUNT_LIMIT = int(os.environ.get("LAYANAN_SIGN_IN_ACCOUNT_LIMIT", "5"))
LAYANAN_SIGN_IN_ADDRESS_LIMIT = int(os.environ.get("LAYANAN_SIGN_IN_ADDRESS_LIMIT", "50"))
LAYANAN_SIGN_UP_ADDRESS_LIMIT = int(os.environ.get("LAYANAN_SIGN_UP_ADDRESS_LIMIT", "10"))
LAYANAN_COMPLAINT_ADDRESS_LIMIT = int(os.environ.get("LAYANAN_COMPLAINT_ADDRESS_LIMIT", "5"))
LAYANAN_VERIFY_ADDRESS_LIMIT = int(os.environ.get("LAYANAN_VERIFY_ADDRESS_LIMIT", "30"))
# messages one number may send by WhatsApp or by SMS in an hour before they go unanswered
LAYANAN_INBOUND_SENDER_LIMIT = int(os.environ.get("LAYANAN_INBOUND_SENDER_LIMIT", "30"))

# The cache holds the limits on tracking look-ups and on complaints filed without a token and
# the marks of numbers a client was shown. A folder in the data dir serves one machine; several
# app servers must share one cache, or each counts its own allowance (docs/scaling.md):
# LAYANAN_CACHE_URL=redis://host:6379/0 (Django's Redis backend; rediss:// with TLS).
CACHES: dict[str, dict[str, Any]] = {
    "default": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(DATA_DIR / "cache"),
    }
}
if cache_url := os.environ.get("LAYANAN_CACHE_URL"):
    if not cache_url.startswith(("redis://", "rediss://", "unix://")):
        raise ImproperlyConfigured(
            "LAYANAN_CACHE_URL must be a Redis address: redis://, rediss:// or unix://"
        )
    CACHES["default"] = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": cache_url,
        "KEY_PREFIX": "layanan",
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
# The keyring that seals NIKs (accounts.nik_store): outside the database, backed up with it.
LAYANAN_KEYS_DIR = Path(os.environ.get("LAYANAN_KEYS_DIR") or (DATA_DIR / "keys")).resolve()
# The certificates that sign issued documents (documents.keys, docs/documents.md): the published
# roots and each agency's PKCS#12 file, only readable by the service's user; inside the keys
# folder by default, so that a backup carries them.
LAYANAN_SIGNING_DIR = Path(
    os.environ.get("LAYANAN_SIGNING_DIR") or (LAYANAN_KEYS_DIR / "signing")
).resolve()
LAYANAN_MAX_UPLOAD_BYTES = int(os.environ.get("LAYANAN_MAX_UPLOAD_MB", "10")) * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = LAYANAN_MAX_UPLOAD_BYTES + 1024 * 1024
# Limits that keep one account from filling the disk (docs/operations.md, "Storage limits").
LAYANAN_MAX_IMAGE_PIXELS = int(os.environ.get("LAYANAN_MAX_IMAGE_MEGAPIXELS", "50")) * 1_000_000
LAYANAN_MAX_FILES_PER_APPLICATION = int(os.environ.get("LAYANAN_MAX_FILES_PER_APPLICATION", "20"))
LAYANAN_MAX_APPLICATION_BYTES = (
    int(os.environ.get("LAYANAN_MAX_APPLICATION_MB", "50")) * 1024 * 1024
)
LAYANAN_MAX_FILES_PER_CITIZEN = int(os.environ.get("LAYANAN_MAX_FILES_PER_CITIZEN", "100"))
# How long, at most, an agency may hold a read back from the citizen's access log for an
# investigation, counted in days from the read (docs/privacy.md).
LAYANAN_ACCESS_DEFERRAL_MAX_DAYS = int(os.environ.get("LAYANAN_ACCESS_DEFERRAL_MAX_DAYS", "90"))
LAYANAN_MAX_CITIZEN_BYTES = int(os.environ.get("LAYANAN_MAX_CITIZEN_MB", "200")) * 1024 * 1024
LAYANAN_MAX_OPEN_DRAFTS = int(os.environ.get("LAYANAN_MAX_OPEN_DRAFTS", "10"))
# Uploads are refused (cleanly, in the user's language) when storing one would leave less than
# this free on the disk of PRIVATE_FILES_ROOT, which the database usually shares.
LAYANAN_UPLOAD_MIN_FREE_BYTES = (
    int(os.environ.get("LAYANAN_UPLOAD_MIN_FREE_MB", "256")) * 1024 * 1024
)
# Uploads through Django's default storage too (the documents' own storage sets the same).
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700
STORAGES: dict[str, dict[str, Any]] = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Uploaded and issued documents in S3-compatible object storage (AWS S3, MinIO, Ceph, a
# cloud's object store) instead of PRIVATE_FILES_ROOT, so that several app servers share
# them (docs/configuration.md, "Object storage"; cases.models.private_storage). Objects stay
# private: no ACL is set, and only the access-checked views serve them.
if bucket := os.environ.get("LAYANAN_S3_BUCKET"):
    endpoint = os.environ.get("LAYANAN_S3_ENDPOINT_URL") or None
    STORAGES["private"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": bucket,
            "endpoint_url": endpoint,
            "region_name": os.environ.get("LAYANAN_S3_REGION") or None,
            # Unset: boto3's own chain (AWS_* variables, ~/.aws, an instance role).
            "access_key": os.environ.get("LAYANAN_S3_ACCESS_KEY_ID") or None,
            "secret_key": os.environ.get("LAYANAN_S3_SECRET_ACCESS_KEY") or None,
            "location": os.environ.get("LAYANAN_S3_PREFIX", ""),
            # Servers other than AWS mostly want bucket names in the path, not the host.
            "addressing_style": os.environ.get(
                "LAYANAN_S3_ADDRESSING_STYLE", "path" if endpoint else "auto"
            ),
            "default_acl": None,
            "querystring_auth": True,
            # As on disk: a second file of the same name gets a new name, never overwrites.
            "file_overwrite": False,
        },
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
# With EMAIL_BACKEND=django.core.mail.backends.filebased.EmailBackend: where the mails go.
EMAIL_FILE_PATH = os.environ.get("EMAIL_FILE_PATH") or str(DATA_DIR / "mail")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "layanan@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Who is alerted when a channel's provider refuses the installation (notifications.health),
# besides the superusers with an address: "Name <a@b>, c@d".
ADMINS = [("", address) for address in env_list("LAYANAN_ADMINS", "")]

# Message channels (docs/channels.md): which class sends by each. WhatsApp and SMS print to
# the console like email until their provider is configured.
WHATSAPP_API_BASE = os.environ.get("WHATSAPP_API_BASE", "https://graph.facebook.com/v21.0")
WHATSAPP_TOKEN = os.environ.get("WHATSAPP_TOKEN", "")
WHATSAPP_PHONE_NUMBER_ID = os.environ.get("WHATSAPP_PHONE_NUMBER_ID", "")
WHATSAPP_APP_SECRET = os.environ.get("WHATSAPP_APP_SECRET", "")
WHATSAPP_VERIFY_TOKEN = os.environ.get("WHATSAPP_VERIFY_TOKEN", "")
# Outside the 24-hour window WhatsApp takes only approved templates: the template of a message
# kind is named WHATSAPP_TEMPLATE_PREFIX + kind (layanan_submitted …) in Meta's language "id"
# or "en_US", unless WHATSAPP_TEMPLATES (JSON) names it otherwise per kind.
WHATSAPP_TEMPLATE_PREFIX = os.environ.get("WHATSAPP_TEMPLATE_PREFIX", "layanan_")
try:
    WHATSAPP_TEMPLATES: dict[str, dict[str, Any]] = json.loads(
        os.environ.get("WHATSAPP_TEMPLATES") or "{}"
    )
except ValueError as error:
    raise ImproperlyConfigured(f"WHATSAPP_TEMPLATES is not valid JSON: {error}") from error
# SMS through Twilio: the account, and the sender (a number, or a messaging service's SID);
# TWILIO_API_BASE points the SDK elsewhere (tests and the demo use a local server).
TWILIO_ACCOUNT_SID = os.environ.get("TWILIO_ACCOUNT_SID", "")
# TWILIO_AUTH_TOKEN also signs Twilio's calls to /webhooks/sms/ (docs/messages-by-phone.md).
TWILIO_AUTH_TOKEN = os.environ.get("TWILIO_AUTH_TOKEN", "")
TWILIO_FROM = os.environ.get("TWILIO_FROM", "")
TWILIO_MESSAGING_SERVICE_SID = os.environ.get("TWILIO_MESSAGING_SERVICE_SID", "")
TWILIO_API_BASE = os.environ.get("TWILIO_API_BASE", "https://api.twilio.com")
# The one switch of which class sends by each channel: the provider once it is configured,
# else the console.
LAYANAN_CHANNELS = {
    "email": "layanan.notifications.channels.email.EmailChannel",
    "whatsapp": (
        "layanan.notifications.channels.whatsapp.CloudApiWhatsApp"
        if WHATSAPP_TOKEN
        else "layanan.notifications.channels.console.ConsoleWhatsApp"
    ),
    "sms": (
        "layanan.notifications.channels.sms.TwilioSms"
        if TWILIO_ACCOUNT_SID
        else "layanan.notifications.channels.console.ConsoleSms"
    ),
}
# How accounts sends a password-reset code to a phone while the person waits
# (accounts.phone_reset; accounts sits below notifications, hence a dotted path).
LAYANAN_PHONE_CODE_SENDER = "layanan.notifications.jobs.send_code_now"

# Security. Behind a reverse proxy that terminates TLS (the recommended production set-up,
# see docs/operations.md), LAYANAN_BEHIND_TLS_PROXY=1 trusts its X-Forwarded-Proto header,
# redirects plain HTTP to HTTPS (except the load balancer's probe of /sehat/), sends HSTS
# and marks the cookies secure.
BEHIND_TLS_PROXY = env_bool("LAYANAN_BEHIND_TLS_PROXY", env_bool("BEHIND_TLS_PROXY", False))
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if BEHIND_TLS_PROXY else None
SECURE_SSL_REDIRECT = BEHIND_TLS_PROXY
SECURE_REDIRECT_EXEMPT = [r"^sehat/$"]
# One year, the value browsers' preload lists ask for. includeSubDomains and preload concern
# the host Layanan is served on (e.g. layanan.kabupaten.go.id) and the names below it; turn
# them off when Layanan is served on a domain whose other subdomains are not all HTTPS.
SECURE_HSTS_SECONDS = (
    int(os.environ.get("LAYANAN_HSTS_SECONDS", str(365 * 24 * 60 * 60))) if BEHIND_TLS_PROXY else 0
)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("LAYANAN_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("LAYANAN_HSTS_PRELOAD", True)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool(
    "SECURE_COOKIES", BEHIND_TLS_PROXY or (not DEBUG and "localhost" not in ALLOWED_HOSTS)
)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Sessions: an officer's session ends after LAYANAN_OFFICER_IDLE_MINUTES without a request
# (a counter screen left open is not left signed in); a citizen's after
# LAYANAN_CITIZEN_IDLE_DAYS without one (they apply from their own phone, often over days).
LAYANAN_OFFICER_IDLE_MINUTES = int(os.environ.get("LAYANAN_OFFICER_IDLE_MINUTES", "30"))
LAYANAN_CITIZEN_IDLE_DAYS = int(os.environ.get("LAYANAN_CITIZEN_IDLE_DAYS", "3"))
SESSION_COOKIE_AGE = LAYANAN_CITIZEN_IDLE_DAYS * 24 * 60 * 60
# Content-Security-Policy on every page (django-csp): only our own scripts, styles and images,
# nothing inline, never framed. Document downloads set their own stricter policy.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}

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
# Public tracking: this many unknown or malformed numbers per client per window, then 429.
LAYANAN_TRACK_FAILURES_ALLOWED = int(os.environ.get("LAYANAN_TRACK_FAILURES_ALLOWED", "20"))
LAYANAN_TRACK_WINDOW_MINUTES = int(os.environ.get("LAYANAN_TRACK_WINDOW_MINUTES", "10"))
# The tracking page and API from stored snapshots (layanan/cases/snapshots.py); off only to
# compare against the live build (tests, benchmarks).
LAYANAN_PUBLIC_SNAPSHOTS = env_bool("LAYANAN_PUBLIC_SNAPSHOTS", True)
# bench/tracking.py only: serve /_bench/floor/<bytes>/, a bare view the tracking page is
# measured against (docs/benchmarks.md). Never set in a real installation.
LAYANAN_BENCH_FLOOR = env_bool("LAYANAN_BENCH_FLOOR", False)
# /sehat/ answers 503 when the worker's last heartbeat is older than this (it beats every 10 s).
LAYANAN_WORKER_STALE_SECONDS = int(os.environ.get("LAYANAN_WORKER_STALE_SECONDS", "120"))
# Periodic jobs run by `layanan worker`: (dotted path, every N seconds).
# The licence of the open data at /data/ (a URL; see docs/open-data.md).
LAYANAN_OPEN_DATA_LICENCE = os.environ.get(
    "LAYANAN_OPEN_DATA_LICENCE", "https://creativecommons.org/licenses/by/4.0/"
)
# Public consultation on a draft standard (PP 96/2012): publish the draft within this many
# working days of the forum's minutes; the public comments for this many working days.
LAYANAN_CONSULTATION_PUBLISH_DAYS = int(os.environ.get("LAYANAN_CONSULTATION_PUBLISH_DAYS", "5"))
LAYANAN_CONSULTATION_COMMENT_DAYS = int(os.environ.get("LAYANAN_CONSULTATION_COMMENT_DAYS", "7"))
# The agency's duties after a standard is set (UU 25/2009 Pasal 22, PP 96/2012): publish or
# re-confirm the maklumat within 7 working days; evaluate every 12 months, review every 36;
# the agency admins are reminded that many working days before each due day.
LAYANAN_MAKLUMAT_DAYS = int(os.environ.get("LAYANAN_MAKLUMAT_DAYS", "7"))
LAYANAN_MAKLUMAT_REMIND_DAYS = int(os.environ.get("LAYANAN_MAKLUMAT_REMIND_DAYS", "2"))
LAYANAN_EVALUATION_MONTHS = int(os.environ.get("LAYANAN_EVALUATION_MONTHS", "12"))
LAYANAN_REVIEW_MONTHS = int(os.environ.get("LAYANAN_REVIEW_MONTHS", "36"))
LAYANAN_EVALUATION_REMIND_DAYS = int(os.environ.get("LAYANAN_EVALUATION_REMIND_DAYS", "20"))
LAYANAN_PERIODIC_JOBS = [
    # a standard set with a later effective date comes into force on that date
    ("layanan.charters.actions.run", 60),
    ("layanan.notifications.duties.run", 300),  # maklumat and evaluation duties, reminders
    ("layanan.guarantees.sweep.run", 60),
    ("layanan.notifications.jobs.run", 15),
    ("layanan.portal.worker.prune_task_results", 24 * 60 * 60),
    ("layanan.cases.storage.prune_unreferenced_files", 24 * 60 * 60),
    ("layanan.accounts.throttle.forget_stale", 60 * 60),
    ("layanan.surveys.invitations.run", 60),
    ("layanan.payments.billing.run", 5),  # a bill soon after the application awaits payment
    ("layanan.transparency.forecast.run", 60),
    ("layanan.transparency.rollups.run", 60),
    ("layanan.documents.issuing.run", 15),
    ("layanan.citizens.exports.delete_expired_exports", 15 * 60),
    ("layanan.citizens.vault.run", 15),  # signed products enter their owner's vault
    # partitions for the next applications (PostgreSQL, once partitioned: docs/partitioning.md)
    ("layanan.portal.partitions.run", 24 * 60 * 60),
]
# Paying online through Xendit's Invoice API (docs/payments.md): offered when the key is set.
LAYANAN_XENDIT_SECRET_KEY = os.environ.get("LAYANAN_XENDIT_SECRET_KEY", "")
LAYANAN_XENDIT_CALLBACK_TOKEN = os.environ.get("LAYANAN_XENDIT_CALLBACK_TOKEN", "")
LAYANAN_XENDIT_API_URL = os.environ.get("LAYANAN_XENDIT_API_URL", "https://api.xendit.co")
# What apps above `cases` add to GET /api/v1/applications/{number} (see cases.api.detail_extras):
# the bill ("payment") and the issued documents ("documents_issued").
LAYANAN_APPLICATION_DETAIL = [
    "layanan.payments.api.application_payment",
    "layanan.documents.api.application_documents",
]
# The citizen's rights under UU 27/2022 (docs/privacy.md; the contract of these two lists is in
# layanan/lib/data_rights.py): each app's function giving its sections of a citizen's copy of
# their data, and each app's function erasing its personal data when the account is closed.
LAYANAN_PERSONAL_DATA_EXPORTERS = [
    "layanan.accounts.personal_data.export_section",
    "layanan.accounts.access_log.export_section",
    "layanan.citizens.personal_data.export_section",
    "layanan.citizens.vault.export_section",
    "layanan.cases.personal_data.export_section",
    "layanan.documents.personal_data.export_section",
    "layanan.payments.personal_data.export_section",
    "layanan.guarantees.personal_data.export_section",
    "layanan.complaints.personal_data.export_section",
    "layanan.surveys.personal_data.export_section",
    "layanan.charters.personal_data.export_section",
    "layanan.notifications.personal_data.export_section",
]
LAYANAN_PERSONAL_DATA_ERASERS = [
    "layanan.citizens.vault.erase",  # before the profile's: its files go with its rows
    "layanan.citizens.personal_data.erase",
    "layanan.cases.personal_data.erase",
    "layanan.complaints.personal_data.erase",
    "layanan.charters.personal_data.erase",
    "layanan.notifications.personal_data.erase",
    "layanan.accounts.personal_data.erase",
]
# How long a prepared copy of a citizen's data can be downloaded before its files are deleted.
LAYANAN_EXPORT_KEEP_HOURS = int(os.environ.get("LAYANAN_EXPORT_KEEP_HOURS", "72"))
# The applicant's profile, for the application forms that take it, and what submitting does
# with it (cases.prefill): the values, and the consent recorded on submission.
LAYANAN_PROFILE_VALUES = ["layanan.citizens.prefill.profile_values"]
LAYANAN_SUBMISSION_HOOKS = ["layanan.citizens.prefill.record_profile_consent"]
# What apps above `cases` offer on an application's documents page instead of an upload (see
# cases.views_citizen.requirement_offers): the applicant's vault documents, with their consent.
LAYANAN_REQUIREMENT_OFFERS = ["layanan.citizens.vault.offers_html"]
# What POST /api/v1/applications/{number}/documents accepts as JSON besides a multipart upload
# (see cases.api.upload): {"requirement", "vault_document": id}, recording the consent.
LAYANAN_DOCUMENT_SOURCES = ["layanan.citizens.vault.attach_from_request"]
# The document vault's limits per citizen (docs/privacy.md).
LAYANAN_MAX_VAULT_FILES = int(os.environ.get("LAYANAN_MAX_VAULT_FILES", "30"))
LAYANAN_MAX_VAULT_BYTES = int(os.environ.get("LAYANAN_MAX_VAULT_MB", "100")) * 1024 * 1024
# The public league table ranks an agency only with at least this many decisions in the period.
LAYANAN_LEAGUE_MIN_DECIDED = int(os.environ.get("LAYANAN_LEAGUE_MIN_DECIDED", "20"))
AUTHENTICATION_BACKENDS = ["layanan.accounts.backends.UsernameEmailOrPhoneBackend"]

# Second factor (django-otp) and API tokens: see docs/operations.md and docs/api.md.
OTP_TOTP_ISSUER = os.environ.get("LAYANAN_OTP_ISSUER", "Layanan " + LAYANAN_REGION_NAME)
# The device admin pages never show a secret key or its QR code.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
# Lifetime of a bearer token: citizens in days, officers and staff (shorter) in hours.
# How long the satisfaction-survey link of an ended application can be answered (docs/surveys.md).
LAYANAN_SURVEY_DAYS = int(os.environ.get("LAYANAN_SURVEY_DAYS", "30"))
LAYANAN_TOKEN_DAYS = int(os.environ.get("LAYANAN_TOKEN_DAYS", "30"))
LAYANAN_OFFICER_TOKEN_HOURS = int(os.environ.get("LAYANAN_OFFICER_TOKEN_HOURS", "12"))
