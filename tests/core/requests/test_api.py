"""The requests API: the whole helping flow over HTTP, bad input, and another tenant reaching nothing."""

from typing import Any

import pytest
from django.utils import timezone

from core.requests.models import HelpRequest, Offer, OfferStatus, RequestState
from tenants.models import Tenant
from tests.conftest import Api, in_schema

from .conftest import Scene, build_scene

pytestmark = pytest.mark.django_db


def test_the_helping_flow_over_the_api(
    in_melhus: Tenant, scene: Scene, django_capture_on_commit_callbacks: Any
) -> None:
    nurse, volunteer = Api(in_melhus, scene.nurse), Api(in_melhus, scene.volunteer)
    posted = nurse.post(
        "requests/",
        {
            "channel": str(scene.channel.pk),
            "title": "Følge til tannlegen",
            "client": str(scene.client.pk),
            "area": "Gimse",
        },
    )
    assert posted.status_code == 201, posted.json()
    request_id = posted.json()["id"]
    assert posted.json()["for_client"] is True
    assert "address" not in posted.json()

    feed = volunteer.get("requests/feed").json()["results"]
    assert [r["id"] for r in feed] == [request_id]
    assert volunteer.get(f"requests/{request_id}").status_code == 200
    assert volunteer.get(f"requests/{request_id}/contact").status_code == 404

    asked = volunteer.post(f"requests/{request_id}/questions", {"body": "Er det rullestol?"})
    assert asked.status_code == 201
    offered = volunteer.post(f"requests/{request_id}/offers", {"message": "Jeg har bil"})
    assert offered.status_code == 201, offered.json()
    offer_id = offered.json()["id"]
    assert [o["id"] for o in nurse.get(f"requests/{request_id}/offers").json()] == [offer_id]

    with django_capture_on_commit_callbacks(execute=True):
        accepted = nurse.post(f"offers/{offer_id}/accept")
    assert accepted.status_code == 200
    assert nurse.get(f"requests/{request_id}").json()["state"] == RequestState.AGREED
    contact = volunteer.get(f"requests/{request_id}/contact").json()
    assert contact == {"name": "Kari Klient", "phone": "+4791111111", "address": "Storgata 1, 7224 Melhus"}

    conversations = volunteer.get("conversations/").json()
    agreement = next(c for c in conversations if c["kind"] == "agreement")
    sent = volunteer.post(f"conversations/{agreement['id']}/messages", {"body": "Jeg er der 09:45"})
    assert sent.status_code == 201
    assert next(c for c in nurse.get("conversations/").json() if c["kind"] == "agreement")["unread"] == 1
    messages = nurse.get(f"conversations/{agreement['id']}/messages").json()
    assert [m["body"] for m in messages] == ["Jeg er der 09:45"]
    assert next(c for c in nurse.get("conversations/").json() if c["kind"] == "agreement")["unread"] == 0

    assert nurse.post(f"requests/{request_id}/complete").json()["state"] == RequestState.COMPLETED
    thanked = nurse.post(f"requests/{request_id}/thank", {"text": "Tusen takk!"})
    assert thanked.json()["thanks"] == "Tusen takk!"
    mine = nurse.get("requests/").json()["results"]
    assert [r["id"] for r in mine] == [request_id]
    assert [o["id"] for o in volunteer.get("offers/").json()["results"]] == [offer_id]


def test_bad_input_gets_field_messages_and_changes_nothing(in_melhus: Tenant, scene: Scene) -> None:
    nurse = Api(in_melhus, scene.nurse)
    cases: list[tuple[dict[str, Any], str]] = [
        ({"title": "Hjelp"}, "channel"),
        ({"channel": str(scene.channel.pk), "title": ""}, "title"),
        ({"channel": str(scene.channel.pk), "title": "Ring 91234567"}, "title"),
        ({"channel": str(scene.channel.pk), "title": "Hjelp", "helpers_needed": 0}, "helpers_needed"),
        ({"channel": str(scene.channel.pk), "title": "Hjelp", "timing": "at"}, "starts_at"),
        ({"channel": str(scene.channel.pk), "title": "Hjelp", "timing": "sometime"}, "timing"),
        ({"channel": str(scene.channel.pk), "title": "Hjelp", "open_days": 365}, "open_days"),
    ]
    for body, field in cases:
        response = nurse.post("requests/", body)
        assert response.status_code == 400, (body, response.json())
        assert field in response.json(), (body, response.json())
    assert not HelpRequest.objects.exists()


def test_illegal_moves_over_the_api_are_400(in_melhus: Tenant, scene: Scene) -> None:
    nurse = Api(in_melhus, scene.nurse)
    request_id = nurse.post("requests/", {"channel": str(scene.channel.pk), "title": "Hjelp"}).json()["id"]
    response = nurse.post(f"requests/{request_id}/complete")
    assert response.status_code == 400
    assert HelpRequest.objects.get(pk=request_id).state == RequestState.OPEN
    assert Api(in_melhus, scene.volunteer).post(f"requests/{request_id}/cancel").status_code == 403


def test_policy_is_changed_by_admins_only(in_melhus: Tenant, scene: Scene) -> None:
    change = {"default_open_days": 3, "expiry_reminder_hours": 12}
    assert Api(in_melhus, scene.nurse).put("requests/policy", change).status_code == 403
    admin = Api(in_melhus, scene.admin)
    bad = admin.put("requests/policy", {"default_open_days": 0, "expiry_reminder_hours": 12})
    assert bad.status_code == 400
    assert "default_open_days" in bad.json()
    assert admin.put("requests/policy", change).json() == change
    assert admin.get("requests/policy").json() == change


def test_another_tenant_reaches_nothing_on_any_requests_endpoint(melhus: Tenant, red_cross: Tenant) -> None:
    # Given a request in Red Cross with an accepted offer and a conversation...
    with in_schema(red_cross.schema_name):
        theirs = build_scene()
        from core.requests import services

        request = services.do_post_request(
            actor=theirs.nurse, channel=theirs.channel, title="Hemmelig", client=theirs.client
        )
        offer = services.do_offer(actor=theirs.volunteer, request=request)
        services.do_accept_offer(actor=theirs.nurse, offer=offer)
        conversation = request.conversations.get()
    # ...a Melhus admin asking Melhus' host with Red Cross ids, and Red Cross' host with a Melhus token,
    with in_schema(melhus.schema_name):
        ours = build_scene()
        admin = Api(melhus, ours.admin)
    paths = [
        f"requests/{request.pk}",
        f"requests/{request.pk}/contact",
        f"requests/{request.pk}/offers",
        f"conversations/{conversation.pk}/messages",
    ]
    for path in paths:
        assert admin.get(path).status_code == 404, path
    for path in (
        f"requests/{request.pk}/cancel",
        f"requests/{request.pk}/complete",
        f"requests/{request.pk}/offers",
        f"requests/{request.pk}/questions",
        f"offers/{offer.pk}/accept",
        f"offers/{offer.pk}/withdraw",
        f"offers/{offer.pk}/cancel",
        f"conversations/{conversation.pk}/messages",
    ):
        assert admin.post(path, {"body": "x", "reason": "x"}).status_code == 404, path
    assert admin.get("requests/feed").json()["results"] == []
    assert admin.get("conversations/").json() == []
    # A Melhus token means nothing on Red Cross' host.
    token = admin.headers["HTTP_AUTHORIZATION"].removeprefix("Token ")
    assert Api(red_cross, token=token).get(f"requests/{request.pk}").status_code == 401
    with in_schema(red_cross.schema_name):
        request.refresh_from_db()
        assert request.state == RequestState.AGREED
        assert Offer.objects.get(pk=offer.pk).status == OfferStatus.ACCEPTED
        assert request.conversations.get().messages.count() == 0
        assert timezone.now() > request.created_at
