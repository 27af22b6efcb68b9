"""The moderation endpoints: reporting, the queue, hiding, dismissing and sanctions, as each person sees them."""

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from rest_framework.authtoken.models import Token

from core.moderation.models import Report, ReportStatus, Sanction, SanctionKind
from core.moderation.permissions import is_suspended
from core.requests.models import HelpRequest
from tenants.models import Tenant
from tests.conftest import Api

from .conftest import Scene, Told, make_question, make_request

pytestmark = pytest.mark.django_db


def api(tenant: Tenant, user: Any) -> Api:
    """A client for the person on the tenant's host, reusing their token (one per person)."""
    token = Token.objects.filter(user=user).values_list("key", flat=True).first()
    return Api(tenant, user, token=token)


# --- Reporting ----------------------------------------------------------------------------------


def test_a_member_reports_a_request_they_see(scene: Scene, melhus: Tenant) -> None:
    response = api(melhus, scene.volunteer).post("reports/", {"request": str(scene.request.pk), "reason": "Spam"})

    assert response.status_code == 201, response.content
    report = Report.objects.get()
    assert response.json() == {"id": str(report.pk), "status": "open", "created_at": response.json()["created_at"]}
    assert report.reporter == scene.volunteer


def test_a_participant_reports_a_message(scene: Scene, melhus: Tenant) -> None:
    response = api(melhus, scene.poster).post("reports/", {"message": str(scene.message.pk), "reason": "Rude"})

    assert response.status_code == 201, response.content
    assert Report.objects.get().message == scene.message


def test_reporting_twice_returns_the_same_open_report(scene: Scene, melhus: Tenant) -> None:
    client = api(melhus, scene.volunteer)
    first = client.post("reports/", {"request": str(scene.request.pk), "reason": "Spam"})
    second = client.post("reports/", {"request": str(scene.request.pk), "reason": "Spam!"})

    assert first.json()["id"] == second.json()["id"]
    assert Report.objects.count() == 1


@pytest.mark.parametrize(
    ("who", "target"),
    [("outsider", "request"), ("chess_leader", "request"), ("other_volunteer", "message"), ("outsider", "message")],
)
def test_someone_who_cannot_see_the_content_gets_404_and_nothing_is_stored(
    scene: Scene, melhus: Tenant, who: str, target: str
) -> None:
    content = scene.request if target == "request" else scene.message
    response = api(melhus, getattr(scene, who)).post("reports/", {target: str(content.pk), "reason": "Spam"})

    assert response.status_code == 404
    assert not Report.objects.exists()


def test_reporting_content_that_does_not_exist_is_404(scene: Scene, melhus: Tenant) -> None:
    response = api(melhus, scene.volunteer).post(
        "reports/", {"request": "00000000-0000-0000-0000-000000000000", "reason": "Spam"}
    )
    assert response.status_code == 404


@pytest.mark.parametrize("reason", ["", "   ", "x" * 1001])
def test_a_blank_or_overlong_reason_is_400_with_a_field_message(scene: Scene, melhus: Tenant, reason: str) -> None:
    response = api(melhus, scene.volunteer).post("reports/", {"request": str(scene.request.pk), "reason": reason})

    assert response.status_code == 400
    assert list(response.json()) == ["reason"]
    assert response.json()["reason"][0]
    assert not Report.objects.exists()


@pytest.mark.parametrize("body", [{"reason": "x"}, {"reason": "x", "request": "r", "message": "m"}])
def test_a_report_must_name_one_request_or_message(scene: Scene, melhus: Tenant, body: dict[str, str]) -> None:
    if "request" in body:
        body = {**body, "request": str(scene.request.pk), "message": str(scene.message.pk)}
    response = api(melhus, scene.poster).post("reports/", body)

    assert response.status_code == 400
    assert not Report.objects.exists()


# --- The queue ----------------------------------------------------------------------------------


def test_each_moderator_sees_the_reports_of_what_they_moderate(scene: Scene, melhus: Tenant) -> None:
    # Given a report of the request and one of the message
    api(melhus, scene.volunteer).post("reports/", {"request": str(scene.request.pk), "reason": "Spam"})
    api(melhus, scene.poster).post("reports/", {"message": str(scene.message.pk), "reason": "Rude"})

    # Then the channel's leaders and admins see both, oldest first, with the content
    for moderator in (scene.admin, scene.channel_leader, scene.poster_leader):
        body = api(melhus, moderator).get("moderation/reports/").json()
        assert [r["reason"] for r in body["results"]] == ["Spam", "Rude"]
        first, second = body["results"]
        assert first["request"]["title"] == scene.request.title
        assert first["message"] is None
        assert second["message"]["body"] == scene.message.body
        assert second["message"]["request"] == str(scene.request.pk)
        # Moderators judge the content, not who complained.
        assert "reporter" not in first

    # And a leader of an unrelated group, or a member, sees nothing
    for other in (scene.chess_leader, scene.volunteer, scene.outsider):
        response = api(melhus, other).get("moderation/reports/")
        assert response.status_code == 200
        assert response.json()["results"] == []


def test_the_queue_endpoint_runs_a_fixed_number_of_queries(
    scene: Scene, melhus: Tenant, django_assert_max_num_queries: Callable[..., Any]
) -> None:
    # Given thirty reports of requests and messages
    for n in range(15):
        request = make_request(
            channel=scene.channel, poster_group=scene.home_care, posted_by=scene.poster, title=f"R{n}"
        )
        Report.objects.create(reporter=scene.volunteer, request=request, reason="Spam")
        message = make_question(request, scene.volunteer)
        Report.objects.create(reporter=scene.poster, message=message, reason="Rude")
    client = api(melhus, scene.channel_leader)

    # When a leader reads the queue, then it costs the same as for one report
    with django_assert_max_num_queries(5):
        response = client.get("moderation/reports/")
    assert len(response.json()["results"]) == 30


def test_the_queue_pages_by_cursor(scene: Scene, melhus: Tenant) -> None:
    for n in range(3):
        Report.objects.create(reporter=scene.volunteer, request=scene.request, reason=f"R{n}")
    client = api(melhus, scene.admin)

    first = client.get("moderation/reports/", {"page_size": 2}).json()
    assert [r["reason"] for r in first["results"]] == ["R0", "R1"]
    rest = client.get(first["next"].split("/api/v1/", 1)[1]).json()
    assert [r["reason"] for r in rest["results"]] == ["R2"]


# --- Hiding and dismissing ----------------------------------------------------------------------


def test_hiding_through_a_report_hides_the_content_and_closes_its_reports(scene: Scene, melhus: Tenant) -> None:
    first = Report.objects.create(reporter=scene.volunteer, request=scene.request, reason="Spam")
    second = Report.objects.create(reporter=scene.other_volunteer, request=scene.request, reason="Spam")

    response = api(melhus, scene.channel_leader).post(f"moderation/reports/{first.pk}/hide")

    assert response.status_code == 200, response.content
    assert response.json()["status"] == "actioned"
    assert response.json()["request"]["hidden_at"] is not None
    second.refresh_from_db()
    assert second.status == ReportStatus.ACTIONED
    assert api(melhus, scene.channel_leader).get("moderation/reports/").json()["results"] == []


def test_dismissing_a_report_leaves_the_content(scene: Scene, melhus: Tenant) -> None:
    report = Report.objects.create(reporter=scene.poster, message=scene.message, reason="Rude")

    response = api(melhus, scene.admin).post(f"moderation/reports/{report.pk}/dismiss")

    assert response.status_code == 200
    assert response.json()["status"] == "dismissed"
    scene.message.refresh_from_db()
    assert scene.message.hidden_at is None
    again = api(melhus, scene.admin).post(f"moderation/reports/{report.pk}/dismiss")
    assert again.status_code == 400


@pytest.mark.parametrize("action", ["hide", "dismiss"])
@pytest.mark.parametrize("who", ["chess_leader", "volunteer", "poster"])
def test_a_report_is_not_found_by_those_who_do_not_moderate_it(
    scene: Scene, melhus: Tenant, action: str, who: str
) -> None:
    report = Report.objects.create(reporter=scene.volunteer, request=scene.request, reason="Spam")

    response = api(melhus, getattr(scene, who)).post(f"moderation/reports/{report.pk}/{action}")

    assert response.status_code == 404
    report.refresh_from_db()
    scene.request.refresh_from_db()
    assert report.status == ReportStatus.OPEN
    assert scene.request.hidden_at is None


def test_a_moderator_hides_and_unhides_a_request(scene: Scene, melhus: Tenant) -> None:
    client = api(melhus, scene.poster_leader)

    hidden = client.post(f"moderation/requests/{scene.request.pk}/hide")
    assert hidden.status_code == 200
    assert hidden.json()["hidden_at"] is not None
    scene.request.refresh_from_db()
    assert scene.request.hidden_by == scene.poster_leader

    shown = client.post(f"moderation/requests/{scene.request.pk}/unhide")
    assert shown.status_code == 200
    assert shown.json()["hidden_at"] is None
    scene.request.refresh_from_db()
    assert scene.request.hidden_at is None


@pytest.mark.parametrize(
    ("who", "code"), [("volunteer", 403), ("poster", 403), ("outsider", 404), ("chess_leader", 404)]
)
def test_hiding_a_request_one_does_not_moderate_is_refused(scene: Scene, melhus: Tenant, who: str, code: int) -> None:
    # Those who see the request are refused; those who do not are told it does not exist.
    client = api(melhus, getattr(scene, who))
    for action in ("hide", "unhide"):
        assert client.post(f"moderation/requests/{scene.request.pk}/{action}").status_code == code
    scene.request.refresh_from_db()
    assert scene.request.hidden_at is None


# --- Sanctions ----------------------------------------------------------------------------------


def test_a_leader_suspends_a_member_of_their_group_until_lifted(scene: Scene, melhus: Tenant, told: Told) -> None:
    client = api(melhus, scene.channel_leader)

    given = client.post(
        "moderation/sanctions/", {"user": str(scene.volunteer.pk), "kind": "suspension", "reason": "Rude"}
    )

    assert given.status_code == 201, given.content
    assert given.json()["user"] == {"id": str(scene.volunteer.pk), "name": scene.volunteer.name}
    assert given.json()["ends_at"] is None
    assert is_suspended(scene.volunteer)

    lifted = client.post(f"moderation/sanctions/{given.json()['id']}/lift")
    assert lifted.status_code == 200
    assert lifted.json()["lifted_at"] is not None
    assert not is_suspended(scene.volunteer)


def test_a_suspension_with_an_end_and_a_warning(scene: Scene, melhus: Tenant, told: Told) -> None:
    client = api(melhus, scene.admin)
    ends_at = (timezone.now() + timedelta(days=3)).isoformat()

    suspension = client.post(
        "moderation/sanctions/",
        {"user": str(scene.poster.pk), "kind": "suspension", "reason": "Spam", "ends_at": ends_at},
    )
    warning = client.post("moderation/sanctions/", {"user": str(scene.poster.pk), "kind": "warning", "reason": "Spam"})

    assert suspension.status_code == 201
    assert suspension.json()["ends_at"] is not None
    assert warning.status_code == 201
    assert warning.json()["kind"] == "warning"
    assert Sanction.objects.filter(user=scene.poster).count() == 2


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"kind": "warning", "reason": "x", "ends_at": "2099-01-01T00:00:00Z"}, "ends_at"),
        ({"kind": "suspension", "reason": "x", "ends_at": "2000-01-01T00:00:00Z"}, "ends_at"),
        ({"kind": "suspension", "reason": " "}, "reason"),
        ({"kind": "ban", "reason": "x"}, "kind"),
    ],
)
def test_a_sanction_with_bad_input_is_400_with_a_field_message(
    scene: Scene, melhus: Tenant, told: Told, body: dict[str, str], field: str
) -> None:
    response = api(melhus, scene.admin).post("moderation/sanctions/", {"user": str(scene.volunteer.pk), **body})

    assert response.status_code == 400
    assert list(response.json()) == [field]
    assert not Sanction.objects.exists()


@pytest.mark.parametrize(
    ("actor", "target", "code"),
    [
        ("channel_leader", "poster", 403),
        ("chess_leader", "volunteer", 403),
        ("volunteer", "other_volunteer", 403),
        ("channel_leader", "channel_leader", 403),
        ("channel_leader", "admin", 403),
    ],
)
def test_sanctions_outside_ones_reach_are_403(scene: Scene, melhus: Tenant, actor: str, target: str, code: int) -> None:
    user = getattr(scene, target)
    response = api(melhus, getattr(scene, actor)).post(
        "moderation/sanctions/", {"user": str(user.pk), "kind": "warning", "reason": "Rude"}
    )

    assert response.status_code == code
    assert not Sanction.objects.exists()


def test_sanctioning_an_unknown_person_is_404(scene: Scene, melhus: Tenant) -> None:
    response = api(melhus, scene.admin).post(
        "moderation/sanctions/", {"user": "00000000-0000-0000-0000-000000000000", "kind": "warning", "reason": "x"}
    )
    assert response.status_code == 404


def test_the_sanction_list_shows_what_each_person_may_see(scene: Scene, melhus: Tenant) -> None:
    of_volunteer = Sanction.objects.create(
        user=scene.volunteer, kind=SanctionKind.WARNING, reason="a", given_by=scene.admin
    )
    of_poster = Sanction.objects.create(
        user=scene.poster, kind=SanctionKind.SUSPENSION, reason="b", given_by=scene.admin
    )

    def ids(user: Any, params: dict[str, str] | None = None) -> set[str]:
        response = api(melhus, user).get("moderation/sanctions/", params)
        assert response.status_code == 200
        return {s["id"] for s in response.json()["results"]}

    assert ids(scene.admin) == {str(of_volunteer.pk), str(of_poster.pk)}
    assert ids(scene.admin, {"user": str(scene.poster.pk)}) == {str(of_poster.pk)}
    assert ids(scene.channel_leader) == {str(of_volunteer.pk)}
    assert ids(scene.poster_leader) == {str(of_poster.pk)}
    assert ids(scene.volunteer) == {str(of_volunteer.pk)}
    assert ids(scene.chess_leader) == set()


def test_the_sanction_list_runs_a_fixed_number_of_queries(
    scene: Scene, melhus: Tenant, django_assert_max_num_queries: Callable[..., Any]
) -> None:
    for _ in range(20):
        Sanction.objects.create(user=scene.volunteer, kind=SanctionKind.WARNING, reason="a", given_by=scene.admin)
    client = api(melhus, scene.channel_leader)

    with django_assert_max_num_queries(5):
        response = client.get("moderation/sanctions/")
    assert len(response.json()["results"]) == 20


def test_lifting_is_refused_to_the_member_and_unknown_to_outsiders(scene: Scene, melhus: Tenant) -> None:
    suspension = Sanction.objects.create(user=scene.volunteer, kind=SanctionKind.SUSPENSION, reason="a")

    assert api(melhus, scene.volunteer).post(f"moderation/sanctions/{suspension.pk}/lift").status_code == 403
    assert api(melhus, scene.chess_leader).post(f"moderation/sanctions/{suspension.pk}/lift").status_code == 404
    assert is_suspended(scene.volunteer)


def test_anonymous_callers_are_turned_away(scene: Scene, melhus: Tenant) -> None:
    anonymous = Api(melhus)
    assert anonymous.get("moderation/reports/").status_code == 401
    assert anonymous.post("reports/", {"request": str(scene.request.pk), "reason": "x"}).status_code == 401
    assert not HelpRequest.objects.filter(hidden_at__isnull=False).exists()
