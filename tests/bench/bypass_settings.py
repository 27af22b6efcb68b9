"""Benchmark settings: core.settings.local with host routing swapped for one fixed tenant."""

from core.settings.local import *  # noqa: F403
from core.settings.local import MIDDLEWARE as _ROUTED_MIDDLEWARE

_ROUTING = "tenants.middleware.TenantRoutingMiddleware"
if _ROUTING not in _ROUTED_MIDDLEWARE:
    # Without it there is nothing to bypass, and the comparison would silently measure nothing.
    raise RuntimeError(f"{_ROUTING} is no longer in MIDDLEWARE; update tests/bench/bypass_settings.py")

# Same position in the chain, so every other middleware runs exactly as in the routed server.
MIDDLEWARE = [
    "tests.bench.bypass.FixedTenantMiddleware" if entry == _ROUTING else entry for entry in _ROUTED_MIDDLEWARE
]
