"""SMS backends (console, file, 46elks over real HTTP) and the e-mail path, one message at a time."""

import io
import json
import socket
import threading
from pathlib import Path

import pytest
from django.core import mail
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from pytest_django.fixtures import Settings

from core.messaging.backends import PermanentFailure, TemporaryFailure, UncertainOutcome, get_sms_backend
from core.messaging.backends.console import ConsoleBackend
from core.messaging.backends.elks import ElksBackend
from core.messaging.backends.filebased import FileBackend, read_sent_sms
from core.messaging.backends.mail import send_email
from core.messaging.models import Medium, OutboxMessage
from tests.conftest import in_schema

from .fake_elks import FakeElks


def _sms(**fields: object) -> OutboxMessage:
    """An unsaved outbox row: backends only read it."""
    defaults: dict[str, object] = {
        "medium": Medium.SMS,
        "to": "+4790000001",
        "body": "Koden din er 123456",
        "kind": "login_code",
    }
    return OutboxMessage(**{**defaults, **fields})


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# --- choosing a backend ----------------------------------------------------------------------------


def test_the_backend_is_the_class_named_in_settings(settings: Settings) -> None:
    settings.SMS_BACKEND = "core.messaging.backends.console.ConsoleBackend"

    assert isinstance(get_sms_backend(), ConsoleBackend)


def test_a_setting_that_names_no_sms_backend_is_refused(settings: Settings) -> None:
    settings.SMS_BACKEND = "core.messaging.models.OutboxMessage"

    with pytest.raises(TypeError):
        get_sms_backend()


def test_deploy_check_refuses_46elks_without_credentials(settings: Settings) -> None:
    settings.SMS_BACKEND = "core.messaging.backends.elks.ElksBackend"
    settings.SMS_46ELKS_USERNAME = ""

    with pytest.raises(SystemCheckError, match=r"messaging\.E002"):
        call_command("check", "--deploy", "--fail-level", "ERROR", stdout=io.StringIO(), stderr=io.StringIO())


def test_deploy_check_refuses_a_backend_that_cannot_be_imported(settings: Settings) -> None:
    settings.SMS_BACKEND = "core.messaging.backends.nowhere.Backend"

    with pytest.raises(SystemCheckError, match=r"messaging\.E001"):
        call_command("check", "--deploy", "--fail-level", "ERROR", stdout=io.StringIO(), stderr=io.StringIO())


# --- console ---------------------------------------------------------------------------------------


def test_console_backend_prints_one_line_per_message_naming_the_tenant(db: None) -> None:
    stream = io.StringIO()
    message = _sms(body="Line one\nline two")

    with in_schema("melhus"):
        provider_id = ConsoleBackend(stream=stream).send(message)

    lines = stream.getvalue().splitlines()
    assert len(lines) == 1
    assert "[sms melhus]" in lines[0]
    assert "to=+4790000001" in lines[0]
    assert "kind=login_code" in lines[0]
    assert "Line one line two" in lines[0]
    assert provider_id == f"console-{message.pk}"


# --- file ------------------------------------------------------------------------------------------


def test_file_backend_appends_a_json_line_with_the_tenant(db: None, sms_file: Path) -> None:
    first, second = _sms(), _sms(to="+4790000002", body="Velkommen", kind="invitation")

    with in_schema("melhus"):
        FileBackend().send(first)
    with in_schema("red_cross"):
        FileBackend().send(second)

    lines = [json.loads(line) for line in sms_file.read_text().splitlines()]
    assert [line["tenant"] for line in lines] == ["melhus", "red_cross"]
    assert lines[0]["to"] == "+4790000001"
    assert lines[0]["body"] == "Koden din er 123456"
    assert lines[0]["kind"] == "login_code"
    assert lines[0]["message_id"] == str(first.pk)
    assert lines[0]["sent_at"]
    assert read_sent_sms(tenant="red_cross") == [lines[1]]
    assert read_sent_sms(to="+4790000001") == [lines[0]]


def test_file_backend_keeps_lines_whole_under_concurrent_writers(db: None, sms_file: Path) -> None:
    body = "x" * 5000  # longer than one pipe buffer page, so unlocked writes could interleave
    messages = [_sms(body=body) for _ in range(80)]

    def write(batch: list[OutboxMessage]) -> None:
        with in_schema("melhus"):
            for message in batch:
                FileBackend().send(message)

    threads = [threading.Thread(target=write, args=(messages[i::8],)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    records = read_sent_sms()
    assert len(records) == 80
    assert {record["message_id"] for record in records} == {str(m.pk) for m in messages}


def test_file_backend_reports_an_unwritable_path_as_temporary(db: None, settings: Settings, tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    settings.SMS_FILE_PATH = blocker / "sms.jsonl"

    with in_schema("melhus"), pytest.raises(TemporaryFailure):
        FileBackend().send(_sms())


# --- 46elks ----------------------------------------------------------------------------------------


def test_46elks_backend_posts_the_form_and_returns_the_providers_id(fake_elks: FakeElks, settings: Settings) -> None:
    settings.SMS_SENDER = "Melhus"

    provider_id = ElksBackend().send(_sms())

    assert len(fake_elks.accepted) == 1
    sent = fake_elks.accepted[0]
    assert provider_id == sent["id"]
    assert provider_id.startswith("s")
    assert (sent["from"], sent["to"], sent["message"]) == ("Melhus", "+4790000001", "Koden din er 123456")
    assert "dontlog" not in sent


def test_46elks_keeps_no_copy_of_a_sensitive_text(fake_elks: FakeElks) -> None:
    ElksBackend().send(_sms(sensitive=True))

    assert fake_elks.accepted[0]["dontlog"] == "message"


@pytest.mark.parametrize("status", [500, 502, 503, 429, 408, 401, 403])
def test_46elks_server_errors_and_throttling_are_temporary(fake_elks: FakeElks, status: int) -> None:
    fake_elks.status = status

    with pytest.raises(TemporaryFailure, match=f"HTTP {status}"):
        ElksBackend().send(_sms())


@pytest.mark.parametrize("status", [400, 404, 422])
def test_46elks_other_client_errors_are_permanent_and_quote_no_personal_data(fake_elks: FakeElks, status: int) -> None:
    fake_elks.status = status

    with pytest.raises(PermanentFailure) as raised:
        ElksBackend().send(_sms())

    assert str(raised.value) == f"46elks HTTP {status}"


def test_46elks_unreachable_is_temporary(settings: Settings) -> None:
    settings.SMS_46ELKS_API_URL = f"http://127.0.0.1:{_closed_port()}/a1"
    settings.SMS_46ELKS_USERNAME, settings.SMS_46ELKS_PASSWORD = "user", "password"

    with pytest.raises(TemporaryFailure, match="unreachable"):
        ElksBackend().send(_sms())


def test_46elks_answer_lost_after_the_request_is_uncertain(fake_elks: FakeElks, settings: Settings) -> None:
    # Given a provider that takes the request but answers too late
    settings.SMS_HTTP_TIMEOUT_SECONDS = 0.3
    fake_elks.delay = 1.0

    # Then it may have sent the SMS: not a failure to retry
    with pytest.raises(UncertainOutcome):
        ElksBackend().send(_sms())


def test_46elks_without_credentials_sends_nothing_and_may_retry(fake_elks: FakeElks, settings: Settings) -> None:
    settings.SMS_46ELKS_PASSWORD = ""

    with pytest.raises(TemporaryFailure, match="credentials"):
        ElksBackend().send(_sms())

    assert fake_elks.requests == 0


def test_46elks_wrong_credentials_are_temporary(fake_elks: FakeElks, settings: Settings) -> None:
    settings.SMS_46ELKS_PASSWORD = "wrong"

    with pytest.raises(TemporaryFailure, match="HTTP 401"):
        ElksBackend().send(_sms())


# --- e-mail ----------------------------------------------------------------------------------------


def test_email_goes_through_djangos_backend_with_its_message_id_as_provider_id(settings: Settings) -> None:
    settings.DEFAULT_FROM_EMAIL = "Dugnad <noreply@dugnad.example>"
    message = OutboxMessage(medium=Medium.EMAIL, to="kari@example.com", subject="Invitasjon", body="Hei", kind="x")

    provider_id = send_email(message)

    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    assert sent.to == ["kari@example.com"]
    assert (sent.subject, sent.body, sent.from_email) == ("Invitasjon", "Hei", "Dugnad <noreply@dugnad.example>")
    assert sent.message()["Message-ID"] == provider_id
    assert provider_id.startswith("<")
    assert provider_id.endswith(">")


def test_email_server_unreachable_is_temporary(settings: Settings) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", _closed_port()

    with pytest.raises(TemporaryFailure, match="SMTP unavailable"):
        send_email(OutboxMessage(medium=Medium.EMAIL, to="kari@example.com", subject="s", body="b", kind="x"))


class _SmtpServer:
    """A minimal SMTP server that answers RCPT TO with a fixed reply code."""

    def __init__(self, rcpt_reply: str) -> None:
        self.rcpt_reply = rcpt_reply
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen()
        self.port = int(self.sock.getsockname()[1])
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        connection, _ = self.sock.accept()
        with connection, connection.makefile("rwb") as stream:
            stream.write(b"220 fake ESMTP\r\n")
            stream.flush()
            for raw in stream:
                verb = raw.decode().split()[0].upper() if raw.strip() else ""
                reply = {
                    "EHLO": "250 fake",
                    "HELO": "250 fake",
                    "MAIL": "250 ok",
                    "RCPT": self.rcpt_reply,
                    "RSET": "250 ok",
                    "QUIT": "221 bye",
                }.get(verb, "502 no")
                stream.write(reply.encode() + b"\r\n")
                stream.flush()
                if verb == "QUIT":
                    return


@pytest.mark.parametrize(
    ("reply", "failure"),
    [("550 5.1.1 no such user", PermanentFailure), ("450 4.2.1 mailbox busy, try later", TemporaryFailure)],
)
def test_email_refused_by_the_server_maps_5xx_to_permanent_and_4xx_to_temporary(
    settings: Settings, reply: str, failure: type[Exception]
) -> None:
    server = _SmtpServer(reply)
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False

    with pytest.raises(failure) as raised:
        send_email(OutboxMessage(medium=Medium.EMAIL, to="nobody@example.com", subject="s", body="b", kind="x"))

    assert "nobody" not in str(raised.value)
