"""Counters in the platform cache for the public site: leads per IP, failed console logins."""

from django.core.cache import caches


def count(key: str) -> int:
    """How many times `key` was counted in its current window."""
    return int(caches["platform"].get(key, 0))


def take(key: str, *, window_seconds: int) -> int:
    """Count one more for `key`; the window starts with the first count. Returns the new count."""
    cache = caches["platform"]
    # add() starts the window only once; incr() is atomic in Redis.
    cache.add(key, 0, timeout=window_seconds)
    try:
        return int(cache.incr(key))
    except ValueError:  # the entry expired between add() and incr()
        cache.set(key, 1, timeout=window_seconds)
        return 1
