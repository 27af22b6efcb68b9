"""Qualification rules: requirements, declarations, checks and their expiry."""

from core.groups.models import Membership


def do_forget_records(*, membership: Membership) -> None:
    """Delete the qualification records of a membership that has ended (interface)."""
