"""Settings shared by every environment, all read from the environment (12-factor)."""

from pathlib import Path

import django_stubs_ext
import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

# Lets generic Django classes be subscripted at run time (ModelAdmin[Tenant]) for the type checker.
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    raise ImproperlyConfigured("SECRET_KEY must be set (it is required whenever DEBUG is off).")

# --- Hosts and tenancy -------------------------------------------------------------------------

# The public site lives on the bare domain, tenant `slug` at `{slug}.{BASE_DOMAIN}`.
BASE_DOMAIN = env.str("BASE_DOMAIN", default="localhost").lower()
ALLOWED_HOSTS = [BASE_DOMAIN, f".{BASE_DOMAIN}", *env.list("EXTRA_ALLOWED_HOSTS", default=[])]

# Apps whose tables live only in the public schema: tenants, onboarding, billing and vendor staff.
# The identity apps (contenttypes, auth, accounts, sessions, API tokens) are deliberately in both lists: one
# AUTH_USER_MODEL, one table per schema, so vendor staff live in `public` and a tenant's people in
# the tenant's own schema (docs/adr/0003-identity-tables-in-every-schema.md).
IDENTITY_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "core.accounts",
    "django.contrib.sessions",
    "rest_framework.authtoken",
]
SHARED_APPS = [
    "django_tenants",
    "tenants",
    "onboarding",
    "billing",
    # Second factor (TOTP) for vendor staff on the public site's console.
    "django_otp",
    "django_otp.plugins.otp_totp",
    *IDENTITY_APPS,
    "django.contrib.admin",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "csp",
    "core",
    # The server-rendered web app: layout, navigation and pages (no models of its own).
    "core.web",
]
TENANT_APPS = [
    *IDENTITY_APPS,
    "allauth",
    "allauth.account",
    "allauth.headless",
    "core.audit",
    "core.messaging",
    "core.groups",
    "core.qualification",
    "core.campaigns",
    "core.clients",
    "core.requests",
    "core.moderation",
    "core.notifications",
    "core.announcements",
    "core.branding",
]
INSTALLED_APPS = list(dict.fromkeys(SHARED_APPS + TENANT_APPS))

TENANT_MODEL = "tenants.Tenant"
TENANT_DOMAIN_MODEL = "tenants.Domain"
PUBLIC_SCHEMA_NAME = "public"
PUBLIC_SCHEMA_URLCONF = "core.urls_public"
ROOT_URLCONF = "core.urls_tenant"
# search_path is set once per connection and tenant, not before every cursor.
TENANT_LIMIT_SET_CALLS = True
# How long a web process trusts its own copy of host -> tenant before asking the shared cache.
# Changes to a Tenant or Domain clear it at once in the process that made them; this bounds how
# long other processes may serve the old routing.
TENANT_ROUTING_LOCAL_TTL = env.int("TENANT_ROUTING_LOCAL_TTL", default=10)
# Days an invitation link (to become admin, leader, staff or member) stays valid.
INVITATION_VALID_DAYS = env.int("INVITATION_VALID_DAYS", default=7)

DATABASE_ROUTERS = ["django_tenants.routers.TenantSyncRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

MIDDLEWARE = [
    "core.health.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "tenants.middleware.TenantRoutingMiddleware",
    "core.observability.SentryTenantMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "onboarding.middleware.PublicSiteOTPMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "core.i18n.TenantLanguageMiddleware",
    "core.audit.context.AuditContextMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "core.web.context.site",
            ],
        },
    },
]

WSGI_APPLICATION = "core.wsgi.application"
ASGI_APPLICATION = "core.asgi.application"

# --- Database ----------------------------------------------------------------------------------

DATABASES = {"default": env.db_url("DATABASE_URL", default="postgres://dugnad@127.0.0.1:54329/dugnad")}
DATABASES["default"]["ENGINE"] = "django_tenants.postgresql_backend"
# Pooling is per session, never per transaction: search_path is session state
# (docs/adr/0002-session-pooling.md). DATABASE_POOL turns on Django's native psycopg pool;
# otherwise connections persist per thread for CONN_MAX_AGE seconds.
if env.bool("DATABASE_POOL", default=False):
    DATABASES["default"]["OPTIONS"] = {
        "pool": {
            "min_size": env.int("DATABASE_POOL_MIN", default=2),
            "max_size": env.int("DATABASE_POOL_MAX", default=10),
        }
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

# --- Cache -------------------------------------------------------------------------------------

REDIS_URL = env.str("REDIS_URL", default="")


def _cache(prefix: str, *, tenant_scoped: bool) -> dict[str, object]:
    cache: dict[str, object] = (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": prefix}
    )
    cache["KEY_PREFIX"] = prefix
    if tenant_scoped:
        # Every key of the default cache starts with the current schema name, so no code can
        # read another tenant's entry by formatting a key by hand.
        cache["KEY_FUNCTION"] = "django_tenants.cache.make_key"
        cache["REVERSE_KEY_FUNCTION"] = "django_tenants.cache.reverse_key"
    return cache


CACHES = {
    "default": _cache("dugnad", tenant_scoped=True),
    # Platform-level entries that belong to no tenant (host routing). Keys start with "platform",
    # a reserved slug, so they can never collide with a tenant's keys.
    "platform": _cache("platform", tenant_scoped=False),
}

# --- Celery ------------------------------------------------------------------------------------

CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL or "redis://127.0.0.1:63799/0")
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": 3600,
    # Redis message priorities: one list per priority 0-9, the worker always pops the lowest
    # number first, so a login code (0) overtakes a backlog of ordinary messages (5).
    "priority_steps": list(range(10)),
    "sep": ":",
    "queue_order_strategy": "priority",
    # A web request that commits a message must not hang on an unreachable broker (the outbox
    # sweep sends the message later).
    "socket_connect_timeout": 5,
}
CELERY_TASK_DEFAULT_PRIORITY = 5
CELERY_TIMEZONE = "Europe/Oslo"
CELERY_BEAT_SCHEDULE_FILENAME = env.str(
    "CELERY_BEAT_SCHEDULE_FILENAME", default=str(BASE_DIR / ".dev" / "celerybeat-schedule")
)
# Periodic jobs are public-schema tasks that fan out one task per tenant; no scheduler reads
# every schema (docs/adr/0004-periodic-jobs-fan-out.md).
CELERY_BEAT_SCHEDULE = {
    "accounts.clear_expired_sessions": {
        "task": "tenants.fan_out",
        "schedule": crontab(hour=3, minute=17),
        "args": ("accounts.clear_expired_sessions",),
    },
    "messaging.sweep": {
        "task": "tenants.fan_out",
        "schedule": crontab(),
        "args": ("messaging.sweep",),
    },
    # Before the working day, so leaders see the warnings and lapses when they start.
    "qualification.check_expiry": {
        "task": "tenants.fan_out",
        "schedule": crontab(hour=6, minute=15),
        "args": ("qualification.check_expiry",),
    },
    # Expire overdue requests and send reminders; every few minutes so nothing waits long.
    "requests.sweep": {
        "task": "tenants.fan_out",
        "schedule": crontab(minute="*/5"),
        "args": ("requests.sweep",),
    },
    # After the working day: one e-mail per person with what they chose to read in a digest.
    "notifications.send_digests": {
        "task": "tenants.fan_out",
        "schedule": crontab(hour=17, minute=0),
        "args": ("notifications.send_digests",),
    },
    "tenants.resume_stalled_provisioning": {
        "task": "tenants.resume_stalled_provisioning",
        "schedule": crontab(minute="*/5"),
    },
}

# --- Outbound messages (SMS and e-mail) ----------------------------------------------------------

# Like Django's e-mail backends: console or file in development and tests, 46elks in production.
SMS_BACKEND = env.str("SMS_BACKEND", default="core.messaging.backends.filebased.FileBackend")
SMS_FILE_PATH = env.path("SMS_FILE_PATH", default=str(BASE_DIR / ".dev" / "sms.jsonl"))
SMS_SENDER = env.str("SMS_SENDER", default="Dugnad")
SMS_46ELKS_API_URL = env.str("SMS_46ELKS_API_URL", default="https://api.46elks.com/a1")
SMS_46ELKS_USERNAME = env.str("SMS_46ELKS_USERNAME", default="")
SMS_46ELKS_PASSWORD = env.str("SMS_46ELKS_PASSWORD", default="")
SMS_HTTP_TIMEOUT_SECONDS = 10.0

_email = env.email_url("EMAIL_URL", default="consolemail://")
EMAIL_BACKEND = _email["EMAIL_BACKEND"]
EMAIL_HOST = _email["EMAIL_HOST"] or "localhost"
EMAIL_PORT = _email["EMAIL_PORT"] or 25
EMAIL_HOST_USER = _email["EMAIL_HOST_USER"] or ""
EMAIL_HOST_PASSWORD = _email["EMAIL_HOST_PASSWORD"] or ""
EMAIL_USE_TLS = _email.get("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = _email.get("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = 10
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default=f"Dugnad <noreply@{BASE_DOMAIN}>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# How long a signatory's single-use link to accept the data-processing agreement works.
DPA_LINK_VALID_DAYS = env.int("DPA_LINK_VALID_DAYS", default=14)
# Vendor staff hear of every new lead from the public "get started" form here.
VENDOR_NOTIFICATION_EMAIL = env.str("VENDOR_NOTIFICATION_EMAIL", default=f"onboarding@{BASE_DOMAIN}")

# Delivery from the outbox: exponential backoff with jitter between attempts, then `failed`.
OUTBOX_MAX_ATTEMPTS = env.int("OUTBOX_MAX_ATTEMPTS", default=8)
OUTBOX_RETRY_BASE_SECONDS = 30.0
# Below the broker's visibility_timeout, so a waiting retry is not handed out twice.
OUTBOX_RETRY_MAX_SECONDS = 1800.0
# A row in `sending` this long belongs to a worker that died mid-send: the sweep marks it unknown.
OUTBOX_SENDING_LEASE_SECONDS = 600
# The sweep leaves rows alone that came due this recently: their task is most likely queued.
OUTBOX_SWEEP_GRACE_SECONDS = 60
OUTBOX_SWEEP_BATCH = 500

# --- Internationalisation ----------------------------------------------------------------------

LANGUAGE_CODE = "nb"
LANGUAGES = [("nb", "Norsk bokmål"), ("sv", "Svenska"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Europe/Oslo"
USE_TZ = True

# --- Static files ------------------------------------------------------------------------------

STATIC_URL = "/static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=str(BASE_DIR / ".dev" / "static"))
# Uploaded and generated files live under MEDIA_ROOT/<schema name>/: no path of one tenant can
# name another tenant's file. They are never served as public static files.
MEDIA_ROOT = env.path("MEDIA_ROOT", default=str(BASE_DIR / ".dev" / "media"))
MEDIA_URL = "/media/"
MULTITENANT_RELATIVE_MEDIA_ROOT = "%s"
STORAGES = {
    "default": {"BACKEND": "django_tenants.files.storage.TenantFileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

# --- Login: phone number and SMS code (django-allauth) ------------------------------------------

# Members have no password: they sign up and log in with their phone number and a one-time code
# sent by SMS, on web pages (/accounts/) or through the API (/api/v1/auth/). The adapter stores the
# number on User.phone and queues every SMS in the outbox; a system check refuses to start without it.
ACCOUNT_ADAPTER = "core.accounts.adapter.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"phone"}
ACCOUNT_SIGNUP_FIELDS = ["phone*"]
ACCOUNT_SIGNUP_FORM_CLASS = "core.accounts.forms.SignupDetailsForm"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_LOGIN_BY_CODE_ENABLED = True
ACCOUNT_PHONE_VERIFICATION_ENABLED = True
# The answer on screen is the same whether or not a number has an account; only its holder learns
# which, from the SMS.
ACCOUNT_PREVENT_ENUMERATION = "strict"
# Codes are 6 digits, live 5 minutes and die after 3 wrong tries.
ACCOUNT_LOGIN_BY_CODE_FORMAT = {"numeric": True, "length": 6, "dashed": False}
ACCOUNT_PHONE_VERIFICATION_CODE_FORMAT = ACCOUNT_LOGIN_BY_CODE_FORMAT
ACCOUNT_LOGIN_BY_CODE_TIMEOUT = ACCOUNT_PHONE_VERIFICATION_TIMEOUT = 5 * 60
ACCOUNT_LOGIN_BY_CODE_MAX_ATTEMPTS = ACCOUNT_PHONE_VERIFICATION_MAX_ATTEMPTS = 3
ACCOUNT_SESSION_REMEMBER = True
LOGIN_REDIRECT_URL = "/"


def _rates(variable: str, default: str, per: str) -> str:
    """Rates written as "3/15m,10/d" in the environment, in allauth's form "3/15m/key,10/d/key"."""
    return ",".join(f"{rate.strip()}/{per}" for rate in env.str(variable, default=default).split(",") if rate.strip())


# Every SMS a login or sign-up causes counts per phone number, per client IP and per tenant
# (core/accounts/ratelimits.py); SMS pumping fraud is a real cost. allauth's own limits on the same
# requests are off: ours count each SMS once and refuse before an account or a pending login exists.
ACCOUNT_RATE_LIMITS = {
    "code_sms": ",".join(
        (
            _rates("LOGIN_CODE_LIMIT_PER_PHONE", "3/15m,10/d", "key"),
            _rates("LOGIN_CODE_LIMIT_PER_IP", "30/h,100/d", "ip"),
        )
    ),
    "code_sms_tenant": _rates("LOGIN_CODE_LIMIT_PER_TENANT", "300/h,2000/d", "key"),
    "request_login_code": "",
    "verify_phone": "",
}
# Behind this many proxies of our own (load balancer, ingress) the client's IP is read from
# X-Forwarded-For; with 0 it is the connecting address. Rate limits and the audit log use it.
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)

# Native apps use allauth's "app" API with a session token (X-Session-Token); browsers use the pages.
HEADLESS_ONLY = False
HEADLESS_CLIENTS = ("app",)

# --- API ---------------------------------------------------------------------------------------

REST_FRAMEWORK = {
    # Each also switches to the person's saved language once it knows who is asking (core/authentication.py).
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "core.authentication.TokenAuthentication",
        # The session token a native app receives when it logs in with an SMS code (/api/v1/auth/).
        "core.authentication.XSessionTokenAuthentication",
        "core.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "core.openapi.AutoSchema",
    # Services raise Django's ValidationError / PermissionDenied; the API turns them into 400 / 403.
    "EXCEPTION_HANDLER": "core.api_errors.api_exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Dugnad API",
    "DESCRIPTION": "REST API of one Dugnad tenant (municipality or organisation).",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI from our own static files: no third-party CDN sees our users' requests.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # The login API (/api/v1/auth/) is allauth's, not DRF views: its own description is merged in.
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "core.accounts.openapi.add_login_api",
    ],
}

# --- Security ----------------------------------------------------------------------------------

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# Cookies stay on the host that set them (no Domain attribute): a session of one tenant is never
# sent to another tenant's subdomain.
SESSION_COOKIE_DOMAIN = None
CSRF_COOKIE_DOMAIN = None
X_FRAME_OPTIONS = "DENY"
CSRF_COOKIE_HTTPONLY = True
# Scripts and styles come from our own static files only: no inline script, no inline style, no
# third-party origin (htmx is vendored). Tenant colours arrive as a stylesheet (/theme.css).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "manifest-src": ["'self'"],
        "worker-src": ["'self'"],
    }
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# --- Observability -----------------------------------------------------------------------------

SENTRY_DSN = env.str("SENTRY_DSN", default="")
SENTRY_ENVIRONMENT = env.str("SENTRY_ENVIRONMENT", default="development")
SENTRY_TRACES_SAMPLE_RATE = env.float("SENTRY_TRACES_SAMPLE_RATE", default=0.0)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"schema": {"()": "core.observability.SchemaLogFilter"}},
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s [%(schema_name)s] %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["schema"], "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}

if SENTRY_DSN:
    from core.observability import init_sentry

    init_sentry(dsn=SENTRY_DSN, environment=SENTRY_ENVIRONMENT, traces_sample_rate=SENTRY_TRACES_SAMPLE_RATE)
