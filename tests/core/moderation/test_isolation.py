"""A Melhus person cannot reach any Red Cross report, request, message or sanction through any moderation endpoint."""

from typing import Any

import pytest
from django.test import Client

from core.accounts.models import User
from core.moderation.models import Report, Sanction, SanctionKind
from core.requests.models import ConversationMessage, HelpRequest
from tenants.models import Tenant
from tests.conftest import Api, host_client, in_schema
from tests.factories import UserFactory

from .conftest import build_scene

pytestmark = pytest.mark.django_db


def _snapshot() -> list[Any]:
    return [
        sorted(map(repr, model.objects.values_list())) for model in (Report, Sanction, HelpRequest, ConversationMessage)
    ]


def _red_cross_rows(red_cross: Tenant) -> dict[str, Any]:
    with in_schema(red_cross.schema_name):
        scene = build_scene("RK ")
        of_request = Report.objects.create(reporter=scene.volunteer, request=scene.request, reason="RK spam")
        of_message = Report.objects.create(reporter=scene.poster, message=scene.message, reason="RK rude")
        suspension = Sanction.objects.create(
            user=scene.volunteer, kind=SanctionKind.SUSPENSION, reason="RK harassment", given_by=scene.admin
        )
        return {
            "scene": scene,
            "reports": (of_request, of_message),
            "sanction": suspension,
            "snapshot": _snapshot(),
            "secrets": [
                "RK ",
                str(scene.request.pk),
                str(scene.message.pk),
                str(of_request.pk),
                str(of_message.pk),
                str(suspension.pk),
                str(scene.volunteer.pk),
            ],
        }


def _attempts(rows: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    scene = rows["scene"]
    of_request, of_message = rows["reports"]
    sanction = rows["sanction"]
    return [
        ("post", "reports/", {"request": str(scene.request.pk), "reason": "x"}),
        ("post", "reports/", {"message": str(scene.message.pk), "reason": "x"}),
        ("get", "moderation/reports/", {}),
        ("post", f"moderation/reports/{of_request.pk}/hide", {}),
        ("post", f"moderation/reports/{of_message.pk}/hide", {}),
        ("post", f"moderation/reports/{of_request.pk}/dismiss", {}),
        ("post", f"moderation/reports/{of_message.pk}/dismiss", {}),
        ("post", f"moderation/requests/{scene.request.pk}/hide", {}),
        ("post", f"moderation/requests/{scene.request.pk}/unhide", {}),
        ("get", "moderation/sanctions/", {}),
        ("get", "moderation/sanctions/", {"user": str(scene.volunteer.pk)}),
        ("post", "moderation/sanctions/", {"user": str(scene.volunteer.pk), "kind": "warning", "reason": "x"}),
        ("post", "moderation/sanctions/", {"user": str(scene.volunteer.pk), "kind": "suspension", "reason": "x"}),
        ("post", f"moderation/sanctions/{sanction.pk}/lift", {}),
    ]


@pytest.mark.parametrize("who", ["admin", "leader"])
def test_a_melhus_moderator_on_their_own_host_gets_nothing_of_red_cross(
    melhus: Tenant, red_cross: Tenant, who: str
) -> None:
    # Given Red Cross' reports and sanction, and a Melhus admin or channel leader with a valid token
    rows = _red_cross_rows(red_cross)
    with in_schema(melhus.schema_name):
        melhus_scene = build_scene()
        person: User = melhus_scene.admin if who == "admin" else melhus_scene.channel_leader
        client = Api(melhus, person)

    # When they try every moderation endpoint with Red Cross' ids
    for method, path, data in _attempts(rows):
        response = client.call(method, path, data)

        # Then the lists are empty of Red Cross, everything else is not found, and nothing leaks
        expected = {200} if method == "get" else {404}
        assert response.status_code in expected, f"{method} {path}: {response.status_code}"
        body = response.content.decode()
        assert not [s for s in rows["secrets"] if s in body], f"{method} {path} leaked Red Cross data"

    # And Red Cross' rows are unchanged
    with in_schema(red_cross.schema_name):
        assert _snapshot() == rows["snapshot"]


def test_a_melhus_token_on_the_red_cross_host_is_not_accepted(melhus: Tenant, red_cross: Tenant) -> None:
    rows = _red_cross_rows(red_cross)
    with in_schema(melhus.schema_name):
        melhus_admin = UserFactory.create(is_tenant_admin=True)
        token = Api(melhus, melhus_admin).headers["HTTP_AUTHORIZATION"]
    on_red_cross: Client = host_client(red_cross, HTTP_AUTHORIZATION=token)

    for method, path, data in _attempts(rows):
        url = f"/api/v1/{path}"
        if method == "get":
            response = on_red_cross.get(url, data)
        else:
            response = on_red_cross.post(url, data, content_type="application/json")
        assert response.status_code == 401, f"{method} {path}: {response.status_code}"

    with in_schema(red_cross.schema_name):
        assert _snapshot() == rows["snapshot"]
