"""Moderation in the service layer: who reports, who moderates what, hiding, and the sanction rules."""

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from core.accounts.models import User
from core.audit.models import AuditEvent
from core.groups.models import MembershipStatus, Role
from core.moderation import selectors, services
from core.moderation.models import Report, ReportStatus, Sanction, SanctionKind
from core.moderation.permissions import (
    can_moderate_message,
    can_moderate_request,
    can_sanction,
    check_not_suspended,
    is_suspended,
    moderated_channel_ids,
)
from core.requests.models import ConversationMessage, HelpRequest
from tests.factories import UserFactory, make_member

from .conftest import Scene, Told, make_question, make_request

pytestmark = pytest.mark.django_db


def report_request(scene: Scene, reporter: User | None = None, reason: str = "Spam") -> Report:
    return services.do_report(reporter=reporter or scene.volunteer, request=scene.request, reason=reason)


def report_message(scene: Scene, reporter: User | None = None, reason: str = "Rude") -> Report:
    return services.do_report(reporter=reporter or scene.poster, message=scene.message, reason=reason)


# --- Reporting ----------------------------------------------------------------------------------


def test_a_volunteer_who_sees_a_request_reports_it(scene: Scene) -> None:
    # When a volunteer of the answering group reports the request
    report = report_request(scene, reason="  Looks like an advertisement  ")

    # Then an open report with the trimmed reason waits, and the audit log has its id only
    assert report.status == ReportStatus.OPEN
    assert report.request == scene.request
    assert report.message is None
    assert report.reason == "Looks like an advertisement"
    event = AuditEvent.objects.get(action="report.created", target_id=str(report.pk))
    assert event.data == {"request": str(scene.request.pk)}


def test_a_participant_reports_a_message_of_their_conversation(scene: Scene) -> None:
    report = report_message(scene)

    assert report.message == scene.message
    assert report.request is None


def test_reporting_the_same_content_again_returns_the_open_report(scene: Scene) -> None:
    # Given an open report
    first = report_request(scene)

    # When the same person reports the same request again
    second = report_request(scene, reason="Still spam")

    # Then the open report is returned unchanged and nothing new is stored
    assert second.pk == first.pk
    assert second.reason == "Spam"
    assert Report.objects.count() == 1
    assert AuditEvent.objects.filter(action="report.created").count() == 1


def test_after_a_report_is_dealt_with_the_same_person_may_report_again(scene: Scene) -> None:
    first = report_request(scene)
    services.do_dismiss_report(actor=scene.admin, report=first)

    second = report_request(scene, reason="It came back")

    assert second.pk != first.pk
    assert second.status == ReportStatus.OPEN


def test_someone_who_cannot_see_the_request_cannot_report_it(scene: Scene) -> None:
    # Given a member of an unrelated group, who does not see the request
    # When they report it, then it does not exist for them and nothing is stored
    with pytest.raises(HelpRequest.DoesNotExist):
        report_request(scene, reporter=scene.outsider)
    assert not Report.objects.exists()


def test_someone_outside_the_conversation_cannot_report_its_message(scene: Scene) -> None:
    # The other volunteer sees the request but is no participant of the first volunteer's question.
    with pytest.raises(ConversationMessage.DoesNotExist):
        report_message(scene, reporter=scene.other_volunteer)
    assert not Report.objects.exists()


@pytest.mark.parametrize("reason", ["", "   ", "x" * 1001])
def test_a_blank_or_overlong_reason_is_refused_with_a_field_message(scene: Scene, reason: str) -> None:
    with pytest.raises(ValidationError) as refused:
        report_request(scene, reason=reason)

    assert list(refused.value.message_dict) == ["reason"]
    assert not Report.objects.exists()


def test_a_reason_of_exactly_1000_characters_is_accepted(scene: Scene) -> None:
    assert len(report_request(scene, reason="x" * 1000).reason) == 1000


def test_a_report_names_exactly_one_piece_of_content(scene: Scene) -> None:
    with pytest.raises(ValidationError):
        services.do_report(reporter=scene.poster, reason="Both")
    with pytest.raises(ValidationError):
        services.do_report(reporter=scene.poster, request=scene.request, message=scene.message, reason="Both")
    assert not Report.objects.exists()


# --- Who moderates what -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "moderates"),
    [
        ("admin", True),
        ("channel_leader", True),  # leads the answering group
        ("poster_leader", True),  # leads the publishing (and poster) group
        ("chess_leader", False),  # leads a group with nothing to do with the channel
        ("volunteer", False),
        ("poster", False),
        ("outsider", False),
    ],
)
def test_moderators_of_a_request_and_its_messages(scene: Scene, who: str, moderates: bool) -> None:
    user = getattr(scene, who)

    assert can_moderate_request(user, scene.request) is moderates
    assert can_moderate_message(user, scene.message) is moderates


def test_the_leader_of_the_poster_group_moderates_even_outside_the_channel(scene: Scene) -> None:
    # Given a request posted through the chess group into a channel the chess group has no part in
    request = make_request(channel=scene.channel, poster_group=scene.chess, posted_by=scene.outsider)

    # Then the chess group's leader moderates it, though not the channel's other requests
    assert can_moderate_request(scene.chess_leader, request)
    assert not can_moderate_request(scene.chess_leader, scene.request)
    assert moderated_channel_ids(scene.chess_leader) == frozenset()
    assert moderated_channel_ids(scene.channel_leader) == {scene.channel.pk}


def test_a_leader_whose_leadership_ended_moderates_nothing(scene: Scene) -> None:
    scene.channel_leader.memberships.update(status=MembershipStatus.WITHDRAWN)

    assert not can_moderate_request(scene.channel_leader, scene.request)


# --- The queue ----------------------------------------------------------------------------------


def test_the_queue_holds_open_reports_its_moderator_may_act_on_oldest_first(scene: Scene) -> None:
    # Given a report of the request, then one of the message, and a dismissed one
    of_request = report_request(scene)
    of_message = report_message(scene)
    dismissed = report_request(scene, reporter=scene.other_volunteer)
    services.do_dismiss_report(actor=scene.admin, report=dismissed)

    # Then the channel's leaders and admins see the two open ones, oldest first; others nothing
    for moderator in (scene.admin, scene.channel_leader, scene.poster_leader):
        assert list(selectors.moderation_queue(user=moderator)) == [of_request, of_message]
    for other in (scene.chess_leader, scene.volunteer, scene.poster, scene.outsider):
        assert list(selectors.moderation_queue(user=other)) == []


def describe(report: Report) -> tuple[str, str, str]:
    """What a moderator is shown of the reported content."""
    if report.request is not None:
        return (report.request.title, report.request.channel.name, report.request.poster_group.name)
    assert report.message is not None
    return (report.message.body, report.message.author.name, report.message.conversation.request.title)


def test_the_queue_costs_the_same_however_many_reports_it_holds(
    scene: Scene, django_assert_max_num_queries: Callable[..., Any]
) -> None:
    # Given twenty reports of requests and messages
    for n in range(10):
        request = make_request(
            channel=scene.channel, poster_group=scene.home_care, posted_by=scene.poster, title=f"Request {n}"
        )
        services.do_report(reporter=scene.volunteer, request=request, reason="Spam")
    for _n in range(10):
        helper = make_member(scene.volunteers).user
        message = make_question(scene.request, helper)
        services.do_report(reporter=scene.poster, message=message, reason="Rude")

    # When a leader reads the queue and everything it shows
    with django_assert_max_num_queries(3):
        shown = [describe(report) for report in selectors.moderation_queue(user=scene.channel_leader)]

    # Then it took the leader's groups, their channels and one query for the twenty reports
    assert len(shown) == 20


# --- Hiding and dismissing ----------------------------------------------------------------------


def test_hiding_resolves_every_open_report_of_the_same_content_only(scene: Scene) -> None:
    # Given two reports of the request and one of a message
    first = report_request(scene)
    second = report_request(scene, reporter=scene.other_volunteer)
    of_message = report_message(scene)

    # When a leader of the channel hides the request through the first report
    services.do_hide_content(actor=scene.channel_leader, report=first)

    # Then the request is hidden by them, both its reports are actioned, and the message's stays open
    scene.request.refresh_from_db()
    assert scene.request.hidden_at is not None
    assert scene.request.hidden_by == scene.channel_leader
    for report in (first, second):
        report.refresh_from_db()
        assert report.status == ReportStatus.ACTIONED
        assert report.resolved_by == scene.channel_leader
        assert report.resolved_at is not None
    of_message.refresh_from_db()
    assert of_message.status == ReportStatus.OPEN
    event = AuditEvent.objects.get(action="request.hidden")
    assert event.data["report"] == str(first.pk)
    assert set(event.data["reports"]) == {str(first.pk), str(second.pk)}


def test_hiding_a_reported_message_hides_the_message(scene: Scene) -> None:
    report = report_message(scene)

    services.do_hide_content(actor=scene.poster_leader, report=report)

    scene.message.refresh_from_db()
    assert scene.message.hidden_by == scene.poster_leader
    scene.request.refresh_from_db()
    assert scene.request.hidden_at is None


def test_dismissing_closes_that_report_and_leaves_the_content(scene: Scene) -> None:
    first = report_request(scene)
    second = report_request(scene, reporter=scene.other_volunteer)

    services.do_dismiss_report(actor=scene.admin, report=first)

    first.refresh_from_db()
    second.refresh_from_db()
    scene.request.refresh_from_db()
    assert first.status == ReportStatus.DISMISSED
    assert first.resolved_by == scene.admin
    assert second.status == ReportStatus.OPEN
    assert scene.request.hidden_at is None
    assert AuditEvent.objects.filter(action="report.dismissed", target_id=str(first.pk)).exists()


def test_a_report_already_dealt_with_is_not_dealt_with_again(scene: Scene) -> None:
    report = report_request(scene)
    services.do_dismiss_report(actor=scene.admin, report=report)

    with pytest.raises(ValidationError):
        services.do_hide_content(actor=scene.admin, report=report)
    with pytest.raises(ValidationError):
        services.do_dismiss_report(actor=scene.admin, report=report)
    scene.request.refresh_from_db()
    assert scene.request.hidden_at is None


@pytest.mark.parametrize("who", ["chess_leader", "volunteer", "poster"])
def test_someone_who_does_not_moderate_the_content_can_neither_hide_nor_dismiss(scene: Scene, who: str) -> None:
    report = report_request(scene)

    with pytest.raises(PermissionDenied):
        services.do_hide_content(actor=getattr(scene, who), report=report)
    with pytest.raises(PermissionDenied):
        services.do_dismiss_report(actor=getattr(scene, who), report=report)
    with pytest.raises(PermissionDenied):
        services.do_hide_request(actor=getattr(scene, who), request=scene.request)

    report.refresh_from_db()
    scene.request.refresh_from_db()
    assert report.status == ReportStatus.OPEN
    assert scene.request.hidden_at is None


def test_a_moderator_hides_a_request_without_a_report_and_unhides_it(scene: Scene) -> None:
    # Given an open report the moderator has not looked at
    report = report_request(scene)

    # When they hide the request directly, then it is hidden and the report actioned
    services.do_hide_request(actor=scene.channel_leader, request=scene.request)
    scene.request.refresh_from_db()
    report.refresh_from_db()
    assert scene.request.hidden_by == scene.channel_leader
    assert report.status == ReportStatus.ACTIONED

    # When they unhide it, then it is shown again and the report stays resolved
    services.do_unhide(actor=scene.channel_leader, request=scene.request)
    scene.request.refresh_from_db()
    report.refresh_from_db()
    assert scene.request.hidden_at is None
    assert scene.request.hidden_by_id is None
    assert report.status == ReportStatus.ACTIONED
    assert AuditEvent.objects.filter(action="request.unhidden", target_id=str(scene.request.pk)).exists()


def test_hiding_twice_and_unhiding_what_is_shown_change_nothing(scene: Scene) -> None:
    services.do_hide_request(actor=scene.admin, request=scene.request)
    scene.request.refresh_from_db()
    hidden_at = scene.request.hidden_at

    services.do_hide_request(actor=scene.channel_leader, request=scene.request)
    scene.request.refresh_from_db()
    assert scene.request.hidden_at == hidden_at
    assert scene.request.hidden_by == scene.admin
    assert AuditEvent.objects.filter(action="request.hidden").count() == 1

    services.do_unhide(actor=scene.admin, message=scene.message)
    assert not AuditEvent.objects.filter(action="message.unhidden").exists()


def test_a_moderator_hides_and_unhides_a_message(scene: Scene) -> None:
    services.do_hide_message(actor=scene.admin, message=scene.message)
    scene.message.refresh_from_db()
    assert scene.message.hidden_by == scene.admin

    with pytest.raises(PermissionDenied):
        services.do_unhide(actor=scene.chess_leader, message=scene.message)
    services.do_unhide(actor=scene.admin, message=scene.message)
    scene.message.refresh_from_db()
    assert scene.message.hidden_at is None


# --- Sanctions ----------------------------------------------------------------------------------


@pytest.fixture
def sanction_people(scene: Scene) -> dict[str, User]:
    """Everyone of the scene, plus a second admin, an admin who is a volunteer and an applicant."""
    people = {name: getattr(scene, name) for name in ("admin", "channel_leader", "volunteer", "other_volunteer")}
    people |= {name: getattr(scene, name) for name in ("poster", "chess_leader", "poster_leader")}
    people["second_admin"] = UserFactory.create(is_tenant_admin=True)
    people["volunteering_admin"] = make_member(scene.volunteers, UserFactory.create(is_tenant_admin=True)).user
    people["applicant"] = make_member(scene.volunteers, status=MembershipStatus.APPLIED).user
    people["co_leader"] = make_member(scene.volunteers, role=Role.LEADER).user
    return people


@pytest.mark.parametrize(
    ("actor", "target", "allowed"),
    [
        ("admin", "volunteer", True),
        ("admin", "poster", True),
        ("admin", "second_admin", True),
        ("admin", "admin", False),
        ("channel_leader", "volunteer", True),
        ("channel_leader", "co_leader", True),
        ("channel_leader", "channel_leader", False),
        ("channel_leader", "poster", False),  # not in a group they lead
        ("channel_leader", "applicant", False),  # not an approved member
        ("channel_leader", "volunteering_admin", False),  # only admins sanction admins
        ("channel_leader", "admin", False),
        ("poster_leader", "volunteer", False),
        ("chess_leader", "volunteer", False),
        ("volunteer", "other_volunteer", False),
        ("volunteer", "volunteer", False),
    ],
)
def test_who_may_warn_and_suspend_whom(
    sanction_people: dict[str, User], told: Told, actor: str, target: str, allowed: bool
) -> None:
    by, member = sanction_people[actor], sanction_people[target]

    assert can_sanction(by, member) is allowed
    for give in (
        lambda: services.do_warn(actor=by, user=member, reason="Rude in a conversation"),
        lambda: services.do_suspend(actor=by, user=member, reason="Rude again"),
    ):
        if allowed:
            give()
        else:
            with pytest.raises(PermissionDenied):
                give()
    assert Sanction.objects.filter(user=member).count() == (2 if allowed else 0)


def test_a_warning_is_recorded_audited_and_told_to_the_member(
    scene: Scene, told: Told, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    # When a leader warns a member of their group
    with django_capture_on_commit_callbacks(execute=True):
        warning = services.do_warn(actor=scene.channel_leader, user=scene.volunteer, reason=" Rude to a poster ")

    # Then the warning is stored, audited with ids only, and the member is told once under its key
    assert warning.kind == SanctionKind.WARNING
    assert warning.reason == "Rude to a poster"
    assert warning.given_by == scene.channel_leader
    event = AuditEvent.objects.get(action="sanction.warning_given")
    assert event.data == {"user": str(scene.volunteer.pk)}
    assert told.keys == [f"sanction:{warning.pk}"]
    notified_event, user, _, message = told.calls[0]
    assert notified_event.name == "MODERATION"
    assert user == scene.volunteer
    assert "Rude to a poster" in message.body
    # A warning does not stop anyone.
    assert not is_suspended(scene.volunteer)


def test_a_sanction_needs_a_reason(scene: Scene, told: Told) -> None:
    with pytest.raises(ValidationError) as refused:
        services.do_warn(actor=scene.admin, user=scene.volunteer, reason=" ")
    assert list(refused.value.message_dict) == ["reason"]
    assert not Sanction.objects.exists()
    assert told.calls == []


def test_a_suspension_until_lifted_stops_the_member_until_it_is_lifted(
    scene: Scene, told: Told, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    # Given a suspension without an end
    with django_capture_on_commit_callbacks(execute=True):
        suspension = services.do_suspend(actor=scene.admin, user=scene.volunteer, reason="Harassment")

    # Then the member is suspended and told so
    assert is_suspended(scene.volunteer)
    with pytest.raises(PermissionDenied):
        check_not_suspended(scene.volunteer)
    assert told.keys == [f"sanction:{suspension.pk}"]

    # When a leader of their group lifts it, then they are no longer suspended and are told
    with django_capture_on_commit_callbacks(execute=True):
        services.do_lift_suspension(actor=scene.channel_leader, sanction=suspension)
    suspension.refresh_from_db()
    assert suspension.lifted_by == scene.channel_leader
    assert not is_suspended(scene.volunteer)
    check_not_suspended(scene.volunteer)
    assert told.keys == [f"sanction:{suspension.pk}", f"sanction-lifted:{suspension.pk}"]
    assert AuditEvent.objects.filter(action="sanction.lifted", target_id=str(suspension.pk)).exists()


def test_a_suspension_with_an_end_stops_the_member_until_it_runs_out(scene: Scene, told: Told) -> None:
    # Given a suspension for a week
    ends_at = timezone.now() + timedelta(days=7)
    suspension = services.do_suspend(actor=scene.admin, user=scene.volunteer, reason="Spam", ends_at=ends_at)
    assert suspension.ends_at == ends_at
    assert is_suspended(scene.volunteer)

    # When the week has passed, then the member is free again, and the suspension cannot be lifted
    Sanction.objects.filter(pk=suspension.pk).update(ends_at=timezone.now() - timedelta(seconds=1))
    assert not is_suspended(scene.volunteer)
    with pytest.raises(ValidationError):
        services.do_lift_suspension(actor=scene.admin, sanction=suspension)


def test_a_suspension_cannot_end_in_the_past(scene: Scene, told: Told) -> None:
    with pytest.raises(ValidationError) as refused:
        services.do_suspend(
            actor=scene.admin, user=scene.volunteer, reason="Spam", ends_at=timezone.now() - timedelta(hours=1)
        )
    assert list(refused.value.message_dict) == ["ends_at"]
    assert not Sanction.objects.exists()


def test_only_a_running_suspension_is_lifted_and_only_by_someone_who_may_sanction(scene: Scene, told: Told) -> None:
    warning = services.do_warn(actor=scene.admin, user=scene.volunteer, reason="Rude")
    suspension = services.do_suspend(actor=scene.admin, user=scene.volunteer, reason="Rude again")

    with pytest.raises(ValidationError):
        services.do_lift_suspension(actor=scene.admin, sanction=warning)
    for not_allowed in (scene.volunteer, scene.chess_leader, scene.poster_leader):
        with pytest.raises(PermissionDenied):
            services.do_lift_suspension(actor=not_allowed, sanction=suspension)
    assert is_suspended(scene.volunteer)

    services.do_lift_suspension(actor=scene.admin, sanction=suspension)
    with pytest.raises(ValidationError):
        services.do_lift_suspension(actor=scene.admin, sanction=suspension)


def test_sanctions_are_seen_by_admins_by_the_members_leaders_and_by_the_member(scene: Scene, told: Told) -> None:
    of_volunteer = services.do_warn(actor=scene.admin, user=scene.volunteer, reason="Rude")
    of_poster = services.do_warn(actor=scene.admin, user=scene.poster, reason="Rude")

    assert set(selectors.sanctions_visible_to(viewer=scene.admin)) == {of_volunteer, of_poster}
    assert list(selectors.sanctions_visible_to(viewer=scene.channel_leader)) == [of_volunteer]
    assert list(selectors.sanctions_visible_to(viewer=scene.poster_leader)) == [of_poster]
    assert list(selectors.sanctions_visible_to(viewer=scene.volunteer)) == [of_volunteer]
    assert list(selectors.sanctions_visible_to(viewer=scene.other_volunteer)) == []
    assert list(selectors.sanctions_visible_to(viewer=scene.chess_leader)) == []
    assert list(selectors.sanctions_of(viewer=scene.channel_leader, user=scene.poster)) == []
    assert list(selectors.sanctions_of(viewer=scene.admin, user=scene.poster)) == [of_poster]


def test_the_member_is_told_of_a_suspension_through_notifications_once(
    scene: Scene, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    from core.notifications.models import Notification

    # When an admin suspends a member (the real notifications, not a stand-in)
    with django_capture_on_commit_callbacks(execute=True):
        suspension = services.do_suspend(actor=scene.admin, user=scene.volunteer, reason="Harassment")

    # Then one notice for that sanction is stored for the member, naming the reason
    notice = Notification.objects.get(key=f"sanction:{suspension.pk}")
    assert notice.user == scene.volunteer
    assert "Harassment" in notice.body
