"""What a moderator sees around a report: the messages either side of a reported one, and the reports waiting."""

from datetime import timedelta

import pytest

from core.moderation.models import ReportStatus
from core.moderation.selectors import get_report_for_moderation, messages_around, open_reports_of
from core.moderation.services import do_dismiss_report, do_report
from core.requests.models import ConversationMessage
from tests.core.moderation.conftest import Scene

pytestmark = pytest.mark.django_db


def test_a_message_comes_with_up_to_three_before_and_after_in_two_queries(
    scene: Scene, django_assert_num_queries: object
) -> None:
    conversation = scene.message.conversation
    start = scene.message.created_at
    said = [
        ConversationMessage.objects.create(
            conversation=conversation, author=scene.poster, body=f"m{n}", created_at=start + timedelta(minutes=n)
        )
        for n in range(1, 9)
    ]
    reported = said[4]  # m5: m2, m3, m4 before it and m6, m7, m8 after

    with django_assert_num_queries(2):  # type: ignore[operator]
        around = messages_around(message=reported)
        bodies = [message.body for message in around]
        authors = {message.author.name for message in around}

    assert bodies == ["m2", "m3", "m4", "m5", "m6", "m7", "m8"]
    assert authors == {"Per Poster"}
    assert [m.body for m in messages_around(message=scene.message, span=2)] == [scene.message.body, "m1", "m2"]


def test_the_reports_waiting_count_every_open_report_of_the_same_content(scene: Scene) -> None:
    first = do_report(reporter=scene.volunteer, request=scene.request, reason="Spam")
    second = do_report(reporter=scene.other_volunteer, request=scene.request, reason="Spam too")
    do_report(reporter=scene.poster, message=scene.message, reason="Rude")
    assert open_reports_of(first) == 2
    do_dismiss_report(actor=scene.admin, report=second)
    assert open_reports_of(first) == 1
    assert get_report_for_moderation(user=scene.admin, report_id=second.pk).status == ReportStatus.DISMISSED
