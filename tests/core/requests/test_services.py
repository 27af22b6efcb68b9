"""The request lifecycle in the service layer: posting, visibility, offers, contact, conversations, states."""

from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from core.accounts.models import User
from core.audit.models import AuditEvent
from core.groups.models import Category, MembershipStatus, Role
from core.moderation.models import Sanction, SanctionKind
from core.qualification.models import Requirement, RequirementKind, TrainingRecord
from core.requests import selectors, services
from core.requests.models import (
    ConversationKind,
    ConversationMessage,
    HelpRequest,
    Offer,
    OfferStatus,
    RequestState,
    Timing,
)
from core.requests.states import transition
from tests.factories import UserFactory, make_member

from .conftest import Scene

pytestmark = pytest.mark.django_db


def post(scene: Scene, **fields: Any) -> HelpRequest:
    fields.setdefault("title", "Følge til legen")
    fields.setdefault("client", scene.client)
    return services.do_post_request(actor=scene.nurse, channel=scene.channel, **fields)


def agreed(scene: Scene) -> tuple[HelpRequest, Offer]:
    request = post(scene)
    offer = services.do_offer(actor=scene.volunteer, request=request)
    services.do_accept_offer(actor=scene.nurse, offer=offer)
    request.refresh_from_db()
    offer.refresh_from_db()
    return request, offer


# --- Posting ------------------------------------------------------------------------------------


def test_only_title_and_channel_are_needed_and_the_default_duration_applies(scene: Scene) -> None:
    request = services.do_post_request(actor=scene.nurse, channel=scene.channel, title="Handle mat")
    assert request.state == RequestState.OPEN
    assert request.timing == Timing.FLEXIBLE
    assert request.poster_group == scene.home_care
    assert abs(request.expires_at - (timezone.now() + timedelta(days=7))) < timedelta(minutes=1)
    assert AuditEvent.objects.filter(action="request.posted", target_id=str(request.pk)).exists()


def test_a_request_never_stays_open_past_its_start(scene: Scene) -> None:
    starts = timezone.now() + timedelta(days=2)
    request = post(scene, timing=Timing.AT, starts_at=starts)
    assert request.expires_at == starts


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ("Ring meg på 912 34 567", "title"),
        ("Svensk nummer +46 70 123 45 67", "description"),
        ("Skriv til kari@example.org", "description"),
        ("Fødselsnummer 15076500565", "description"),
        ("Personnummer 811218-9876", "title"),
    ],
)
def test_personal_data_in_the_text_is_refused_and_nothing_is_stored(scene: Scene, text: str, field: str) -> None:
    fields = {"title": "Hjelp", "description": ""}
    fields[field] = text
    with pytest.raises(ValidationError) as error:
        post(scene, **fields)
    assert field in error.value.message_dict
    assert "client record" in error.value.message_dict[field][0]
    assert not HelpRequest.objects.exists()


def test_ordinary_numbers_pass(scene: Scene) -> None:
    request = post(scene, title="Snømåking 2 timer", description="Klokken 14:30, 3 personer, bussen 150")
    assert request.pk


def test_someone_outside_the_publishing_groups_cannot_post(scene: Scene) -> None:
    with pytest.raises(PermissionDenied):
        services.do_post_request(actor=scene.volunteer, channel=scene.channel, title="Hjelp")
    assert not HelpRequest.objects.exists()


def test_only_keepers_of_the_client_post_for_it(scene: Scene) -> None:
    plain_member = make_member(scene.home_care, UserFactory.create()).user
    with pytest.raises(PermissionDenied):
        services.do_post_request(actor=plain_member, channel=scene.channel, title="Hjelp", client=scene.client)
    assert not HelpRequest.objects.exists()


def test_bad_timing_is_refused_with_a_field_message(scene: Scene) -> None:
    with pytest.raises(ValidationError) as error:
        post(scene, timing=Timing.WINDOW, starts_at=timezone.now() + timedelta(days=1))
    assert "ends_at" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        post(scene, timing=Timing.AT, starts_at=timezone.now() - timedelta(hours=1))
    assert "starts_at" in error.value.message_dict
    assert not HelpRequest.objects.exists()


def test_a_suspended_member_can_neither_post_nor_offer(scene: Scene) -> None:
    request = post(scene)
    Sanction.objects.create(user=scene.volunteer, kind=SanctionKind.SUSPENSION, reason="spam", given_by=scene.admin)
    with pytest.raises(PermissionDenied):
        services.do_offer(actor=scene.volunteer, request=request)
    Sanction.objects.create(user=scene.nurse, kind=SanctionKind.SUSPENSION, reason="spam", given_by=scene.admin)
    with pytest.raises(PermissionDenied):
        post(scene)
    assert HelpRequest.objects.count() == 1
    assert not Offer.objects.exists()


# --- Visibility ---------------------------------------------------------------------------------


def _sees(user: User, request: HelpRequest) -> bool:
    return selectors.requests_visible_to(user).filter(pk=request.pk).exists()


def test_who_sees_a_request(scene: Scene) -> None:
    request = post(scene)
    applicant = make_member(scene.volunteers, UserFactory.create(), status=MembershipStatus.APPLIED).user
    for user in (scene.nurse, scene.other_nurse, scene.leader, scene.admin, scene.volunteer, scene.second_volunteer):
        assert _sees(user, request), user.name
    for user in (scene.outsider, applicant):
        assert not _sees(user, request), user.name
        with pytest.raises(HelpRequest.DoesNotExist):
            selectors.get_visible_request(user=user, request_id=request.pk)


def test_a_member_whose_qualification_lapsed_no_longer_sees_requests(scene: Scene) -> None:
    training = Requirement.objects.create(
        group=scene.volunteers, kind=RequirementKind.TRAINING, training_name="Førstehjelp", validity_months=12
    )
    today = timezone.localdate()
    for user, expires in ((scene.volunteer, today + timedelta(days=30)), (scene.second_volunteer, today)):
        TrainingRecord.objects.create(
            membership=user.memberships.get(group=scene.volunteers),
            requirement=training,
            completed_on=today - timedelta(days=300),
            expires_on=expires,
            recorded_by=scene.leader,
        )
    request = post(scene)
    assert _sees(scene.volunteer, request)
    assert not _sees(scene.second_volunteer, request)
    assert list(selectors.feed_for(member=scene.second_volunteer)) == []
    with pytest.raises(PermissionDenied):
        services.do_offer(actor=scene.second_volunteer, request=request)


def test_hidden_requests_are_seen_only_by_the_poster_side_leaders_and_admins(scene: Scene) -> None:
    request = post(scene)
    HelpRequest.objects.filter(pk=request.pk).update(hidden_at=timezone.now())
    for user in (scene.nurse, scene.other_nurse, scene.leader, scene.admin):
        assert _sees(user, request)
    assert not _sees(scene.volunteer, request)


def test_the_feed_is_open_requests_newest_first_filtered_by_category_and_area(scene: Scene) -> None:
    shopping = Category.objects.create(key="shopping", name="Handling")
    older = post(scene, title="Handle", category=shopping, area="Melhus sentrum")
    HelpRequest.objects.filter(pk=older.pk).update(created_at=timezone.now() - timedelta(hours=2))
    newer = post(scene, title="Tur", area="Gimse")
    closed = post(scene, title="Avlyst")
    services.do_cancel_request(actor=scene.nurse, request=closed)
    feed = selectors.feed_for(member=scene.volunteer)
    assert list(feed) == [newer, older]
    assert list(selectors.feed_for(member=scene.volunteer, category_id=shopping.pk)) == [older]
    assert list(selectors.feed_for(member=scene.volunteer, area="gimse")) == [newer]
    assert list(selectors.feed_for(member=scene.outsider)) == []


def test_the_feed_costs_the_same_handful_of_queries_however_many_requests(
    scene: Scene, django_assert_max_num_queries: Any
) -> None:
    for n in range(30):
        post(scene, title=f"Forespørsel {n}")
    with django_assert_max_num_queries(6):
        assert len(list(selectors.feed_for(member=scene.volunteer)[:30])) == 30


# --- Offers, acceptance, contact ----------------------------------------------------------------


def test_offer_accept_and_the_others_are_declined(scene: Scene) -> None:
    request = post(scene)
    first = services.do_offer(actor=scene.volunteer, request=request, message="Jeg kan!")
    second = services.do_offer(actor=scene.second_volunteer, request=request)
    request.refresh_from_db()
    assert request.first_offer_at is not None
    with pytest.raises(ValidationError):
        services.do_offer(actor=scene.volunteer, request=request)
    services.do_accept_offer(actor=scene.nurse, offer=first)
    request.refresh_from_db()
    second.refresh_from_db()
    assert request.state == RequestState.AGREED
    assert request.agreed_at is not None
    assert second.status == OfferStatus.DECLINED
    assert request.conversations.filter(kind=ConversationKind.AGREEMENT).exists()


def test_two_helpers_needed_stays_open_until_the_second_is_accepted(scene: Scene) -> None:
    request = post(scene, helpers_needed=2)
    first = services.do_offer(actor=scene.volunteer, request=request)
    second = services.do_offer(actor=scene.second_volunteer, request=request)
    services.do_accept_offer(actor=scene.nurse, offer=first)
    request.refresh_from_db()
    assert request.state == RequestState.OPEN
    services.do_accept_offer(actor=scene.other_nurse, offer=second)
    request.refresh_from_db()
    assert request.state == RequestState.AGREED


def test_only_the_poster_side_accepts(scene: Scene) -> None:
    request = post(scene)
    offer = services.do_offer(actor=scene.volunteer, request=request)
    for user in (scene.second_volunteer, scene.leader):
        with pytest.raises(PermissionDenied):
            services.do_accept_offer(actor=user, offer=offer)
    offer.refresh_from_db()
    assert offer.status == OfferStatus.PENDING


def test_withdraw_while_open_only(scene: Scene) -> None:
    request = post(scene)
    offer = services.do_offer(actor=scene.volunteer, request=request)
    with pytest.raises(PermissionDenied):
        services.do_withdraw_offer(actor=scene.second_volunteer, offer=offer)
    services.do_withdraw_offer(actor=scene.volunteer, offer=offer)
    offer.refresh_from_db()
    assert offer.status == OfferStatus.WITHDRAWN
    # A new offer after withdrawing is allowed; after agreement withdrawing is not.
    again = services.do_offer(actor=scene.volunteer, request=request)
    services.do_accept_offer(actor=scene.nurse, offer=again)
    with pytest.raises(ValidationError):
        services.do_withdraw_offer(actor=scene.volunteer, offer=again)


def test_staff_offer_on_behalf_of_a_resident_they_accompany(scene: Scene) -> None:
    companion = make_member(scene.volunteers, UserFactory.create(name="Stina Staff"), role=Role.STAFF).user
    resident = scene.second_volunteer
    request = post(scene)
    offer = services.do_offer(actor=companion, request=request, on_behalf_of=resident)
    assert (offer.helper, offer.offered_by, offer.via_group) == (resident, companion, scene.volunteers)
    event = AuditEvent.objects.get(action="offer.made", target_id=str(offer.pk))
    assert event.on_behalf_of_id == str(resident.pk)
    # A plain member cannot offer for someone else.
    with pytest.raises(PermissionDenied):
        services.do_offer(actor=scene.volunteer, request=post(scene), on_behalf_of=resident)


def test_only_accepted_helpers_see_the_contact_and_every_read_is_audited(scene: Scene) -> None:
    request = post(scene)
    offer = services.do_offer(actor=scene.volunteer, request=request)
    pending = services.do_offer(actor=scene.second_volunteer, request=request)
    with pytest.raises(HelpRequest.DoesNotExist):
        selectors.get_request_contact(viewer=scene.volunteer, request_id=request.pk)
    services.do_accept_offer(actor=scene.nurse, offer=offer)
    contact = selectors.get_request_contact(viewer=scene.volunteer, request_id=request.pk)
    assert (contact.name, contact.phone, contact.address) == ("Kari Klient", "+4791111111", "Storgata 1, 7224 Melhus")
    assert AuditEvent.objects.filter(action="request.contact_viewed", actor_id=scene.volunteer.pk).count() == 1
    for user in (scene.second_volunteer, scene.leader, scene.outsider):
        with pytest.raises(HelpRequest.DoesNotExist):
            selectors.get_request_contact(viewer=user, request_id=request.pk)
    assert pending.pk


def test_contact_access_ends_24_hours_after_completion(scene: Scene) -> None:
    request, _offer = agreed(scene)
    services.do_complete_request(actor=scene.nurse, request=request)
    HelpRequest.objects.filter(pk=request.pk).update(closed_at=timezone.now() - timedelta(hours=23))
    assert selectors.get_request_contact(viewer=scene.volunteer, request_id=request.pk)
    HelpRequest.objects.filter(pk=request.pk).update(closed_at=timezone.now() - timedelta(hours=25))
    with pytest.raises(HelpRequest.DoesNotExist):
        selectors.get_request_contact(viewer=scene.volunteer, request_id=request.pk)


def test_contact_access_ends_at_once_when_the_acceptance_is_cancelled_and_the_request_reopens(scene: Scene) -> None:
    request, offer = agreed(scene)
    with pytest.raises(ValidationError) as error:
        services.do_cancel_agreement(actor=scene.volunteer, offer=offer, reason=" ")
    assert "reason" in error.value.message_dict
    services.do_cancel_agreement(actor=scene.volunteer, offer=offer, reason="Syk")
    request.refresh_from_db()
    offer.refresh_from_db()
    assert request.state == RequestState.OPEN
    assert (offer.status, offer.end_reason) == (OfferStatus.CANCELLED, "Syk")
    with pytest.raises(HelpRequest.DoesNotExist):
        selectors.get_request_contact(viewer=scene.volunteer, request_id=request.pk)


# --- Conversations ------------------------------------------------------------------------------


def test_agreement_conversation_between_the_poster_side_and_the_accepted_helper(scene: Scene) -> None:
    request, _offer = agreed(scene)
    conversation = request.conversations.get(kind=ConversationKind.AGREEMENT)
    services.do_send_message(actor=scene.volunteer, conversation=conversation, body="Jeg kommer kl 10")
    services.do_send_message(actor=scene.other_nurse, conversation=conversation, body="Flott")
    with pytest.raises(PermissionDenied):
        services.do_send_message(actor=scene.second_volunteer, conversation=conversation, body="Hei")
    with pytest.raises(ValidationError):
        services.do_send_message(actor=scene.volunteer, conversation=conversation, body="   ")
    mine = {c.pk: vars(c)["unread"] for c in selectors.conversations_visible_to(scene.nurse)}
    assert mine == {conversation.pk: 2}
    services.do_mark_read(actor=scene.nurse, conversation=conversation)
    assert [vars(c)["unread"] for c in selectors.conversations_visible_to(scene.nurse)] == [0]
    assert [vars(c)["unread"] for c in selectors.conversations_visible_to(scene.volunteer)] == [1]
    assert list(selectors.conversations_visible_to(scene.second_volunteer)) == []
    assert ConversationMessage.objects.count() == 2


def test_a_helper_may_ask_privately_before_agreement(scene: Scene) -> None:
    request = post(scene)
    message = services.do_ask_question(actor=scene.volunteer, request=request, body="Trengs bil?")
    question = message.conversation
    assert question.kind == ConversationKind.QUESTION
    services.do_send_message(actor=scene.nurse, conversation=question, body="Nei")
    with pytest.raises(PermissionDenied):
        services.do_send_message(actor=scene.second_volunteer, conversation=question, body="Og jeg?")
    with pytest.raises(PermissionDenied):
        services.do_ask_question(actor=scene.outsider, request=request, body="Hei")
    with pytest.raises(ConversationMessage.DoesNotExist):
        selectors.get_visible_message(user=scene.second_volunteer, message_id=message.pk)
    assert selectors.get_visible_message(user=scene.leader, message_id=message.pk) == message


# --- The state machine --------------------------------------------------------------------------


def test_complete_and_thank(scene: Scene) -> None:
    request, _offer = agreed(scene)
    with pytest.raises(ValidationError):
        services.do_thank_helpers(actor=scene.nurse, request=request, text="Takk!")
    services.do_complete_request(actor=scene.nurse, request=request)
    services.do_thank_helpers(actor=scene.nurse, request=request, text="Tusen takk!")
    request.refresh_from_db()
    assert (request.state, request.thanks) == (RequestState.COMPLETED, "Tusen takk!")
    assert request.closed_at is not None
    with pytest.raises(ValidationError):
        services.do_thank_helpers(actor=scene.nurse, request=request, text="Igjen")


@pytest.mark.parametrize(
    ("start", "target"),
    [
        (RequestState.OPEN, RequestState.COMPLETED),
        (RequestState.EXPIRED, RequestState.OPEN),
        (RequestState.COMPLETED, RequestState.CANCELLED),
        (RequestState.CANCELLED, RequestState.AGREED),
        (RequestState.AGREED, RequestState.EXPIRED),
    ],
)
def test_illegal_moves_are_refused_and_change_nothing(scene: Scene, start: str, target: RequestState) -> None:
    request = post(scene)
    HelpRequest.objects.filter(pk=request.pk).update(state=start)
    request.refresh_from_db()
    with pytest.raises(ValidationError):
        transition(request, to=target, actor=scene.nurse)
    request.refresh_from_db()
    assert request.state == start


def test_every_transition_is_audited(scene: Scene) -> None:
    request, _offer = agreed(scene)
    services.do_cancel_request(actor=scene.nurse, request=request, reason="Klienten er på sykehus")
    actions = list(
        AuditEvent.objects.filter(target_id=str(request.pk), action__startswith="request.")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == ["request.posted", "request.agreed", "request.cancelled"]
    request.refresh_from_db()
    assert request.cancel_reason == "Klienten er på sykehus"


def test_only_the_poster_side_completes(scene: Scene) -> None:
    request, _offer = agreed(scene)
    with pytest.raises(PermissionDenied):
        services.do_complete_request(actor=scene.volunteer, request=request)
    request.refresh_from_db()
    assert request.state == RequestState.AGREED
