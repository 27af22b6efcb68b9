"""The standing isolation test: every URL of a tenant's site, tried with another tenant's data.

It walks every pattern of the tenant URLconf, so an endpoint added later is covered by being
routed. For each, a person signed in to tenant A asks A's host and B's host, filling any URL
parameters with the ids of B's rows, by GET and by POST. No response may contain any of B's data,
and B's data must be unchanged afterwards.
"""

import itertools
import uuid
from collections.abc import Iterator
from datetime import time, timedelta

import pytest
from allauth.account.models import EmailAddress
from django.apps import apps
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.db import models
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone
from rest_framework.authtoken.models import Token

from core.accounts.models import User
from core.announcements.models import Announcement
from core.audit.services import record
from core.branding.models import Branding
from core.campaigns.models import Campaign, CampaignSignup, CampaignVisit
from core.clients.models import Client as ClientRecord
from core.groups.models import Category, Channel, Group, Invitation, Membership, MembershipStatus, Purpose, Role
from core.messaging.outbox import enqueue_sms
from core.moderation.models import Report, Sanction, SanctionKind
from core.notifications.events import Event
from core.notifications.models import Notification, NotificationPreference, QuietHours
from core.qualification.models import (
    CustomConfirmation,
    Declaration,
    DeclarationSignature,
    DeclarationVersion,
    IdVerificationRecord,
    PoliceCertificateRecord,
    Requirement,
    RequirementKind,
    TrainingRecord,
)
from core.requests.models import (
    Conversation,
    ConversationKind,
    ConversationMessage,
    ConversationRead,
    HelpRequest,
    Offer,
    RequestPolicy,
)
from tenants.db import use_public_schema
from tenants.models import Tenant
from tests.conftest import in_schema
from tests.factories import UserFactory, api_token_for

pytestmark = pytest.mark.django_db

_MARKER = "Isolation-Marker-8c1f"


def _patterns(resolver: URLResolver, prefix: str = "") -> Iterator[tuple[str, URLPattern]]:
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            yield from _patterns(entry, prefix + str(entry.pattern))
        else:
            yield prefix + str(entry.pattern), entry


def _tenant_models() -> list[type[models.Model]]:
    tenant_labels = {app.rsplit(".", 1)[-1] for app in settings.TENANT_APPS}
    return [m for m in apps.get_models() if m._meta.app_label in tenant_labels and m._meta.managed]


def _snapshot() -> dict[str, list[str]]:
    return {m._meta.label: sorted(map(repr, m._default_manager.values_list())) for m in _tenant_models()}


def _ids_in_current_schema() -> list[str]:
    """Ids of every tenant model, interleaved (the first of each model, then the second...).

    URLs are tried with a capped number of ids, so the interleaving makes every model's rows come
    first: a group URL is tried with a group's id, not only with fifty users' ids.
    """
    per_model = [
        [str(pk) for pk in model._default_manager.values_list("pk", flat=True)[:5]] for model in _tenant_models()
    ]
    return [pk for row in itertools.zip_longest(*per_model) for pk in row if pk is not None]


def _fill(route: str, candidates: list[str]) -> list[str]:
    """Every way to fill the route's <converter:name> parameters with candidate ids (capped)."""
    parts = route.split("<")
    if len(parts) == 1:
        return [route.lstrip("^").rstrip("$")]
    names = [p.split(">", 1) for p in parts[1:]]
    choices = []
    for spec, _rest in names:
        converter = spec.split(":")[0] if ":" in spec else "str"
        if converter == "uuid":
            pool = [c for c in candidates if _is_uuid(c)]
        elif converter == "int":
            pool = [c for c in candidates if c.isdigit()]
        else:
            pool = candidates
        choices.append(pool or ["0"])
    urls = []
    for combo in itertools.islice(itertools.product(*choices), 50):
        url = parts[0]
        for value, (_spec, rest) in zip(combo, names, strict=True):
            url += value + rest
        urls.append(url)
    return urls


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


# Framework tables no feature of ours writes to: permission groups, e-mail confirmations (e-mail is not a login).
_UNUSED_TABLES = {"auth.Group", "account.EmailConfirmation"}


def _seed_every_kind_of_row(victim: User) -> None:
    """One row of every tenant model in B, each carrying the marker where it has text."""
    today = timezone.localdate()
    category = Category.objects.create(key="marker", name=_MARKER)
    group = Group.objects.create(name=f"{_MARKER} group", purpose=Purpose.NEED, welcome_text=_MARKER)
    group.categories.add(category)
    membership = Membership.objects.create(
        group=group, user=victim, role=Role.LEADER, status=MembershipStatus.APPROVED, leader_notes=_MARKER
    )
    channel = Channel.objects.create(name=f"{_MARKER} channel")
    channel.publishing_groups.add(group)
    channel.answering_groups.add(group)
    Invitation.objects.create(
        token_hash="0" * 64, role="staff", group=group, phone="+4793333331", expires_at=timezone.now()
    )
    declaration = Declaration.objects.create(title=f"{_MARKER} declaration")
    version = DeclarationVersion.objects.create(declaration=declaration, number=1, text=_MARKER, sha256="0" * 64)
    DeclarationSignature.objects.create(
        user=victim, version=version, full_name=_MARKER, consent=True, text_sha256="0" * 64
    )
    police = Requirement.objects.create(group=group, kind=RequirementKind.POLICE_CERTIFICATE, legal_basis="minors")
    requirement = Requirement.objects.create(group=group, kind=RequirementKind.CUSTOM, title=_MARKER)
    training = Requirement.objects.create(group=group, kind=RequirementKind.TRAINING, training_name=_MARKER)
    id_check = Requirement.objects.create(group=group, kind=RequirementKind.ID_VERIFIED)
    PoliceCertificateRecord.objects.create(
        membership=membership, requirement=police, shown_on=today, checked_by=victim, issued_on=today
    )
    TrainingRecord.objects.create(membership=membership, requirement=training, completed_on=today, recorded_by=victim)
    IdVerificationRecord.objects.create(
        membership=membership, requirement=id_check, verified_on=today, verified_by=victim, method="passport"
    )
    CustomConfirmation.objects.create(
        membership=membership, requirement=requirement, confirmed_on=today, confirmed_by=victim
    )
    campaign = Campaign.objects.create(name=_MARKER, group=group, created_by=victim)
    visit = CampaignVisit.objects.create(campaign=campaign)
    CampaignSignup.objects.create(campaign=campaign, user=victim, visit=visit)
    client = ClientRecord.objects.create(
        group=group,
        name=f"{_MARKER} client",
        phone="+4793333332",
        address=_MARKER,
        notes=_MARKER,
        consent_method="written",
        consent_date=today,
        created_by=victim,
    )
    help_request = HelpRequest.objects.create(
        channel=channel,
        poster_group=group,
        posted_by=victim,
        client=client,
        title=_MARKER,
        description=_MARKER,
        area=_MARKER,
        address=_MARKER,
        expires_at=timezone.now() + timedelta(days=7),
    )
    RequestPolicy.objects.create()
    Offer.objects.create(request=help_request, helper=victim, offered_by=victim, via_group=group, message=_MARKER)
    conversation = Conversation.objects.create(request=help_request, kind=ConversationKind.AGREEMENT)
    message = ConversationMessage.objects.create(conversation=conversation, author=victim, body=_MARKER)
    ConversationRead.objects.create(conversation=conversation, user=victim)
    Report.objects.create(reporter=victim, message=message, reason=_MARKER)
    Sanction.objects.create(user=victim, kind=SanctionKind.WARNING, reason=_MARKER, given_by=victim)
    Announcement.objects.create(group=group, author=victim, title=_MARKER, body=_MARKER)
    # A tenant's display name is public on its own host by design, so it carries no marker.
    Branding.objects.create(display_name="Røde Kors i Melhus", primary_colour="#123456")
    NotificationPreference.objects.create(user=victim, event=Event.NEW_REQUEST, channel="sms")
    QuietHours.objects.create(user=victim, start=time(22), end=time(7))
    Notification.objects.create(user=victim, event=Event.NEW_REQUEST, key=_MARKER, channel="sms", body=_MARKER)
    enqueue_sms(to="+4793333331", body=_MARKER, kind="marker", recipient=victim)
    record(action="marker.created", actor=victim, target=group, data={"marker": _MARKER})
    EmailAddress.objects.create(user=victim, email="victim@example.org", verified=True, primary=True)
    session = SessionStore()
    session["_auth_user_id"] = str(victim.pk)
    session.create()


def test_no_tenant_url_reveals_or_changes_another_tenants_data(melhus: Tenant, red_cross: Tenant) -> None:
    # Given tenant B (Red Cross) with distinctive data, and a member of A (Melhus) signed in.
    with in_schema(red_cross.schema_name):
        victim = User.objects.create_user("+4793333331", f"{_MARKER} Victim", email="victim@example.org")
        Token.objects.create(user=victim)
        _seed_every_kind_of_row(victim)
        b_ids = _ids_in_current_schema()
        b_before = _snapshot()
        # Every tenant table holds at least one of B's rows, so every id-taking URL is tried with real ids.
        empty = [label for label, rows in b_before.items() if not rows and label not in _UNUSED_TABLES]
        assert empty == [], f"add rows of {empty} to _seed_every_kind_of_row"
    with in_schema(melhus.schema_name):
        attacker = UserFactory.create(name="Attacker In Melhus")
        attacker_token = api_token_for(attacker)
    secrets = [_MARKER, "+4793333331", "4793333331", "+4793333332", "victim@example.org", str(victim.pk)]

    session_client = Client()
    with in_schema(melhus.schema_name):
        session_client.force_login(attacker)
    token_headers = {"HTTP_AUTHORIZATION": f"Token {attacker_token}"}

    routes = list(_patterns(get_resolver(settings.ROOT_URLCONF)))
    assert len(routes) >= 4  # the walk really sees the tenant URLconf

    # When A's member tries every URL, on both hosts, with B's ids, by GET and POST...
    tried = 0
    for route, _pattern in routes:
        for path in _fill(route, b_ids):
            for host in (f"{melhus.slug}.localhost", f"{red_cross.slug}.localhost"):
                for method, extra in (("get", {}), ("get", token_headers), ("post", token_headers)):
                    response = getattr(session_client, method)("/" + path, HTTP_HOST=host, **extra)
                    tried += 1
                    body = response.content.decode(errors="replace")
                    # ...then nothing of B comes back.
                    leaked = [s for s in secrets if s in body]
                    assert not leaked, f"{method.upper()} {host}/{path} revealed {leaked}"
                    use_public_schema()

    # ...and B's data is exactly as it was.
    with in_schema(red_cross.schema_name):
        assert _snapshot() == b_before
    assert tried >= len(routes) * 6
