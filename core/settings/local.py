"""Development settings: safe defaults so a newcomer configures nothing."""

import os

os.environ.setdefault("DEBUG", "true")
# Development only; production.py refuses to start without a real secret.
os.environ.setdefault("SECRET_KEY", "dev-only-insecure-key-do-not-use-in-production")

from .base import *  # noqa: F403
from .base import BASE_DOMAIN

ALLOWED_HOSTS = [BASE_DOMAIN, f".{BASE_DOMAIN}", "127.0.0.1"]

# Serve static files straight from the apps, no collectstatic step.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
