"""The web app's navigation: which pages a person sees, by role.

Pages are named in the "web" URL namespace. An entry whose page does not exist is left out, so the
menu never links to a missing page.
"""

from dataclasses import dataclass

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .roles import Roles, roles_of


@dataclass(frozen=True)
class Entry:
    name: str  # URL name in the "web" namespace
    label: str | Promise
    icon: str  # a symbol id in templates/web/_icons.svg.html
    only: str = "everyone"  # everyone | manages | admin | keeps_clients


MEMBER = (
    Entry("feed", _("Help"), "hand"),
    Entry("request-new", _("Ask"), "plus"),
    Entry("my-requests", _("Mine"), "list"),
    Entry("conversations", _("Messages"), "chat"),
    Entry("profile", _("Me"), "person"),
)

MANAGE = (
    Entry("dashboard", _("Dashboard"), "chart", "manages"),
    Entry("manage-groups", _("Groups"), "people", "manages"),
    # Leaders read both (the channels their groups take part in); only admins change them.
    Entry("manage-channels", _("Channels"), "arrows", "manages"),
    Entry("manage-requirements", _("Requirements"), "check", "manages"),
    Entry("manage-applicants", _("Applicants"), "inbox", "manages"),
    Entry("manage-members", _("Members"), "people", "manages"),
    Entry("manage-clients", _("Clients"), "person", "keeps_clients"),
    Entry("manage-campaigns", _("Campaigns"), "qr", "manages"),
    Entry("manage-announcements", _("Announcements"), "megaphone", "manages"),
    Entry("moderation", _("Moderation"), "flag", "manages"),
    Entry("audit", _("Audit log"), "clock", "admin"),
    Entry("settings", _("Settings"), "gear", "admin"),
)


def _allowed(entry: Entry, roles: Roles) -> bool:
    if entry.only == "everyone":
        return roles.authenticated
    if entry.only == "manages":
        return roles.manages
    if entry.only == "keeps_clients":
        return roles.keeps_clients or roles.admin
    return roles.admin


def _link(entry: Entry, current: str) -> dict[str, object] | None:
    try:
        url = reverse(f"web:{entry.name}")
    except NoReverseMatch:
        return None
    return {"url": url, "label": entry.label, "icon": entry.icon, "current": current == entry.name}


def menus(request: HttpRequest) -> dict[str, list[dict[str, object]]]:
    roles = roles_of(request)
    match = getattr(request, "resolver_match", None)
    current = match.url_name if match is not None and match.namespace == "web" else ""
    member = [link for e in MEMBER if _allowed(e, roles) and (link := _link(e, current))]
    manage = [link for e in MANAGE if _allowed(e, roles) and (link := _link(e, current))]
    return {"member": member, "manage": manage}
