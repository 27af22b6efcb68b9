"""Production settings: refuse to start without secrets, harden transport and cookies."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import DEBUG, env

if DEBUG:
    raise ImproperlyConfigured("DEBUG must be off in production.")
for required in ("SECRET_KEY", "DATABASE_URL", "REDIS_URL", "BASE_DOMAIN", "EMAIL_URL"):
    if not env.str(required, default=""):
        raise ImproperlyConfigured(f"{required} must be set in production.")

# Login codes must reach real phones: a file or the console would silently swallow them.
SMS_BACKEND = env.str("SMS_BACKEND", default="core.messaging.backends.elks.ElksBackend")
if SMS_BACKEND.endswith((".FileBackend", ".ConsoleBackend")):
    raise ImproperlyConfigured("SMS_BACKEND must be a real SMS provider in production, not a file or the console.")
if EMAIL_BACKEND.endswith(("console.EmailBackend", "filebased.EmailBackend", "locmem.EmailBackend")):  # noqa: F405
    raise ImproperlyConfigured("EMAIL_URL must name a real mail server in production (smtp+tls://...).")

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
# /healthz and /readyz answer load balancers over plain HTTP inside the network.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
LANGUAGE_COOKIE_SECURE = True
# The __Host- prefix makes browsers refuse these cookies unless they are Secure, for path / and
# without a Domain attribute: a session can never be widened to the parent domain or a sibling
# tenant's subdomain, even by a mistaken setting.
SESSION_COOKIE_NAME = "__Host-session"
CSRF_COOKIE_NAME = "__Host-csrftoken"
LANGUAGE_COOKIE_NAME = "__Host-language"
