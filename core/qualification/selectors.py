"""Reads about qualification: which requirements a membership still misses."""

from core.groups.models import Membership


def unmet_requirements(*, membership: Membership) -> list[str]:
    """Human-readable list of the group's requirements this member does not meet yet (interface)."""
    return []
