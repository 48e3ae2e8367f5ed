"""Django settings: SQLite by default, PostgreSQL when DATABASE_URL is set.

Development (`make run`, the tests) needs no environment. Production (`make serve`, deploy/) reads
everything that differs per site from the environment: see the "Production" section at the end and
deploy/township.env.example.
"""

import os
import tempfile
import warnings
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = os.environ.get("DJANGO_DEBUG", "1") == "1"
DEV_SECRET_KEY = "dev-only-not-secret-change-me-in-production"
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "") or (DEV_SECRET_KEY if DEBUG else "")
if not DEBUG and SECRET_KEY in ("", DEV_SECRET_KEY):
    raise ImproperlyConfigured(
        "DJANGO_SECRET_KEY must be set to a secret value when DJANGO_DEBUG=0 "
        "(generate one: python -c 'import secrets; print(secrets.token_urlsafe(50))')"
    )
ALLOWED_HOSTS = os.environ.get("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")
# The public web site's address (https://xx.gov.cn/): the QR codes on the wall charts open
# <PUBLIC_BASE_URL>public/powers/<code>/. render_flowcharts refuses to print a QR code without it.
PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "engine",
    "processes",
    "api",
    "ops",
    "web",
]

MIDDLEWARE = [
    "ops.middleware.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "api.middleware.RequestSizeLimitMiddleware",  # 413 before an oversized /api/ body is read
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "api.idempotency.IdempotencyMiddleware",  # POST /api/ with Idempotency-Key: the first answer again
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "config.urls"

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
                "django.template.context_processors.i18n",
                "web.context.site",
            ],
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"

# SQLite: every transaction starts IMMEDIATE (takes the write lock at BEGIN), so a case's
# load -> step -> save cannot interleave with another writer; WAL keeps readers unblocked;
# synchronous=FULL keeps commits durable.
SQLITE_PATH = os.environ.get("SQLITE_PATH", str(BASE_DIR / "db.sqlite3"))
DATABASES = {
    "default": dj_database_url.config(
        env="DATABASE_URL", default=f"sqlite:///{SQLITE_PATH}", conn_max_age=0
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 30,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;",
    }
    # a file per test process (not in-memory: WAL and IMMEDIATE transactions behave as in production)
    _test_db = Path(tempfile.gettempdir()) / f"township-test-{os.getpid()}.sqlite3"
    DATABASES["default"]["TEST"] = {"NAME": os.environ.get("SQLITE_TEST_PATH", str(_test_db))}
elif DATABASES["default"]["ENGINE"].startswith("django.db.backends.postgresql"):
    # No JIT: the planner's cost estimate for a list over 100k cases passes jit_above_cost and
    # PostgreSQL spends ~40 ms compiling a query that then runs in under 1 ms (short, indexed
    # queries are all this application sends).
    _pg_options = DATABASES["default"].setdefault("OPTIONS", {})
    _pg_options["options"] = (_pg_options.get("options", "") + " -c jit=off").strip()

# The server clock (engine/clock.py) may be moved for tests and demos only, with DEBUG on:
# an offset (ISO 8601 duration or seconds) or a frozen time (aware ISO 8601).
ENGINE_CLOCK_OFFSET = os.environ.get("TOWNSHIP_CLOCK_OFFSET") or None
ENGINE_CLOCK_FROZEN = os.environ.get("TOWNSHIP_CLOCK_FROZEN") or None

# Request bodies: above this the API answers 413 without reading them (a form is far smaller;
# the engine caps submitted data at 1,000,000 JSON characters, see engine/bpmn/).
DATA_UPLOAD_MAX_MEMORY_SIZE = 4 * 1024 * 1024

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
# WhiteNoise serves static files with DEBUG off too; from the apps' folders when not collected
WHITENOISE_USE_FINDERS = True
warnings.filterwarnings("ignore", message="No directory at: ")  # WhiteNoise, before collectstatic

# Uploaded application materials (申请材料): Django's storage API, the filesystem by default
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", str(BASE_DIR / "media")))
UPLOAD_MAX_BYTES = int(os.environ.get("UPLOAD_MAX_BYTES", str(10 * 1024 * 1024)))
UPLOAD_CONTENT_TYPES = {
    ".pdf": "application/pdf", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png",
}  # fmt: skip

# Web pages: session login (the public site's address is PUBLIC_BASE_URL, above)
LOGIN_URL = "web:login"
LOGIN_REDIRECT_URL = "web:inbox"
LOGOUT_REDIRECT_URL = "web:home"

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.ExpiringTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PARSER_CLASSES": ["api.parsers.SafeJSONParser"],  # the API takes JSON bodies only
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "api.exception_handler.api_exception_handler",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.LimitOffsetPagination",
    "PAGE_SIZE": 50,
    "NUM_PROXIES": int(os.environ.get("DJANGO_TRUSTED_PROXIES", "0")),  # see ops.client
}

SPECTACULAR_SETTINGS = {
    "TITLE": "乡镇权力运行 API",
    "DESCRIPTION": "权力清单、案件办理、集体决策、公示、审计回放。",
    "VERSION": "0.1.0",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # every operation declares its error responses (the error contract with its codes)
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums", "api.schema.add_error_responses"],
}

# ---------------------------------------------------------------------------------------------
# Production: serving, shared state, security, logs, notifications. Every value comes from the
# environment (deploy/township.env.example lists them); the defaults are the development ones.
# ---------------------------------------------------------------------------------------------

# Static files: WhiteNoise serves them from STATIC_ROOT (filled by `collectstatic`, run by `make
# serve`), so the admin and Swagger UI keep their files with DEBUG off and no web server in front.
# Hashed names (cache-busting, served with a far-future expiry); not pre-compressed, which would
# make every collectstatic compress the 30 MB of Swagger and ReDoc files.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"
    },
}

# Shared state. Throttles, login lockouts and caches must be shared by every worker process and
# every app server, so production uses Redis (REDIS_URL); development and the in-process tests use
# a per-process memory cache (a system check warns when DEBUG is off without REDIS_URL).
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "township"),
            "OPTIONS": {"CLIENT_CLASS": "django_redis.client.DefaultClient", "SOCKET_CONNECT_TIMEOUT": 2,
                        "SOCKET_TIMEOUT": 2},
        }
    }  # fmt: skip
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Client address: REMOTE_ADDR, unless DJANGO_TRUSTED_PROXIES reverse proxies (nginx, a load
# balancer) stand in front; then the address those proxies appended to X-Forwarded-For. Anything
# a client writes into X-Forwarded-For itself is ignored.
TRUSTED_PROXIES = REST_FRAMEWORK["NUM_PROXIES"]
# Idempotency-Key on API POSTs: how long a key's first answer is kept (api/idempotency.py)
IDEMPOTENCY_KEY_TTL_HOURS = int(os.environ.get("IDEMPOTENCY_KEY_TTL_HOURS", "24"))
PUBLIC_POST_THROTTLE_RATE = os.environ.get("PUBLIC_POST_THROTTLE_RATE", "20/hour")

# Logins: a brute-force limit per user name and per client address (token, API login, admin).
AUTHENTICATION_BACKENDS = ["ops.auth.LockoutModelBackend"]
LOGIN_FAILURE_LIMIT = int(os.environ.get("LOGIN_FAILURE_LIMIT", "5"))  # per user name
LOGIN_FAILURE_LIMIT_PER_ADDRESS = int(os.environ.get("LOGIN_FAILURE_LIMIT_PER_ADDRESS", "20"))
LOGIN_LOCKOUT_SECONDS = int(os.environ.get("LOGIN_LOCKOUT_SECONDS", "900"))
# API tokens expire this long after they are issued; POST /api/auth/token/revoke/ ends one now.
TOKEN_TTL_HOURS = float(os.environ.get("TOKEN_TTL_HOURS", "12"))

# HTTPS. Behind TLS set DJANGO_HTTPS=1: redirect, secure cookies, HSTS; `manage.py check --deploy`
# is then clean. Unset, `make serve` works over plain HTTP on a trusted network (the check warns).
# DJANGO_TLS_PROXY_HEADER=1 when a TLS-terminating proxy sets X-Forwarded-Proto.
HTTPS = os.environ.get("DJANGO_HTTPS", "0") == "1"
if HTTPS:
    SECURE_SSL_REDIRECT = True
    SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", str(365 * 24 * 3600)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_REDIRECT_EXEMPT = [r"^api/health/$"]
if os.environ.get("DJANGO_TLS_PROXY_HEADER", "0") == "1":
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("DJANGO_CSRF_TRUSTED_ORIGINS", "").split(",") if o]
X_FRAME_OPTIONS = "DENY"

# The timer worker writes a heartbeat every round; /api/health/ calls one stale after this long.
TIMER_INTERVAL_SECONDS = float(os.environ.get("TIMER_INTERVAL_SECONDS", "30"))
HEARTBEAT_STALE_SECONDS = float(os.environ.get("HEARTBEAT_STALE_SECONDS", str(max(120.0, 4 * TIMER_INTERVAL_SECONDS))))

# Notifications: e-mail through Django's SMTP backend; the webhook channel posts JSON (an SMS or
# WeCom gateway). Sent by the timer worker after the engine's transaction committed.
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "127.0.0.1")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = os.environ.get("EMAIL_USE_TLS", "0") == "1"
EMAIL_TIMEOUT = 10
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "township@localhost")
NOTIFY_WEBHOOK_URL = os.environ.get("NOTIFY_WEBHOOK_URL", "")
NOTIFY_WEBHOOK_TOKEN = os.environ.get("NOTIFY_WEBHOOK_TOKEN", "")
NOTIFY_MAX_ATTEMPTS = int(os.environ.get("NOTIFY_MAX_ATTEMPTS", "6"))

# Logs: one JSON object per line with DEBUG off (or DJANGO_LOG_FORMAT=json), plain text otherwise.
LOG_FORMAT = os.environ.get("DJANGO_LOG_FORMAT", "text" if DEBUG else "json")
LOG_LEVEL = os.environ.get("DJANGO_LOG_LEVEL", "INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {"()": "pythonjsonlogger.json.JsonFormatter", "json_ensure_ascii": False,
                 "fmt": "%(levelname)s %(name)s %(process)d %(message)s", "timestamp": "time",
                 "rename_fields": {"levelname": "level", "name": "logger", "process": "pid"}},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(process)d] %(message)s"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        "django": {"handlers": ["console"], "level": "INFO" if not DEBUG else "WARNING", "propagate": False},
        "spiff": {"handlers": ["console"], "level": "WARNING", "propagate": False},
        "engine": {"handlers": ["console"], "level": LOG_LEVEL, "propagate": False},
        "ops": {"handlers": ["console"], "level": LOG_LEVEL, "propagate": False},
        "township.request": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}  # fmt: skip

# Evidence (docs/evidence.md): the township's Ed25519 signing key for the transparency log's
# checkpoints (generated by `manage.py evidence_keygen`; keep a copy of the public key off this
# machine), the log's name, and how often the timer worker signs a checkpoint.
EVIDENCE_SIGNING_KEY = Path(os.environ.get("TOWNSHIP_SIGNING_KEY", BASE_DIR / "var" / "signing" / "township-ed25519.pem"))
EVIDENCE_LOG_ORIGIN = os.environ.get("TOWNSHIP_LOG_ORIGIN", "township-powers/audit-log")
EVIDENCE_CHECKPOINT_SECONDS = int(os.environ.get("TOWNSHIP_CHECKPOINT_SECONDS", "600"))
