"""Delivery of one outbox row and the sweep, called directly inside the test's transaction."""

import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib.admin import AdminSite
from django.core import mail
from django.test import RequestFactory
from django.utils import timezone
from pytest_django import DjangoCaptureOnCommitCallbacks
from pytest_django.fixtures import Settings

from core.messaging.admin import OutboxMessageAdmin
from core.messaging.backends import SmsBackend
from core.messaging.backends.filebased import read_sent_sms
from core.messaging.models import OutboxMessage, Priority, Status
from core.messaging.outbox import enqueue_email, enqueue_sms
from core.messaging.selectors import messages_due, outbox_counts_by_status
from core.messaging.services import Outcome, do_deliver, do_sweep, retry_delay
from core.messaging.tasks import deliver, sweep
from tests.conftest import in_schema
from tests.factories import UserFactory

from .fake_elks import FakeElks

pytestmark = pytest.mark.django_db


class BrokenBackend(SmsBackend):
    """A backend with a bug: it raises something no backend should."""

    def send(self, message: OutboxMessage) -> str:
        raise RuntimeError(f"bug while sending to {message.to}")


def _login_code(to: str = "+4790000001") -> OutboxMessage:
    return enqueue_sms(to=to, body="Koden din er 123456", kind="login_code", priority=Priority.HIGH, sensitive=True)


def _reload(message: OutboxMessage) -> OutboxMessage:
    return OutboxMessage.objects.get(pk=message.pk)


# --- sending -----------------------------------------------------------------------------------------


def test_delivery_sends_a_pending_row_and_records_the_providers_id(melhus: object, sms_file: Path) -> None:
    with in_schema("melhus"):
        message = enqueue_sms(to="+4790000001", body="Hei", kind="announcement")

        outcome = do_deliver(message_id=message.pk)

        row = _reload(message)
    assert outcome == Outcome.SENT
    assert row.status == Status.SENT
    assert row.attempts == 1
    assert row.provider_id == f"file-{message.pk}"
    assert row.sent_at is not None
    assert row.sending_since is None
    assert row.body == "Hei"
    assert [record["message_id"] for record in read_sent_sms(tenant="melhus")] == [str(message.pk)]


def test_a_sensitive_body_is_blanked_once_sent(melhus: object) -> None:
    with in_schema("melhus"):
        message = _login_code()

        do_deliver(message_id=message.pk)

        assert _reload(message).body == ""
    assert read_sent_sms()[0]["body"] == "Koden din er 123456"


def test_a_second_delivery_of_the_same_row_sends_nothing(melhus: object) -> None:
    with in_schema("melhus"):
        message = _login_code()
        do_deliver(message_id=message.pk)

        again = do_deliver(message_id=message.pk)

        assert _reload(message).attempts == 1
    assert again == Outcome.SKIPPED
    assert len(read_sent_sms()) == 1


def test_a_row_whose_next_attempt_has_not_come_is_left_alone(melhus: object) -> None:
    with in_schema("melhus"):
        message = enqueue_sms(to="+4790000001", body="Hei", kind="announcement")
        OutboxMessage.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now() + timedelta(minutes=1))

        outcome = do_deliver(message_id=message.pk)

        assert _reload(message).status == Status.PENDING
    assert outcome == Outcome.SKIPPED
    assert read_sent_sms() == []


def test_an_unknown_id_is_skipped(melhus: object) -> None:
    with in_schema("melhus"):
        assert do_deliver(message_id=uuid.uuid4()) == Outcome.SKIPPED


def test_a_row_of_another_tenant_is_out_of_reach(melhus: object, red_cross: object) -> None:
    # Given a message that exists only in Red Cross' schema
    with in_schema("red_cross"):
        message = _login_code()

    # When a delivery runs in Melhus' schema for its id
    with in_schema("melhus"):
        outcome = do_deliver(message_id=message.pk)

    # Then nothing is sent and Red Cross' row is untouched
    assert outcome == Outcome.SKIPPED
    assert read_sent_sms() == []
    with in_schema("red_cross"):
        row = _reload(message)
    assert (row.status, row.attempts, row.body) == (Status.PENDING, 0, "Koden din er 123456")


def test_an_email_row_is_sent_with_its_message_id_as_provider_id(melhus: object) -> None:
    with in_schema("melhus"):
        user = UserFactory.create(email="kari@example.com")
        message = enqueue_email(to=user.email, subject="Invitasjon", body="Hei Kari", kind="invitation", recipient=user)

        outcome = do_deliver(message_id=message.pk)

        row = _reload(message)
    assert outcome == Outcome.SENT
    assert len(mail.outbox) == 1
    assert mail.outbox[0].message()["Message-ID"] == row.provider_id
    assert mail.outbox[0].to == ["kari@example.com"]


# --- failures ----------------------------------------------------------------------------------------


def test_a_temporary_failure_puts_the_row_back_with_backoff_and_queues_the_retry(
    melhus: object,
    fake_elks: FakeElks,
    settings: Settings,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    # Given a provider that is down
    fake_elks.status = 503
    settings.OUTBOX_RETRY_BASE_SECONDS = 30
    with in_schema("melhus"):
        message = _login_code()

        # When the row is delivered
        before = timezone.now()
        with django_capture_on_commit_callbacks() as callbacks:
            outcome = do_deliver(message_id=message.pk)

        row = _reload(message)
    # Then it waits for its next attempt, 15-30 s away, and a retry is queued for then
    assert outcome == Outcome.RETRY
    assert (row.status, row.attempts, row.last_error) == (Status.PENDING, 1, "46elks HTTP 503")
    assert before + timedelta(seconds=15) <= row.next_attempt_at <= timezone.now() + timedelta(seconds=30)
    assert row.body == "Koden din er 123456"
    assert len(callbacks) == 1


def test_backoff_doubles_with_each_attempt_up_to_a_ceiling(settings: Settings) -> None:
    settings.OUTBOX_RETRY_BASE_SECONDS, settings.OUTBOX_RETRY_MAX_SECONDS = 30, 1800

    delays = {attempts: retry_delay(attempts=attempts).total_seconds() for attempts in range(1, 12)}

    for attempts, seconds in delays.items():
        ceiling = min(1800, 30 * 2 ** (attempts - 1))
        assert ceiling / 2 <= seconds <= ceiling


def test_jitter_spreads_retries_of_messages_that_failed_together() -> None:
    delays = {retry_delay(attempts=3) for _ in range(20)}

    assert len(delays) > 10


def test_the_last_allowed_attempt_that_fails_marks_the_row_failed(
    melhus: object,
    fake_elks: FakeElks,
    settings: Settings,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    fake_elks.status = 503
    settings.OUTBOX_MAX_ATTEMPTS = 3
    with in_schema("melhus"):
        message = _login_code()
        OutboxMessage.objects.filter(pk=message.pk).update(attempts=2)

        with django_capture_on_commit_callbacks() as callbacks:
            outcome = do_deliver(message_id=message.pk)

        row = _reload(message)
    assert outcome == Outcome.FAILED
    assert (row.status, row.attempts, row.body) == (Status.FAILED, 3, "")
    assert callbacks == []


def test_a_permanent_failure_fails_at_once_without_personal_data_in_the_error(
    melhus: object, fake_elks: FakeElks
) -> None:
    fake_elks.status = 400
    with in_schema("melhus"):
        message = enqueue_sms(to="+4790000001", body="Hei", kind="announcement")

        outcome = do_deliver(message_id=message.pk)
        again = do_deliver(message_id=message.pk)

        row = _reload(message)
    assert (outcome, again) == (Outcome.FAILED, Outcome.SKIPPED)
    assert (row.status, row.attempts, row.last_error) == (Status.FAILED, 1, "46elks HTTP 400")
    assert fake_elks.requests == 1


def test_a_lost_answer_marks_the_row_unknown_and_it_is_never_sent_again(
    melhus: object, fake_elks: FakeElks, settings: Settings
) -> None:
    settings.SMS_HTTP_TIMEOUT_SECONDS = 0.3
    fake_elks.delay = 1.0
    with in_schema("melhus"):
        message = _login_code()

        outcome = do_deliver(message_id=message.pk)
        fake_elks.delay = 0
        again = do_deliver(message_id=message.pk)

        row = _reload(message)
    assert (outcome, again) == (Outcome.UNKNOWN, Outcome.SKIPPED)
    assert (row.status, row.body) == (Status.UNKNOWN, "")
    assert fake_elks.requests == 1


def test_a_backend_bug_marks_the_row_unknown_without_quoting_the_error(melhus: object, settings: Settings) -> None:
    settings.SMS_BACKEND = f"{__name__}.BrokenBackend"
    with in_schema("melhus"):
        message = enqueue_sms(to="+4790000001", body="Hei", kind="announcement")

        outcome = do_deliver(message_id=message.pk)

        row = _reload(message)
    assert outcome == Outcome.UNKNOWN
    assert row.status == Status.UNKNOWN
    assert "+4790000001" not in row.last_error


# --- the sweep ---------------------------------------------------------------------------------------


def test_sweep_marks_rows_stuck_in_sending_unknown_and_never_resends_them(melhus: object) -> None:
    # Given a row whose worker died mid-send 11 minutes ago, and one being sent right now
    with in_schema("melhus"):
        stuck, busy = _login_code(), _login_code(to="+4790000002")
        OutboxMessage.objects.filter(pk=stuck.pk).update(
            status=Status.SENDING, attempts=1, sending_since=timezone.now() - timedelta(minutes=11)
        )
        OutboxMessage.objects.filter(pk=busy.pk).update(
            status=Status.SENDING, attempts=1, sending_since=timezone.now() - timedelta(minutes=1)
        )

        # When the sweep runs
        result = do_sweep()
        again = do_deliver(message_id=stuck.pk)

        stuck_row, busy_row = _reload(stuck), _reload(busy)
    # Then the stuck one is given up on (not resent), the busy one left to its worker
    assert result.marked_unknown == 1
    assert (stuck_row.status, stuck_row.body, stuck_row.sending_since) == (Status.UNKNOWN, "", None)
    assert busy_row.status == Status.SENDING
    assert again == Outcome.SKIPPED
    assert read_sent_sms() == []


def test_sweep_leaves_rows_that_just_came_due_to_their_queued_task(melhus: object, settings: Settings) -> None:
    settings.OUTBOX_SWEEP_GRACE_SECONDS = 60
    with in_schema("melhus"):
        _login_code()

        result = do_sweep()

    assert result.redispatched == 0


def test_rows_due_for_dispatch_come_most_urgent_first(melhus: object) -> None:
    with in_schema("melhus"):
        normal = enqueue_sms(to="+4790000001", body="a", kind="announcement")
        code = _login_code()
        later = enqueue_sms(to="+4790000001", body="b", kind="announcement")
        OutboxMessage.objects.filter(pk=later.pk).update(next_attempt_at=timezone.now() + timedelta(minutes=5))
        sent = enqueue_sms(to="+4790000001", body="c", kind="announcement")
        OutboxMessage.objects.filter(pk=sent.pk).update(status=Status.SENT)

        due = messages_due(before=timezone.now(), limit=10)

    assert [message.pk for message in due] == [code.pk, normal.pk]


# --- staff views -------------------------------------------------------------------------------------


def test_counts_by_status_cover_every_status(melhus: object, red_cross: object) -> None:
    with in_schema("red_cross"):
        enqueue_sms(to="+4790000009", body="other tenant", kind="announcement")
    with in_schema("melhus"):
        sent, _pending = _login_code(), _login_code()
        do_deliver(message_id=sent.pk)

        counts = outbox_counts_by_status()

    assert counts == {"pending": 1, "sending": 0, "sent": 1, "failed": 0, "unknown": 0}


def test_admin_is_read_only_and_hides_secrets(melhus: object) -> None:
    model_admin = OutboxMessageAdmin(OutboxMessage, AdminSite())
    request = RequestFactory().get("/")
    with in_schema("melhus"):
        request.user = UserFactory.create(is_staff=True, is_superuser=True)
        code = _login_code()
        note = enqueue_sms(to="+4790000001", body="Møte i kveld", kind="announcement")

        assert model_admin.check() == []
        assert not model_admin.has_add_permission(request)
        assert not model_admin.has_change_permission(request, code)
        assert not model_admin.has_delete_permission(request, code)
        assert model_admin.has_view_permission(request, code)
        assert "123456" not in model_admin.shown_body(code)
        assert model_admin.shown_body(note) == "Møte i kveld"
        assert "body" not in model_admin.get_fields(request, code)


# --- the tasks themselves ----------------------------------------------------------------------------


def test_tasks_sent_without_a_tenant_do_nothing() -> None:
    assert deliver(str(uuid.uuid4())) == "skipped"
    assert sweep() == {}


def test_deliver_task_ignores_a_malformed_id(melhus: object) -> None:
    with in_schema("melhus"):
        assert deliver("not-a-uuid") == "skipped"
