"""Test settings: fast hashing, real PostgreSQL, real Redis where tasks matter."""

import os
import tempfile
from pathlib import Path

os.environ.setdefault("SECRET_KEY", "test-only-key")

from .base import *  # noqa: F403

DEBUG = False
ALLOWED_HOSTS = [".localhost", "localhost", "testserver"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Tests run against one connection per thread; a pool would hide the test transaction.
DATABASES["default"].pop("OPTIONS", None)  # noqa: F405
DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405
CELERY_BEAT_SCHEDULE_FILENAME = "/tmp/dugnad-test-celerybeat-schedule"  # noqa: S108
# Tests read the codes they were "sent" from this file; one per test process, so concurrent runs
# never see each other's messages.
SMS_BACKEND = "core.messaging.backends.filebased.FileBackend"
SMS_FILE_PATH = Path(tempfile.gettempdir()) / f"dugnad-test-sms-{os.getpid()}.jsonl"
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405
# Per-process caches: clearing them between tests must never flush the broker's Redis database.
CACHES = {
    alias: {**config, "BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": alias}
    for alias, config in CACHES.items()  # noqa: F405
}
for config in CACHES.values():
    config.pop("OPTIONS", None)

# Serve static files straight from the apps, no collectstatic step.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
