"""The moderation pages: the queue oldest first, a report in context, hiding, dismissing, warning and suspending."""

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from core.audit.models import AuditEvent
from core.moderation.models import Report, ReportStatus, Sanction, SanctionKind
from core.moderation.permissions import is_suspended
from core.moderation.services import do_report, do_suspend
from core.requests.models import ConversationMessage, HelpRequest
from core.requests.selectors import requests_visible_to
from tenants.models import Tenant
from tests.conftest import in_schema
from tests.core.moderation.conftest import Scene, make_request
from tests.web.conftest import web_client
from tests.web.test_manage_site import no_inline_style_or_script, one_h1, scene, text

pytestmark = pytest.mark.django_db
__all__ = ["scene"]


def _report_request(melhus: Tenant, scene: Scene, reason: str = "Looks like an advert") -> Report:
    with in_schema(melhus.schema_name):
        return do_report(reporter=scene.volunteer, request=scene.request, reason=reason)


def test_the_queue_lists_open_reports_oldest_first(
    melhus: Tenant, scene: Scene, django_assert_max_num_queries: Any
) -> None:
    # Given three reports, the newest one of a message, and one already dismissed
    with in_schema(melhus.schema_name):
        first = do_report(reporter=scene.volunteer, request=scene.request, reason="First reason")
        Report.objects.filter(pk=first.pk).update(created_at=timezone.now() - timedelta(days=2))
        later = make_request(channel=scene.channel, poster_group=scene.home_care, posted_by=scene.poster, title="Later")
        do_report(reporter=scene.other_volunteer, request=later, reason="Second reason")
        do_report(reporter=scene.poster, message=scene.message, reason="Rude question")
        gone = make_request(channel=scene.channel, poster_group=scene.home_care, posted_by=scene.poster, title="Gone")
        Report.objects.create(reporter=scene.volunteer, request=gone, reason="Old", status=ReportStatus.DISMISSED)
    client = web_client(melhus, scene.channel_leader)

    # When the channel's leader opens the queue
    with django_assert_max_num_queries(11):
        response = client.get("/manage/moderation/")
    page = text(response)

    # Then the open ones come oldest first, each linking to its report, the dismissed one left out
    assert response.status_code == 200
    one_h1(page)
    assert "3 reports waiting" in page
    assert page.index("First reason") < page.index("Second reason") < page.index("Rude question")
    assert f"/manage/moderation/{first.pk}" in page
    assert "Message: Kan jeg ta med hunden?" in page
    assert "Gone" not in page


def test_a_leader_of_an_unrelated_group_has_an_empty_queue_and_no_reports(melhus: Tenant, scene: Scene) -> None:
    report = _report_request(melhus, scene)
    client = web_client(melhus, scene.chess_leader)
    assert "Nothing to moderate" in text(client.get("/manage/moderation/"))
    assert client.get(f"/manage/moderation/{report.pk}").status_code == 404
    assert client.post(f"/manage/moderation/{report.pk}/decide", {"decision": "hide"}).status_code == 404
    with in_schema(melhus.schema_name):
        assert Report.objects.get(pk=report.pk).status == ReportStatus.OPEN


def test_a_report_shows_the_content_and_its_author_but_not_who_reported(melhus: Tenant, scene: Scene) -> None:
    report = _report_request(melhus, scene)
    response = web_client(melhus, scene.channel_leader).get(f"/manage/moderation/{report.pk}")
    page = text(response)
    assert response.status_code == 200
    one_h1(page)
    no_inline_style_or_script(page)
    assert "Looks like an advert" in page
    assert "Følge til legen" in page
    assert "The author: Per Poster" in page
    assert "Vera Volunteer" not in page


def test_a_reported_message_is_shown_among_the_messages_around_it(melhus: Tenant, scene: Scene) -> None:
    with in_schema(melhus.schema_name):
        conversation = scene.message.conversation
        ConversationMessage.objects.create(conversation=conversation, author=scene.poster, body="Ja, gjerne.")
        report = do_report(reporter=scene.poster, message=scene.message, reason="Strange")
    page = text(web_client(melhus, scene.admin).get(f"/manage/moderation/{report.pk}"))
    assert "Reported message" in page
    assert page.index("Kan jeg ta med hunden?") < page.index("Ja, gjerne.")
    assert "The author: Vera Volunteer" in page


def test_hiding_from_the_queue_hides_the_content_and_closes_its_reports(melhus: Tenant, scene: Scene) -> None:
    # Given two people's reports of the same request
    report = _report_request(melhus, scene)
    with in_schema(melhus.schema_name):
        do_report(reporter=scene.other_volunteer, request=scene.request, reason="Me too")
    client = web_client(melhus, scene.channel_leader)

    # When the channel's leader hides it
    response = client.post(f"/manage/moderation/{report.pk}/decide", {"decision": "hide"})

    # Then it is hidden from the volunteers, both reports are closed, the queue is empty, the log says so
    assert response.status_code == 302
    assert response["Location"] == "/manage/moderation/"
    with in_schema(melhus.schema_name):
        hidden = HelpRequest.objects.get(pk=scene.request.pk)
        assert hidden.hidden_at is not None
        assert not requests_visible_to(scene.volunteer).filter(pk=hidden.pk).exists()
        assert set(Report.objects.values_list("status", flat=True)) == {ReportStatus.ACTIONED}
        assert AuditEvent.objects.filter(action="request.hidden", actor_id=scene.channel_leader.pk).exists()
    assert "Nothing to moderate" in text(client.get("/manage/moderation/"))

    # and hiding again is refused with the service's words, changing nothing
    again = client.post(f"/manage/moderation/{report.pk}/decide", {"decision": "hide"})
    assert again.status_code == 400
    assert "This report has already been dealt with." in text(again)

    # When they show it again
    client.post(f"/manage/moderation/{report.pk}/decide", {"decision": "unhide"})
    with in_schema(melhus.schema_name):
        assert HelpRequest.objects.get(pk=scene.request.pk).hidden_at is None


def test_dismissing_leaves_the_content_and_closes_only_that_report(melhus: Tenant, scene: Scene) -> None:
    report = _report_request(melhus, scene)
    response = web_client(melhus, scene.admin).post(f"/manage/moderation/{report.pk}/decide", {"decision": "dismiss"})
    assert response.status_code == 302
    with in_schema(melhus.schema_name):
        assert Report.objects.get(pk=report.pk).status == ReportStatus.DISMISSED
        assert HelpRequest.objects.get(pk=scene.request.pk).hidden_at is None


def test_an_admin_suspends_the_author_with_a_reason(
    melhus: Tenant, scene: Scene, django_capture_on_commit_callbacks: Any
) -> None:
    report = _report_request(melhus, scene)
    client = web_client(melhus, scene.admin)

    # When the admin suspends the poster until a day ahead
    until = (timezone.localdate() + timedelta(days=7)).isoformat()
    response = client.post(
        f"/manage/moderation/{report.pk}/sanction", {"kind": "suspension", "reason": "Adverts", "until": until}
    )

    # Then the poster is suspended to the end of that day, and the page says so
    assert response.status_code == 302
    with in_schema(melhus.schema_name):
        sanction = Sanction.objects.get()
        assert is_suspended(scene.poster)
    assert sanction.kind == SanctionKind.SUSPENSION
    assert sanction.user_id == scene.poster.pk
    assert sanction.reason == "Adverts"
    assert sanction.ends_at is not None
    assert timezone.localtime(sanction.ends_at).date().isoformat() > until
    page = text(client.get(f"/manage/moderation/{report.pk}"))
    assert "Suspended</span>" in page
    assert "Adverts" in page

    # When they lift it
    lifted = client.post(f"/manage/moderation/{report.pk}/sanctions/{sanction.pk}/lift")
    assert lifted.status_code == 302
    with in_schema(melhus.schema_name):
        assert not is_suspended(scene.poster)


def test_a_warning_without_a_reason_is_refused_with_the_services_words(melhus: Tenant, scene: Scene) -> None:
    report = _report_request(melhus, scene)
    client = web_client(melhus, scene.admin)

    blank = client.post(f"/manage/moderation/{report.pk}/sanction", {"kind": "warning", "reason": " "})
    dated = client.post(
        f"/manage/moderation/{report.pk}/sanction", {"kind": "warning", "reason": "x", "until": "2030-01-01"}
    )

    assert blank.status_code == 400
    assert "Give a reason: the member is told it." in text(blank)
    assert dated.status_code == 400
    assert "A warning has no end date." in text(dated)
    with in_schema(melhus.schema_name):
        assert not Sanction.objects.exists()


def test_a_channel_leader_may_not_suspend_a_member_of_a_group_they_do_not_lead(melhus: Tenant, scene: Scene) -> None:
    # The poster belongs to home care, which the volunteers' leader does not lead
    report = _report_request(melhus, scene)
    client = web_client(melhus, scene.channel_leader)
    assert "You may not warn or suspend this person" in text(client.get(f"/manage/moderation/{report.pk}"))

    response = client.post(f"/manage/moderation/{report.pk}/sanction", {"kind": "suspension", "reason": "No"})

    assert response.status_code == 400
    assert "Only the tenant's admins and the leaders of this member's groups may do this." in text(response)
    with in_schema(melhus.schema_name):
        assert not Sanction.objects.exists()


def test_a_suspension_already_over_cannot_be_lifted(melhus: Tenant, scene: Scene) -> None:
    report = _report_request(melhus, scene)
    with in_schema(melhus.schema_name):
        sanction = do_suspend(actor=scene.admin, user=scene.poster, reason="Kort")
        Sanction.objects.filter(pk=sanction.pk).update(lifted_at=timezone.now())
    response = web_client(melhus, scene.admin).post(f"/manage/moderation/{report.pk}/sanctions/{sanction.pk}/lift")
    assert response.status_code == 400
    assert "This suspension is already over." in text(response)


def test_a_member_cannot_reach_a_report(melhus: Tenant, scene: Scene) -> None:
    report = _report_request(melhus, scene)
    client = web_client(melhus, scene.volunteer)
    assert client.get(f"/manage/moderation/{report.pk}").status_code == 403
    assert client.post(f"/manage/moderation/{report.pk}/decide", {"decision": "hide"}).status_code == 403
