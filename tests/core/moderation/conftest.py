"""A channel a need group publishes into and volunteers answer, with a request, a question and the people around it."""

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from core.accounts.models import User
from core.groups.models import Channel, Group, Purpose, Role
from core.requests.models import Conversation, ConversationKind, ConversationMessage, HelpRequest
from tenants.models import Tenant
from tests.factories import UserFactory, make_group, make_member


@dataclass
class Scene:
    home_care: Group
    volunteers: Group
    chess: Group
    channel: Channel
    poster: User
    volunteer: User
    other_volunteer: User
    channel_leader: User
    poster_leader: User
    chess_leader: User
    outsider: User
    admin: User
    request: HelpRequest
    message: ConversationMessage
    extra: dict[str, Any] = field(default_factory=dict)


def make_request(
    *, channel: Channel, poster_group: Group, posted_by: User, title: str = "Følge til legen"
) -> HelpRequest:
    return HelpRequest.objects.create(
        channel=channel,
        poster_group=poster_group,
        posted_by=posted_by,
        title=title,
        expires_at=timezone.now() + timedelta(days=7),
    )


def make_question(request: HelpRequest, helper: User, body: str = "Kan jeg ta med hunden?") -> ConversationMessage:
    conversation = Conversation.objects.create(request=request, kind=ConversationKind.QUESTION, helper=helper)
    return ConversationMessage.objects.create(conversation=conversation, author=helper, body=body)


def build_scene(prefix: str = "") -> Scene:
    """Call inside a tenant schema."""
    home_care = make_group(f"{prefix}Hjemmetjenesten", purpose=Purpose.NEED)
    volunteers = make_group(f"{prefix}Frivillige")
    chess = make_group(f"{prefix}Sjakk")
    channel = Channel.objects.create(name=f"{prefix}Hjelp i hverdagen")
    channel.publishing_groups.add(home_care)
    channel.answering_groups.add(volunteers)

    def person(group: Group | None, name: str, role: Role = Role.MEMBER, **fields: Any) -> User:
        user = UserFactory.create(name=f"{prefix}{name}", language="en", **fields)
        if group is not None:
            make_member(group, user, role=role)
        return user

    poster = person(home_care, "Per Poster")
    volunteer = person(volunteers, "Vera Volunteer")
    other_volunteer = person(volunteers, "Sven Second")
    channel_leader = person(volunteers, "Lea Leader", Role.LEADER)
    poster_leader = person(home_care, "Hanne Leader", Role.LEADER)
    chess_leader = person(chess, "Sjur Chess", Role.LEADER)
    outsider = person(chess, "Olav Outsider")
    admin = person(None, "Ada Admin", is_tenant_admin=True)
    request = make_request(channel=channel, poster_group=home_care, posted_by=poster, title=f"{prefix}Følge til legen")
    message = make_question(request, volunteer, body=f"{prefix}Kan jeg ta med hunden?")
    return Scene(
        home_care=home_care,
        volunteers=volunteers,
        chess=chess,
        channel=channel,
        poster=poster,
        volunteer=volunteer,
        other_volunteer=other_volunteer,
        channel_leader=channel_leader,
        poster_leader=poster_leader,
        chess_leader=chess_leader,
        outsider=outsider,
        admin=admin,
        request=request,
        message=message,
    )


@pytest.fixture
def scene(in_melhus: Tenant) -> Scene:
    return build_scene()


@dataclass
class Told:
    """What notify was asked to send: (event, user, key, rendered message)."""

    calls: list[tuple[Any, User, str, Any]] = field(default_factory=list)

    @property
    def keys(self) -> list[str]:
        return [key for _, _, key, _ in self.calls]


@pytest.fixture
def told(monkeypatch: pytest.MonkeyPatch) -> Told:
    """Record the notices moderation sends instead of sending them (rendered at once, in English)."""
    import core.notifications.services as notifications

    recorded = Told()

    def fake_notify(*, event: Any, user: User, key: str, render: Any) -> None:
        recorded.calls.append((event, user, key, render()))

    monkeypatch.setattr(notifications, "notify", fake_notify)
    return recorded
