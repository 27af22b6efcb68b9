"""The audit log for the tenant's admins: newest first, a page at a time, filtered by what and when."""

from typing import Any
from urllib.parse import urlencode
from uuid import UUID

from django.apps import apps
from django.http import HttpRequest, HttpResponse
from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from core.accounts.models import User
from core.audit.models import AuditEvent
from core.audit.selectors import AuditFilters, audit_events_for
from core.groups.selectors import get_person

from ..pages import admin_required
from .common import end_of, page, page_of, person, start_of
from .forms import AuditFilterForm

ACTIONS: dict[str, str | Promise] = {
    "account.signed_up": _("signed up"),
    "account.phone_changed": _("changed their phone number"),
    "account.phone_verified": _("confirmed their phone number"),
    "account.profile_changed": _("changed their profile"),
    "announcement.posted": _("posted an announcement"),
    "branding.updated": _("changed the site's name, logo, colours or languages"),
    "campaign.created": _("created a campaign"),
    "campaign.updated": _("changed a campaign"),
    "campaign.archived": _("archived a campaign"),
    "campaign.signed_up": _("signed up through a campaign"),
    "category.created": _("added a category"),
    "category.updated": _("renamed a category"),
    "category.deleted": _("removed a category"),
    "channel.created": _("created a channel"),
    "channel.updated": _("changed a channel"),
    "channel.archived": _("archived a channel"),
    "client.created": _("added a client"),
    "client.updated": _("changed a client"),
    "client.archived": _("archived a client"),
    "client.contact_viewed": _("saw a client's contact details"),
    "group.created": _("created a group"),
    "group.updated": _("changed a group"),
    "group.archived": _("archived a group"),
    "invitation.created": _("invited someone"),
    "invitation.accepted": _("accepted an invitation"),
    "invitation.revoked": _("revoked an invitation"),
    "membership.applied": _("applied to a group"),
    "membership.approved": _("approved a member"),
    "membership.rejected": _("turned down an applicant"),
    "membership.withdrawn": _("ended a membership"),
    "membership.lapsed": _("let a membership lapse"),
    "membership.role_changed": _("changed a member's role"),
    "membership.notes_changed": _("changed notes on a member"),
    "message.sent": _("sent a message"),
    "message.hidden": _("hid a message"),
    "message.unhidden": _("showed a hidden message again"),
    "offer.made": _("offered help"),
    "offer.accepted": _("accepted an offer"),
    "offer.declined": _("declined an offer"),
    "offer.withdrawn": _("withdrew an offer"),
    "offer.agreement_cancelled": _("cancelled an agreement"),
    "qualification.requirement_added": _("added a requirement to a group"),
    "qualification.requirement_removed": _("removed a requirement from a group"),
    "qualification.declaration_created": _("wrote a declaration"),
    "qualification.declaration_version_published": _("published a new version of a declaration"),
    "qualification.declaration_signed": _("signed a declaration"),
    "qualification.police_certificate_checked": _("checked a police certificate"),
    "qualification.training_recorded": _("recorded a training"),
    "qualification.id_verified": _("verified someone's identity"),
    "qualification.custom_confirmed": _("confirmed a requirement"),
    "qualification.birth_date_set": _("recorded a date of birth"),
    "qualification.expiry_warned": _("warned of an expiring qualification"),
    "qualification.records_forgotten": _("deleted qualification records"),
    "report.created": _("reported content"),
    "report.dismissed": _("dismissed a report"),
    "request.posted": _("posted a request"),
    "request.contact_viewed": _("saw the contact details of a request"),
    "request.thanked": _("thanked a helper"),
    "request.open": _("reopened a request"),
    "request.agreed": _("agreed on a request"),
    "request.completed": _("completed a request"),
    "request.cancelled": _("cancelled a request"),
    "request.expired": _("let a request expire"),
    "request.hidden": _("hid a request"),
    "request.unhidden": _("showed a hidden request again"),
    "request_policy.changed": _("changed how long requests stay open"),
    "sanction.warning_given": _("gave a warning"),
    "sanction.suspended": _("suspended a member"),
    "sanction.lifted": _("lifted a suspension"),
    "tenant.first_admin_created": _("became the first admin"),
    "tenant.language_changed": _("changed the site's default language"),
    "user.admin_granted": _("made someone an admin"),
}

# Targets whose management page an admin can open, by model name: (URL name, its keyword).
TARGET_PAGES = {
    "campaign": ("web:manage-campaign", "pk"),
    "channel": ("web:manage-channel", "pk"),
    "client": ("web:manage-client", "pk"),
    "group": ("web:manage-group", "pk"),
    "report": ("web:moderation-report", "pk"),
    "user": ("web:manage-member", "user_pk"),
}


def _model_names() -> dict[str, Any]:
    return {str(model._meta.model_name): model._meta.verbose_name for model in apps.get_models()}


def _ref(kind: str, pk: str, names: dict[str, Any]) -> dict[str, Any] | None:
    """A target or "on behalf of" in words, with a link to its page where there is one."""
    if not kind:
        return None
    url = ""
    if kind in TARGET_PAGES:
        name, keyword = TARGET_PAGES[kind]
        try:
            url = reverse(name, kwargs={keyword: UUID(pk)})
        except (NoReverseMatch, ValueError):
            url = ""
    return {"kind": names.get(kind, kind), "id": pk[:8], "url": url}


def _row(event: AuditEvent, names: dict[str, Any]) -> dict[str, Any]:
    return {
        "event": event,
        "action": ACTIONS.get(event.action, event.action),
        "target": _ref(event.target_type, event.target_id, names),
        "on_behalf_of": _ref(event.on_behalf_of_type, event.on_behalf_of_id, names),
    }


@require_GET
@admin_required
def audit_log(request: HttpRequest) -> HttpResponse:
    viewer = person(request)
    actions = sorted(((code, words) for code, words in ACTIONS.items()), key=lambda pair: str(pair[1]))
    form = AuditFilterForm(request.GET or None, actions=actions)
    filters = AuditFilters()
    actor_name = ""
    status = 200
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        filters = AuditFilters(
            actor=data["actor"], action=data["action"], since=start_of(data["since"]), until=end_of(data["until"])
        )
        if data["actor"] is not None:
            actor_name = _actor_name(viewer=viewer, actor_id=data["actor"])
    elif form.is_bound:
        status = 400
    events = page_of(request, audit_events_for(viewer=viewer, filters=filters))
    names = _model_names()
    kept = {str(key): value for key, value in request.GET.items() if key != "page" and value}
    context = {
        "form": form if form.is_bound else AuditFilterForm(actions=actions),
        "page": events,
        "rows": [_row(event, names) for event in events.object_list],
        "query": urlencode(kept),
        "filtered": bool(kept),
        "actor_name": actor_name,
        "without_actor": urlencode({key: value for key, value in kept.items() if key != "actor"}),
    }
    return page(request, "web/manage/site/audit.html", context, status=status)


def _actor_name(*, viewer: User, actor_id: UUID) -> str:
    try:
        return get_person(viewer=viewer, user_id=actor_id).name
    except User.DoesNotExist:  # a person since deleted still filters; they just have no name
        return str(_("someone no longer here"))
