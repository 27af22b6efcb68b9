"""Member pages of requests for help: the feed, posting, my requests and offers, one request, contact, talking."""

import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from core.announcements.models import Announcement
from core.announcements.services import do_post_announcement
from core.audit.models import AuditEvent
from core.groups.models import Category, Role
from core.moderation.models import Report
from core.requests import services
from core.requests.models import (
    Conversation,
    ConversationKind,
    ConversationMessage,
    HelpRequest,
    Offer,
    OfferStatus,
    RequestState,
)
from tenants.models import Tenant
from tests.conftest import in_schema
from tests.core.requests.conftest import Scene, build_scene
from tests.factories import UserFactory, make_member
from tests.web.conftest import web_client

pytestmark = pytest.mark.django_db
Queries = Callable[..., Any]


def _page(response: Any) -> str:
    return response.content.decode()


def _one_h1(page: str) -> None:
    assert len(re.findall(r"<h1[\s>]", page)) == 1, "a page has exactly one h1"


@pytest.fixture
def scene(melhus: Tenant) -> Scene:
    with in_schema(melhus.schema_name):
        return build_scene()


def _post(scene: Scene, title: str = "Escort to the dentist", **fields: Any) -> HelpRequest:
    fields.setdefault("client", scene.client)
    return services.do_post_request(actor=scene.nurse, channel=scene.channel, title=title, **fields)


@pytest.fixture
def posted(melhus: Tenant, scene: Scene) -> HelpRequest:
    """A nurse's request for her client, open, that the volunteers see."""
    with in_schema(melhus.schema_name):
        return _post(scene, area="Melhus sentrum")


@pytest.fixture
def agreed(melhus: Tenant, scene: Scene, posted: HelpRequest) -> Offer:
    """The volunteer offered and the nurse accepted: the request is agreed."""
    with in_schema(melhus.schema_name):
        offer = services.do_offer(actor=scene.volunteer, request=posted, message="I can drive.")
        return services.do_accept_offer(actor=scene.nurse, offer=offer)


def _reload(melhus: Tenant, model: Any, pk: Any) -> Any:
    with in_schema(melhus.schema_name):
        return model.objects.get(pk=pk)


# --- Home and feed ---------------------------------------------------------------------------------


def test_home_sends_a_signed_in_person_to_the_feed(melhus: Tenant, scene: Scene) -> None:
    response = web_client(melhus, scene.volunteer).get("/")

    assert response.status_code == 302
    assert response["Location"] == "/feed/"


def test_the_feed_shows_open_requests_of_the_channels_i_answer(
    melhus: Tenant, scene: Scene, posted: HelpRequest
) -> None:
    # Given a second request that is already cancelled, and one the volunteer offered on
    with in_schema(melhus.schema_name):
        gone = _post(scene, title="Shopping on Friday")
        services.do_cancel_request(actor=scene.nurse, request=gone)
        offered = _post(scene, title="Snow clearing", timing="at", starts_at=timezone.now() + timedelta(days=2))
        services.do_offer(actor=scene.volunteer, request=offered)

    # When the volunteer opens the feed
    response = web_client(melhus, scene.volunteer).get("/feed/")
    page = _page(response)

    # Then the open ones show, newest first, with what they need; the cancelled one does not
    assert response.status_code == 200
    _one_h1(page)
    assert "Escort to the dentist" in page
    assert "Melhus sentrum" in page
    assert "1 helper needed" in page
    assert "Flexible time" in page
    assert page.index("Snow clearing") < page.index("Escort to the dentist")
    assert "Shopping on Friday" not in page
    assert "You offered" in page
    assert f"/requests/{posted.pk}" in page
    # The client is never named in the feed
    assert "Kari Klient" not in page


def test_the_feed_filters_by_category_and_area(melhus: Tenant, scene: Scene, posted: HelpRequest) -> None:
    with in_schema(melhus.schema_name):
        shopping = Category.objects.create(key="shopping", name="Shopping")
        _post(scene, title="Groceries for Kari", category=shopping, area="Gimse")
    client = web_client(melhus, scene.volunteer)

    by_category = _page(client.get("/feed/", {"category": str(shopping.pk)}))
    by_area = _page(client.get("/feed/", {"area": "sentrum"}))
    nothing = _page(client.get("/feed/", {"area": "Trondheim"}))

    assert "Groceries for Kari" in by_category
    assert "Escort to the dentist" not in by_category
    assert "Escort to the dentist" in by_area
    assert "Groceries for Kari" not in by_area
    assert "No open requests match these filters" in nothing


def test_the_feed_answers_htmx_with_the_results_alone(melhus: Tenant, scene: Scene, posted: HelpRequest) -> None:
    response = web_client(melhus, scene.volunteer).get("/feed/", {"area": "sentrum"}, HTTP_HX_REQUEST="true")
    page = _page(response)

    assert response.status_code == 200
    assert page.lstrip().startswith('<div id="feed-results"')
    assert "<h1" not in page
    assert "Escort to the dentist" in page


def test_the_feed_is_paginated_and_its_query_count_is_pinned(
    melhus: Tenant, scene: Scene, django_assert_max_num_queries: Queries
) -> None:
    with in_schema(melhus.schema_name):
        category = Category.objects.create(key="escort", name="Escort")
        for number in range(25):
            request = _post(scene, title=f"Request number {number}", category=category)
            if number % 2:
                services.do_offer(actor=scene.volunteer, request=request)
    client = web_client(melhus, scene.volunteer)
    client.get("/feed/")  # warm the caches every page shares (branding, routes)

    # The layout's own, the person, the reach, the page of requests and its count, and the news card.
    with django_assert_max_num_queries(12):
        first = _page(client.get("/feed/"))
    second = _page(client.get("/feed/", {"page": 2}))

    assert first.count('class="card"') == 20
    assert "Page 1 of 2" in first
    assert "?page=2" in first
    assert second.count('class="card"') == 5


def test_the_feed_shows_the_newest_announcement_of_my_groups_while_it_is_news(melhus: Tenant, scene: Scene) -> None:
    with in_schema(melhus.schema_name):
        old = do_post_announcement(actor=scene.leader, group=scene.volunteers, title="Summer party", body="In June.")
        Announcement.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=15))
        do_post_announcement(actor=scene.leader, group=scene.volunteers, title="Christmas meeting", body="Cake.")
        do_post_announcement(actor=scene.admin, group=scene.home_care, title="Staff rota", body="For staff.")

    page = _page(web_client(melhus, scene.volunteer).get("/feed/"))
    elsewhere = _page(web_client(melhus, scene.outsider).get("/feed/"))

    # The newest of his own groups' news, linked to the rest; not another group's, not the stale one.
    assert "Christmas meeting" in page
    assert 'href="/announcements/"' in page
    assert "Staff rota" not in page
    assert "Summer party" not in page
    _one_h1(page)
    # Not for someone outside the group.
    assert "Christmas meeting" not in elsewhere


def test_the_feeds_news_never_crosses_tenants(melhus: Tenant, red_cross: Tenant, scene: Scene) -> None:
    with in_schema(red_cross.schema_name):
        theirs = build_scene()
        do_post_announcement(actor=theirs.leader, group=theirs.volunteers, title="Red Cross news", body="Theirs.")
    with in_schema(melhus.schema_name):
        do_post_announcement(actor=scene.leader, group=scene.volunteers, title="Melhus news", body="Ours.")

    ours = _page(web_client(melhus, scene.volunteer).get("/feed/"))
    their_feed = _page(web_client(red_cross, theirs.volunteer).get("/feed/"))

    assert "Melhus news" in ours
    assert "Red Cross news" not in ours
    assert "Red Cross news" in their_feed
    assert "Melhus news" not in their_feed


def test_a_person_in_no_answering_group_is_pointed_to_the_groups(melhus: Tenant, scene: Scene) -> None:
    response = web_client(melhus, scene.outsider).get("/feed/")
    page = _page(response)

    assert response.status_code == 200
    assert "You are not yet in a group that helps others" in page
    assert 'href="/groups/"' in page


def test_the_feed_asks_visitors_to_log_in(melhus: Tenant) -> None:
    response = web_client(melhus).get("/feed/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


# --- Posting ---------------------------------------------------------------------------------------


def test_a_nurse_posts_for_a_client_and_lands_on_the_request(melhus: Tenant, scene: Scene) -> None:
    # Given the nurse's form, with her only channel preselected and her client offered
    client = web_client(melhus, scene.nurse)
    form = _page(client.get("/requests/new"))
    assert "Kari Klient" in form
    assert f'type="hidden" name="channel" value="{scene.channel.pk}"' in form
    assert "More details" in form

    # When she posts for the client
    response = client.post(
        "/requests/new",
        {
            "for_whom": str(scene.client.pk),
            "title": "Escort to the dentist",
            "channel": str(scene.channel.pk),
            "area": "Gimse",
            "timing": "flexible",
            "helpers_needed": "1",
        },
        follow=True,
    )

    # Then the request exists for the client, and she sees it with a success message
    with in_schema(melhus.schema_name):
        posted = HelpRequest.objects.get(title="Escort to the dentist")
        assert posted.client == scene.client
        assert posted.posted_by == scene.nurse
        assert posted.area == "Gimse"
    assert response.redirect_chain == [(f"/requests/{posted.pk}", 302)]
    assert "Your request is posted" in _page(response)


def test_a_time_given_with_flexible_left_on_becomes_a_time(melhus: Tenant, scene: Scene) -> None:
    when = timezone.localtime() + timedelta(days=3)

    web_client(melhus, scene.nurse).post(
        "/requests/new",
        {
            "for_whom": "me",
            "title": "Visit",
            "channel": str(scene.channel.pk),
            "timing": "flexible",
            "starts_at": when.strftime("%Y-%m-%dT%H:%M"),
            "helpers_needed": "2",
            "open_days": "2",
        },
    )

    with in_schema(melhus.schema_name):
        posted = HelpRequest.objects.get(title="Visit")
    assert posted.timing == "at"
    assert posted.client is None
    assert posted.helpers_needed == 2
    assert timezone.localtime(posted.starts_at).strftime("%Y-%m-%dT%H:%M") == when.strftime("%Y-%m-%dT%H:%M")


def test_a_phone_number_in_the_title_is_refused_on_the_field(melhus: Tenant, scene: Scene) -> None:
    response = web_client(melhus, scene.nurse).post(
        "/requests/new",
        {
            "for_whom": "me",
            "title": "Call Kari on 912 34 567",
            "channel": str(scene.channel.pk),
            "timing": "flexible",
            "helpers_needed": "1",
        },
    )
    page = _page(response)

    assert response.status_code == 400
    assert "Remove the phone number" in page
    assert 'id="id_title_error"' in page
    with in_schema(melhus.schema_name):
        assert not HelpRequest.objects.exists()


def test_a_window_without_its_end_is_refused(melhus: Tenant, scene: Scene) -> None:
    when = timezone.localtime() + timedelta(days=3)

    response = web_client(melhus, scene.nurse).post(
        "/requests/new",
        {
            "for_whom": "me",
            "title": "Visit",
            "channel": str(scene.channel.pk),
            "timing": "window",
            "starts_at": when.strftime("%Y-%m-%dT%H:%M"),
            "helpers_needed": "1",
        },
    )

    assert response.status_code == 400
    assert "Say when the window ends." in _page(response)
    with in_schema(melhus.schema_name):
        assert not HelpRequest.objects.exists()


def test_a_volunteer_cannot_post_into_a_channel_they_only_answer(melhus: Tenant, scene: Scene) -> None:
    client = web_client(melhus, scene.volunteer)

    form = _page(client.get("/requests/new"))
    response = client.post(
        "/requests/new",
        {"title": "Help", "channel": str(scene.channel.pk), "timing": "flexible", "helpers_needed": "1"},
    )

    assert "You are not yet in a group that can ask for help" in form
    assert response.status_code == 400
    with in_schema(melhus.schema_name):
        assert not HelpRequest.objects.exists()


def test_a_nurse_cannot_post_for_another_groups_client(melhus: Tenant, red_cross: Tenant, scene: Scene) -> None:
    with in_schema(melhus.schema_name):
        other = build_scene_client(scene)

    response = web_client(melhus, scene.nurse).post(
        "/requests/new",
        {"for_whom": str(other.pk), "title": "Help", "channel": str(scene.channel.pk), "timing": "flexible"},
    )

    assert response.status_code == 400
    with in_schema(melhus.schema_name):
        assert not HelpRequest.objects.exists()


def build_scene_client(scene: Scene) -> Any:
    from core.clients.models import Client as ClientRecord
    from tests.factories import make_group

    group = make_group("Bofellesskap", purpose="need")
    return ClientRecord.objects.create(
        group=group,
        name="Per Annen",
        phone="+4792222222",
        address="Vei 2",
        consent_method="written",
        consent_date="2026-01-01",
        created_by=scene.admin,
    )


# --- My requests and my offers ---------------------------------------------------------------------


def test_my_requests_shows_my_clients_requests_with_waiting_offers(
    melhus: Tenant, scene: Scene, posted: HelpRequest, django_assert_max_num_queries: Queries
) -> None:
    # Given an offer waiting on the nurse's request, and the other nurse of the same group
    with in_schema(melhus.schema_name):
        services.do_offer(actor=scene.volunteer, request=posted)
        for number in range(5):
            services.do_offer(actor=scene.volunteer, request=_post(scene, title=f"Visit number {number}"))
    client = web_client(melhus, scene.other_nurse)
    client.get("/requests/mine")

    with django_assert_max_num_queries(10):
        response = client.get("/requests/mine")
    page = _page(response)

    assert response.status_code == 200
    _one_h1(page)
    assert "Escort to the dentist" in page
    assert "for Kari Klient" in page
    assert page.count("1 offer waiting for your answer") == 6
    assert "Open" in page


def test_my_requests_filters_by_state(melhus: Tenant, scene: Scene, posted: HelpRequest) -> None:
    with in_schema(melhus.schema_name):
        gone = _post(scene, title="Shopping on Friday")
        services.do_cancel_request(actor=scene.nurse, request=gone)
    client = web_client(melhus, scene.nurse)

    cancelled = _page(client.get("/requests/mine", {"state": "cancelled"}))
    completed = _page(client.get("/requests/mine", {"state": "completed"}))

    assert "Shopping on Friday" in cancelled
    assert "Escort to the dentist" not in cancelled
    assert "None of your requests is in this state" in completed


def test_a_volunteer_has_no_requests_of_the_nurse(melhus: Tenant, scene: Scene, posted: HelpRequest) -> None:
    page = _page(web_client(melhus, scene.volunteer).get("/requests/mine"))

    assert "Escort to the dentist" not in page
    assert "You have not asked for help yet" in page


def test_my_offers_lists_my_offers_with_their_state(
    melhus: Tenant, scene: Scene, agreed: Offer, django_assert_max_num_queries: Queries
) -> None:
    client = web_client(melhus, scene.volunteer)
    client.get("/offers/")

    with django_assert_max_num_queries(6):
        response = client.get("/offers/")
    page = _page(response)

    assert response.status_code == 200
    assert "Escort to the dentist" in page
    assert "Accepted" in page
    assert "Agreed" in page
    assert f"/requests/{agreed.request_id}" in page
    assert "You have not offered to help yet" in _page(web_client(melhus, scene.second_volunteer).get("/offers/"))


# --- One request: the helping flow -----------------------------------------------------------------


def test_the_request_page_shows_each_side_what_it_may_do(melhus: Tenant, scene: Scene, posted: HelpRequest) -> None:
    volunteer = _page(web_client(melhus, scene.volunteer).get(f"/requests/{posted.pk}"))
    nurse = _page(web_client(melhus, scene.nurse).get(f"/requests/{posted.pk}"))

    _one_h1(volunteer)
    assert "Offer to help" in volunteer
    assert "Ask a question first" in volunteer
    assert "Report this request" in volunteer
    assert "Cancel the request" not in volunteer
    assert "Kari Klient" not in volunteer
    _one_h1(nurse)
    assert "for Kari Klient" in nurse
    assert "No offers yet" in nurse
    assert "Cancel the request" in nurse
    assert "Offer to help" not in nurse
    assert "Report this request" not in nurse


def test_a_person_who_may_not_see_the_request_gets_404(melhus: Tenant, scene: Scene, posted: HelpRequest) -> None:
    response = web_client(melhus, scene.outsider).get(f"/requests/{posted.pk}")

    assert response.status_code == 404
    assert "Escort to the dentist" not in _page(response)


def test_offer_accept_then_the_helper_sees_the_contact(melhus: Tenant, scene: Scene, posted: HelpRequest) -> None:
    volunteer = web_client(melhus, scene.volunteer)
    nurse = web_client(melhus, scene.nurse)

    # When the volunteer offers on the page
    response = volunteer.post(f"/requests/{posted.pk}/offer", {"message": "I can drive."}, follow=True)
    assert "Thank you for offering" in _page(response)
    assert "Waiting for an answer" in _page(response)
    with in_schema(melhus.schema_name):
        offer = Offer.objects.get(request=posted)
    assert offer.helper == scene.volunteer

    # And the nurse sees the offer and accepts it on the page
    page = _page(nurse.get(f"/requests/{posted.pk}"))
    assert "Vera Volunteer" in page
    assert "I can drive." in page
    assert f"/offers/{offer.pk}/accept" in page
    response = nurse.post(f"/offers/{offer.pk}/accept", follow=True)
    assert "the request is agreed" in _page(response)
    assert _reload(melhus, HelpRequest, posted.pk).state == RequestState.AGREED

    # Then the volunteer gets the button and the contact page, and the look is audited
    page = _page(volunteer.get(f"/requests/{posted.pk}"))
    assert "Show name, address and phone" in page
    response = volunteer.get(f"/requests/{posted.pk}/contact")
    contact = _page(response)
    assert response.status_code == 200
    assert "Kari Klient" in contact
    assert "Storgata 1, 7224 Melhus" in contact
    # A tap calls the number; the text reads as people write it.
    assert '<a href="tel:+4791111111">+47 91 11 11 11</a>' in contact
    assert "Your look is logged" in contact
    assert "no-cache" in response["Cache-Control"] or "no-store" in response["Cache-Control"]
    with in_schema(melhus.schema_name):
        looks = AuditEvent.objects.filter(action="request.contact_viewed", target_id=str(posted.pk))
        assert list(looks.values_list("actor_id", flat=True)) == [scene.volunteer.pk]


@pytest.mark.parametrize("who", ["second_volunteer", "nurse", "outsider", "leader"])
def test_nobody_but_the_accepted_helper_sees_the_contact(melhus: Tenant, scene: Scene, agreed: Offer, who: str) -> None:
    response = web_client(melhus, getattr(scene, who)).get(f"/requests/{agreed.request_id}/contact")

    assert response.status_code == 404
    assert "Storgata" not in _page(response)
    with in_schema(melhus.schema_name):
        assert not AuditEvent.objects.filter(action="request.contact_viewed").exists()


def test_the_helper_withdraws_a_waiting_offer(melhus: Tenant, scene: Scene, posted: HelpRequest) -> None:
    with in_schema(melhus.schema_name):
        offer = services.do_offer(actor=scene.volunteer, request=posted)
    client = web_client(melhus, scene.volunteer)

    assert f"/offers/{offer.pk}/withdraw" in _page(client.get(f"/requests/{posted.pk}"))
    response = client.post(f"/offers/{offer.pk}/withdraw", follow=True)

    assert "Your offer is withdrawn" in _page(response)
    assert _reload(melhus, Offer, offer.pk).status == OfferStatus.WITHDRAWN


def test_the_nurse_declines_an_offer(melhus: Tenant, scene: Scene, posted: HelpRequest) -> None:
    with in_schema(melhus.schema_name):
        offer = services.do_offer(actor=scene.volunteer, request=posted)

    web_client(melhus, scene.nurse).post(f"/offers/{offer.pk}/decline")

    assert _reload(melhus, Offer, offer.pk).status == OfferStatus.DECLINED


def test_staff_offers_for_a_resident_qualified_in_their_group(
    melhus: Tenant, scene: Scene, posted: HelpRequest
) -> None:
    with in_schema(melhus.schema_name):
        staff = make_member(
            scene.volunteers, UserFactory.create(name="Siri Staff", language="en"), role=Role.STAFF
        ).user
    client = web_client(melhus, staff)

    page = _page(client.get(f"/requests/{posted.pk}"))
    assert "Who will help" in page
    assert "Sven Second" in page
    client.post(f"/requests/{posted.pk}/offer", {"on_behalf_of": str(scene.second_volunteer.pk)})

    with in_schema(melhus.schema_name):
        offer = Offer.objects.get(request=posted)
        assert (offer.helper, offer.offered_by) == (scene.second_volunteer, staff)
        assert AuditEvent.objects.get(action="offer.made").on_behalf_of_id == str(scene.second_volunteer.pk)


def test_either_side_cancels_an_agreement_with_a_reason(melhus: Tenant, scene: Scene, agreed: Offer) -> None:
    client = web_client(melhus, scene.volunteer)
    page = _page(client.get(f"/requests/{agreed.request_id}"))
    assert f"/offers/{agreed.pk}/cancel" in page
    assert f'id="reason-{agreed.pk.hex}"' in page

    # A cancel without a reason is refused and changes nothing
    refused = client.post(f"/offers/{agreed.pk}/cancel", {"reason": " "})
    assert refused.status_code == 400
    assert "Say why, so the other side understands." in _page(refused)
    assert _reload(melhus, Offer, agreed.pk).status == OfferStatus.ACCEPTED

    # With a reason, the agreement ends and the request reopens
    client.post(f"/offers/{agreed.pk}/cancel", {"reason": "I am ill."})
    assert _reload(melhus, Offer, agreed.pk).status == OfferStatus.CANCELLED
    assert _reload(melhus, HelpRequest, agreed.request_id).state == RequestState.OPEN


def test_the_nurse_completes_and_thanks_once(melhus: Tenant, scene: Scene, agreed: Offer) -> None:
    nurse = web_client(melhus, scene.nurse)
    pk = agreed.request_id
    assert "Mark as completed" in _page(nurse.get(f"/requests/{pk}"))

    response = nurse.post(f"/requests/{pk}/complete", follow=True)
    assert "The request is completed" in _page(response)
    assert "Thank the helpers" in _page(response)
    assert _reload(melhus, HelpRequest, pk).state == RequestState.COMPLETED

    response = nurse.post(f"/requests/{pk}/thank", {"text": "Thank you so much, Vera!"}, follow=True)
    page = _page(response)
    assert "Your thanks are sent" in page
    assert "Thank you so much, Vera!" in page
    assert "Thank the helpers" not in page

    again = nurse.post(f"/requests/{pk}/thank", {"text": "Again!"})
    assert again.status_code == 400
    assert "already been thanked" in _page(again)
    assert _reload(melhus, HelpRequest, pk).thanks == "Thank you so much, Vera!"


def test_a_blank_thanks_is_refused_on_its_field(melhus: Tenant, scene: Scene, agreed: Offer) -> None:
    with in_schema(melhus.schema_name):
        services.do_complete_request(actor=scene.nurse, request=agreed.request)

    response = web_client(melhus, scene.nurse).post(f"/requests/{agreed.request_id}/thank", {"text": ""})

    assert response.status_code == 400
    assert 'id="id_text_error"' in _page(response)
    assert _reload(melhus, HelpRequest, agreed.request_id).thanked_at is None


def test_the_nurse_cancels_the_request_with_a_reason(melhus: Tenant, scene: Scene, posted: HelpRequest) -> None:
    response = web_client(melhus, scene.nurse).post(
        f"/requests/{posted.pk}/cancel", {"reason": "Kari is in hospital."}, follow=True
    )

    found = _reload(melhus, HelpRequest, posted.pk)
    assert found.state == RequestState.CANCELLED
    assert found.cancel_reason == "Kari is in hospital."
    page = _page(response)
    assert "Cancelled" in page
    assert "Kari is in hospital." in page


@pytest.mark.parametrize(
    "case",
    [
        ("volunteer", "complete", "Only the person who posted the request"),
        ("nurse", "complete", "A request that is open cannot become completed."),
        ("volunteer", "cancel", "Only the person who posted the request"),
        ("nurse", "thank", "Helpers can be thanked once the request is completed."),
    ],
)
def test_an_illegal_move_shows_an_error_and_changes_nothing(
    melhus: Tenant, scene: Scene, posted: HelpRequest, case: tuple[str, str, str]
) -> None:
    who, action, message = case
    response = web_client(melhus, getattr(scene, who)).post(f"/requests/{posted.pk}/{action}", {"text": "Thanks"})

    assert response.status_code == 400
    assert message in _page(response)
    assert 'class="error-summary"' in _page(response)
    found = _reload(melhus, HelpRequest, posted.pk)
    assert found.state == RequestState.OPEN
    assert found.thanked_at is None


def test_a_volunteer_cannot_accept_their_own_offer(melhus: Tenant, scene: Scene, posted: HelpRequest) -> None:
    with in_schema(melhus.schema_name):
        offer = services.do_offer(actor=scene.volunteer, request=posted)

    response = web_client(melhus, scene.volunteer).post(f"/offers/{offer.pk}/accept")

    assert response.status_code == 400
    assert _reload(melhus, Offer, offer.pk).status == OfferStatus.PENDING


def test_a_second_offer_by_the_same_person_is_refused(melhus: Tenant, scene: Scene, posted: HelpRequest) -> None:
    client = web_client(melhus, scene.volunteer)
    client.post(f"/requests/{posted.pk}/offer", {"message": ""})

    response = client.post(f"/requests/{posted.pk}/offer", {"message": "again"})

    assert response.status_code == 400
    with in_schema(melhus.schema_name):
        assert Offer.objects.filter(request=posted).count() == 1


def test_an_email_in_an_offer_message_is_refused(melhus: Tenant, scene: Scene, posted: HelpRequest) -> None:
    response = web_client(melhus, scene.volunteer).post(
        f"/requests/{posted.pk}/offer", {"message": "Write to vera@example.com"}
    )

    assert response.status_code == 400
    assert "Remove the e-mail address" in _page(response)
    with in_schema(melhus.schema_name):
        assert not Offer.objects.exists()


# --- Reports ---------------------------------------------------------------------------------------


def test_a_volunteer_reports_a_request(melhus: Tenant, scene: Scene, posted: HelpRequest) -> None:
    client = web_client(melhus, scene.volunteer)
    form = client.get(f"/requests/{posted.pk}/report")
    _one_h1(_page(form))

    blank = client.post(f"/requests/{posted.pk}/report", {"reason": ""})
    response = client.post(f"/requests/{posted.pk}/report", {"reason": "This looks like spam."}, follow=True)

    assert blank.status_code == 400
    assert "Say what is wrong with it." in _page(blank)
    assert "A moderator will look at your report" in _page(response)
    with in_schema(melhus.schema_name):
        report = Report.objects.get()
        assert (report.request_id, report.reporter, report.reason) == (
            posted.pk,
            scene.volunteer,
            "This looks like spam.",
        )


# --- Questions and conversations -------------------------------------------------------------------


def test_a_volunteer_asks_a_question_and_the_nurse_answers(melhus: Tenant, scene: Scene, posted: HelpRequest) -> None:
    volunteer = web_client(melhus, scene.volunteer)

    response = volunteer.post(f"/requests/{posted.pk}/question", {"body": "Is there a lift?"})

    with in_schema(melhus.schema_name):
        conversation = Conversation.objects.get(request=posted, kind=ConversationKind.QUESTION)
    assert response.status_code == 302
    assert response["Location"] == f"/conversations/{conversation.pk}"
    nurse = web_client(melhus, scene.nurse)
    assert "1 new" in _page(nurse.get("/conversations/"))
    page = _page(nurse.get(f"/conversations/{conversation.pk}"))
    assert "Is there a lift?" in page
    assert "Vera Volunteer" in page
    assert "1 new" not in _page(nurse.get("/conversations/"))
    # Another volunteer does not reach this question thread
    assert web_client(melhus, scene.second_volunteer).get(f"/conversations/{conversation.pk}").status_code == 404


def test_both_sides_talk_after_agreement(
    melhus: Tenant, scene: Scene, agreed: Offer, django_assert_max_num_queries: Queries
) -> None:
    with in_schema(melhus.schema_name):
        conversation = Conversation.objects.get(request_id=agreed.request_id, kind=ConversationKind.AGREEMENT)
    volunteer = web_client(melhus, scene.volunteer)
    nurse = web_client(melhus, scene.nurse)
    url = f"/conversations/{conversation.pk}"

    # The volunteer writes without JavaScript: a redirect back to the thread, her message on the right
    response = volunteer.post(url, {"body": "I will be there at ten."}, follow=True)
    page = _page(response)
    assert response.redirect_chain == [(url, 302)]
    assert re.search(r'class="bubble bubble-mine">\s*<p class="meta">You', page)
    assert "I will be there at ten." in page
    assert 'hx-trigger="every 15s"' in page

    # The nurse sees one unread message in her list, reads it, and it is read
    nurse.get("/conversations/")
    with django_assert_max_num_queries(10):
        listing = _page(nurse.get("/conversations/"))
    assert "1 new" in listing
    assert "Escort to the dentist" in listing
    thread = _page(nurse.get(url))
    assert "I will be there at ten." in thread
    assert 'class="bubble bubble-mine"' not in thread
    assert "1 new" not in _page(nurse.get("/conversations/"))

    # She answers with htmx: the thread and an empty form come back in place
    response = nurse.post(url, {"body": "See you then."}, HTTP_HX_REQUEST="true")
    partial = _page(response)
    assert response.status_code == 200
    assert partial.lstrip().startswith('<div id="conversation">')
    assert "See you then." in partial
    assert "<h1" not in partial

    # The volunteer's poll brings the answer and marks it read
    polled = _page(volunteer.get(f"{url}/thread"))
    assert "See you then." in polled
    assert polled.lstrip().startswith('<ol class="thread">')
    assert "1 new" not in _page(volunteer.get("/conversations/"))
    with in_schema(melhus.schema_name):
        assert ConversationMessage.objects.filter(conversation=conversation).count() == 2


def test_an_empty_message_is_refused_and_nothing_is_sent(melhus: Tenant, scene: Scene, agreed: Offer) -> None:
    with in_schema(melhus.schema_name):
        conversation = Conversation.objects.get(request_id=agreed.request_id, kind=ConversationKind.AGREEMENT)

    response = web_client(melhus, scene.volunteer).post(f"/conversations/{conversation.pk}", {"body": "  "})

    assert response.status_code == 400
    assert "Write a message." in _page(response)
    with in_schema(melhus.schema_name):
        assert not ConversationMessage.objects.exists()


def test_someone_outside_the_agreement_gets_404_on_the_conversation(
    melhus: Tenant, scene: Scene, agreed: Offer
) -> None:
    with in_schema(melhus.schema_name):
        conversation = Conversation.objects.get(request_id=agreed.request_id, kind=ConversationKind.AGREEMENT)
    client = web_client(melhus, scene.second_volunteer)

    assert client.get(f"/conversations/{conversation.pk}").status_code == 404
    assert client.post(f"/conversations/{conversation.pk}", {"body": "Hi"}).status_code == 404
    assert client.get(f"/conversations/{conversation.pk}/thread").status_code == 404
    with in_schema(melhus.schema_name):
        assert not ConversationMessage.objects.exists()


def test_a_moderator_reads_the_thread_but_has_no_form_to_write(melhus: Tenant, scene: Scene, agreed: Offer) -> None:
    with in_schema(melhus.schema_name):
        conversation = Conversation.objects.get(request_id=agreed.request_id, kind=ConversationKind.AGREEMENT)
        services.do_send_message(actor=scene.volunteer, conversation=conversation, body="On my way")

    page = _page(web_client(melhus, scene.leader).get(f"/conversations/{conversation.pk}"))

    assert "On my way" in page
    assert 'name="body"' not in page


def test_a_message_is_reported(melhus: Tenant, scene: Scene, agreed: Offer) -> None:
    with in_schema(melhus.schema_name):
        conversation = Conversation.objects.get(request_id=agreed.request_id, kind=ConversationKind.AGREEMENT)
        message = services.do_send_message(actor=scene.volunteer, conversation=conversation, body="Rude words")
    nurse = web_client(melhus, scene.nurse)
    assert f"/messages/{message.pk}/report" in _page(nurse.get(f"/conversations/{conversation.pk}"))

    response = nurse.post(f"/messages/{message.pk}/report", {"reason": "It is rude."})

    assert response.status_code == 302
    with in_schema(melhus.schema_name):
        assert Report.objects.get().message_id == message.pk
    assert web_client(melhus, scene.outsider).get(f"/messages/{message.pk}/report").status_code == 404


# --- Tenant isolation ------------------------------------------------------------------------------


@pytest.fixture
def red_cross_agreed(red_cross: Tenant) -> tuple[HelpRequest, Offer, Conversation, ConversationMessage]:
    with in_schema(red_cross.schema_name):
        rc = build_scene()
        request = services.do_post_request(
            actor=rc.nurse, channel=rc.channel, title="Røde Kors følgetjeneste", client=rc.client
        )
        offer = services.do_offer(actor=rc.volunteer, request=request)
        services.do_accept_offer(actor=rc.nurse, offer=offer)
        conversation = Conversation.objects.get(request=request, kind=ConversationKind.AGREEMENT)
        message = services.do_send_message(actor=rc.volunteer, conversation=conversation, body="Røde Kors hilsen")
        return request, offer, conversation, message


def test_red_cross_ids_are_not_found_on_melhus_host(
    melhus: Tenant,
    red_cross: Tenant,
    scene: Scene,
    red_cross_agreed: tuple[HelpRequest, Offer, Conversation, ConversationMessage],
) -> None:
    request, offer, conversation, message = red_cross_agreed
    client = web_client(melhus, scene.admin)
    gets = [
        f"/requests/{request.pk}",
        f"/requests/{request.pk}/contact",
        f"/requests/{request.pk}/report",
        f"/conversations/{conversation.pk}",
        f"/conversations/{conversation.pk}/thread",
        f"/messages/{message.pk}/report",
    ]
    posts = [
        f"/requests/{request.pk}/offer",
        f"/requests/{request.pk}/question",
        f"/requests/{request.pk}/cancel",
        f"/requests/{request.pk}/complete",
        f"/requests/{request.pk}/thank",
        f"/requests/{request.pk}/report",
        f"/offers/{offer.pk}/accept",
        f"/offers/{offer.pk}/decline",
        f"/offers/{offer.pk}/withdraw",
        f"/offers/{offer.pk}/cancel",
        f"/conversations/{conversation.pk}",
        f"/messages/{message.pk}/report",
    ]

    for path in gets:
        response = client.get(path)
        assert response.status_code == 404, path
        assert "Røde Kors" not in _page(response), path
    for path in posts:
        response = client.post(path, {"reason": "x", "text": "x", "body": "x", "message": "x"})
        assert response.status_code == 404, path

    with in_schema(melhus.schema_name):
        assert not Report.objects.exists()
    with in_schema(red_cross.schema_name):
        found = HelpRequest.objects.get(pk=request.pk)
        assert found.state == RequestState.AGREED
        assert ConversationMessage.objects.count() == 1
        assert not Report.objects.exists()


@pytest.mark.parametrize("path", ["/feed/", "/requests/new", "/requests/mine", "/offers/", "/conversations/"])
def test_a_red_cross_session_is_anonymous_on_melhus_host(melhus: Tenant, red_cross: Tenant, path: str) -> None:
    with in_schema(red_cross.schema_name):
        rc_member = UserFactory.create(name="Rita Rødekors", language="en")
    client: Client = web_client(red_cross, rc_member)
    assert client.get(path).status_code == 200

    response = client.get(path, HTTP_HOST=f"{melhus.slug}.localhost")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("path", ["/feed/", "/requests/new", "/requests/mine", "/offers/", "/conversations/"])
def test_every_list_page_renders_with_one_h1(melhus: Tenant, scene: Scene, posted: HelpRequest, path: str) -> None:
    response = web_client(melhus, scene.nurse).get(path)

    assert response.status_code == 200
    _one_h1(_page(response))
