"""Data-processing agreements: seeded texts, the signatory's link, oral intent, versions and the PDF."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice
from pytest_django import DjangoCaptureOnCommitCallbacks

from core.accounts.models import User
from onboarding import dpa
from onboarding.models import (
    DpaAcceptance,
    DpaAcceptanceLink,
    DpaKind,
    DpaState,
    DpaText,
    DpaVersion,
    OnboardingCase,
)
from onboarding.pdf import dpa_pdf
from tests.conftest import host_client

pytestmark = pytest.mark.django_db


def make_case(**fields: object) -> OnboardingCase:
    values: dict[str, object] = {
        "kind": "municipality",
        "name": "Gjøvik kommune",
        "org_number": "938726027",
        "country": "NO",
        "language": "nb",
        "slug": "gjovik",
        "contact_name": "Per Kontakt",
        "contact_email": "per@gjovik.example",
        "contact_phone": "+4791000009",
        "signatory_name": "Kari Ordfører",
        "signatory_email": "kari@gjovik.example",
    }
    values.update(fields)
    return OnboardingCase.objects.create(**values)


def make_staff(phone: str = "+4791000001") -> User:
    return User.objects.create_user(phone, "Vera Vendor", password="x-long-password", is_staff=True)


def staff_client(user: User) -> Client:
    """A console client: logged in and verified with a confirmed TOTP device."""
    device = TOTPDevice.objects.create(user=user, name="console", confirmed=True)
    client = host_client(None)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def token_of(url: str) -> str:
    return url.rsplit("/", 1)[1]


@pytest.fixture
def staff() -> User:
    return make_staff()


@pytest.fixture
def case() -> OnboardingCase:
    return make_case()


# --- Seeded texts ------------------------------------------------------------------------------


def test_version_1_of_every_kind_exists_in_three_languages_with_the_sub_processor_annex() -> None:
    for kind in DpaKind.values:
        for language in ("nb", "sv", "en"):
            text = dpa.current_text(kind=kind, language=language)
            assert text.version.number == 1
            assert text.sha256 == dpa.text_digest(title=text.title, body=text.body)
            assert "46elks AB" in text.body
            assert "Sentry" in text.body
            assert "{{ subprocessors }}" not in text.body
    swedish = dpa.current_text(kind=DpaKind.SE_MUNICIPALITY, language="sv")
    assert "Bilaga 1" in swedish.body
    assert "Bilaga 2" in swedish.body
    norwegian = dpa.current_text(kind=DpaKind.NO_MUNICIPALITY, language="nb")
    assert all(f"Bilag {n}" in norwegian.body for n in (1, 2, 3, 4))


def test_kind_follows_country_for_municipalities_and_is_own_for_organisations() -> None:
    assert dpa.dpa_kind_for(make_case()) == DpaKind.NO_MUNICIPALITY
    assert dpa.dpa_kind_for(make_case(slug="lund", country="SE")) == DpaKind.SE_MUNICIPALITY
    assert dpa.dpa_kind_for(make_case(slug="rk", kind="organisation", country="SE")) == DpaKind.ORGANISATION


# --- The acceptance link -----------------------------------------------------------------------


def test_link_is_mailed_to_the_signatory_and_only_its_hash_is_stored(
    staff: User, case: OnboardingCase, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        url = dpa.do_send_acceptance_link(actor=staff, case=case)

    token = token_of(url)
    link = DpaAcceptanceLink.objects.get(case=case)
    assert link.token_hash != token
    assert token not in link.token_hash
    assert link.expires_at - timezone.now() > timedelta(days=13)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["kari@gjovik.example"]
    assert url in mail.outbox[0].body


def test_non_staff_cannot_send_a_link(case: OnboardingCase) -> None:
    person = User.objects.create_user("+4791000002", "Not Staff")
    with pytest.raises(PermissionDenied):
        dpa.do_send_acceptance_link(actor=person, case=case)
    assert not DpaAcceptanceLink.objects.exists()


def test_signatory_reads_in_the_case_language_switches_and_accepts(staff: User, case: OnboardingCase) -> None:
    token = token_of(dpa.do_send_acceptance_link(actor=staff, case=case))
    client = host_client(None)
    page = client.get(f"/dpa/accept/{token}")
    norwegian = dpa.current_text(kind=DpaKind.NO_MUNICIPALITY, language="nb")
    assert page.status_code == 200
    assert norwegian.title in page.content.decode()
    assert norwegian.sha256 in page.content.decode()

    english_page = client.get(f"/dpa/accept/{token}?lang=en")
    english = dpa.current_text(kind=DpaKind.NO_MUNICIPALITY, language="en")
    assert english.title in english_page.content.decode()

    response = client.post(
        f"/dpa/accept/{token}",
        {
            "full_name": "Kari Ordfører",
            "title": "Ordfører",
            "accept": "on",
            "text_sha256": english.sha256,
            "lang": "en",
        },
        REMOTE_ADDR="192.0.2.10",
    )

    assert response.status_code == 200
    acceptance = DpaAcceptance.objects.get(case=case)
    assert (acceptance.full_name, acceptance.title, acceptance.ip) == ("Kari Ordfører", "Ordfører", "192.0.2.10")
    assert acceptance.text == english
    assert acceptance.text_sha256 == english.sha256
    case.refresh_from_db()
    assert case.dpa_accepted_at is not None
    assert dpa.dpa_state(case) == DpaState.WRITTEN
    assert DpaAcceptanceLink.objects.get(case=case).used_at is not None


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"text_sha256": "0" * 64}, "The agreement changed while you were reading it"),
        ({"full_name": ""}, "Write your full name."),
        ({"title": "  "}, "Write your title or role."),
        ({"accept": ""}, "Tick the box to accept the agreement."),
    ],
)
def test_bad_acceptance_gets_a_clear_error_and_changes_nothing(
    staff: User, case: OnboardingCase, change: dict[str, str], message: str
) -> None:
    token = token_of(dpa.do_send_acceptance_link(actor=staff, case=case))
    text = dpa.current_text(kind=DpaKind.NO_MUNICIPALITY, language="en")
    data = {"full_name": "Kari Ordfører", "title": "Ordfører", "accept": "on", "text_sha256": text.sha256, "lang": "en"}
    data.update(change)

    response = host_client(None).post(f"/dpa/accept/{token}", {k: v for k, v in data.items() if v})

    assert response.status_code == 400
    assert message in response.content.decode()
    assert 'role="alert"' in response.content.decode()
    assert not DpaAcceptance.objects.exists()
    assert DpaAcceptanceLink.objects.get(case=case).used_at is None
    case.refresh_from_db()
    assert case.dpa_accepted_at is None


def _accept_data(language: str = "nb") -> dict[str, str]:
    text = dpa.current_text(kind=DpaKind.NO_MUNICIPALITY, language=language)
    return {"full_name": "Kari Ordfører", "title": "Ordfører", "accept": "on", "text_sha256": text.sha256}


def test_expired_link_gets_one_clear_page_and_changes_nothing(staff: User, case: OnboardingCase) -> None:
    token = token_of(dpa.do_send_acceptance_link(actor=staff, case=case))
    DpaAcceptanceLink.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    client = host_client(None)

    assert "has expired" in client.get(f"/dpa/accept/{token}").content.decode()
    response = client.post(f"/dpa/accept/{token}", _accept_data())

    assert response.status_code == 410
    assert "has expired" in response.content.decode()
    assert not DpaAcceptance.objects.exists()
    with pytest.raises(ValidationError):
        dpa.do_accept(token=token, full_name="A", title="B", text_sha256=_accept_data()["text_sha256"], ip=None)


def test_reused_link_is_refused_and_the_first_acceptance_stands(staff: User, case: OnboardingCase) -> None:
    token = token_of(dpa.do_send_acceptance_link(actor=staff, case=case))
    client = host_client(None)
    assert client.post(f"/dpa/accept/{token}", _accept_data()).status_code == 200

    second = client.post(f"/dpa/accept/{token}", {**_accept_data(), "full_name": "Someone Else"})

    assert second.status_code == 410
    assert "already been used" in second.content.decode()
    assert list(DpaAcceptance.objects.values_list("full_name", flat=True)) == ["Kari Ordfører"]


def test_unknown_link_gets_the_same_clear_page() -> None:
    response = host_client(None).get("/dpa/accept/not-a-token")
    assert response.status_code == 410
    assert "not valid" in response.content.decode()


def test_a_new_link_retires_the_earlier_one(staff: User, case: OnboardingCase) -> None:
    first = token_of(dpa.do_send_acceptance_link(actor=staff, case=case))
    second = token_of(dpa.do_send_acceptance_link(actor=staff, case=case))
    assert host_client(None).get(f"/dpa/accept/{first}").status_code == 410
    assert host_client(None).get(f"/dpa/accept/{second}").status_code == 200


# --- Oral intent -------------------------------------------------------------------------------


def test_oral_intent_allows_provisioning_but_is_not_written(staff: User, case: OnboardingCase) -> None:
    assert not dpa.can_provision(case)
    dpa.do_record_oral_intent(actor=staff, case=case, given_by="Kari Ordfører", given_at=timezone.now(), note="Phone")
    case.refresh_from_db()
    assert dpa.dpa_state(case) == DpaState.ORAL_INTENT
    assert dpa.can_provision(case)
    assert case.dpa_accepted_at is None


def test_oral_intent_through_the_console_and_its_bad_input(staff: User, case: OnboardingCase) -> None:
    client = staff_client(staff)
    bad = client.post(f"/console/cases/{case.pk}/dpa/oral-intent", {"given_by": "", "given_at": "2020-01-01T10:00"})
    assert bad.status_code == 400
    case.refresh_from_db()
    assert case.dpa_intent_at is None

    good = client.post(
        f"/console/cases/{case.pk}/dpa/oral-intent", {"given_by": "Kari Ordfører", "given_at": "2020-01-01T10:00"}
    )
    assert good.status_code == 302
    assert OnboardingCase.objects.get(pk=case.pk).dpa_intent_at is not None
    assert case.intents.get().recorded_by == staff


def test_console_sends_the_link(staff: User, case: OnboardingCase) -> None:
    response = staff_client(staff).post(f"/console/cases/{case.pk}/dpa/send-link")
    assert response.status_code == 302
    assert DpaAcceptanceLink.objects.filter(case=case).count() == 1


def test_console_dpa_pages_refuse_non_staff_and_anonymous(case: OnboardingCase) -> None:
    person = User.objects.create_user("+4791000003", "Not Staff")
    member = host_client(None)
    member.force_login(person)
    for client in (member, host_client(None)):
        assert client.post(f"/console/cases/{case.pk}/dpa/send-link").status_code in (302, 403)
        assert client.get("/console/dpa/versions").status_code in (302, 403)
        assert client.post("/console/dpa/publish", {"kind": "organisation"}).status_code in (302, 403)
    # A staff member without the second factor is sent to log in.
    unverified = host_client(None)
    unverified.force_login(make_staff("+4791000004"))
    assert unverified.get("/console/dpa/versions").status_code == 302
    assert not DpaAcceptanceLink.objects.exists()
    assert DpaVersion.objects.count() == 3


# --- Versions ----------------------------------------------------------------------------------


def test_publishing_makes_a_new_current_version_and_old_ones_stay_readable(staff: User) -> None:
    old = dpa.current_text(kind=DpaKind.ORGANISATION, language="en")
    old_body = old.body

    client = staff_client(staff)
    data = {"kind": "organisation"}
    for language in ("nb", "sv", "en"):
        data[f"title_{language}"] = f"Agreement v2 {language}"
        data[f"body_{language}"] = "## 1. Parties\n\nNew text.\n\n## Annex 2\n\n{{ subprocessors }}"
    assert client.post("/console/dpa/publish", data).status_code == 302

    new = dpa.current_text(kind=DpaKind.ORGANISATION, language="en")
    assert new.version.number == 2
    assert new.title == "Agreement v2 en"
    assert "46elks AB" in new.body
    old.refresh_from_db()
    assert old.body == old_body
    listing = client.get("/console/dpa/versions").content.decode()
    assert f"/console/dpa/versions/{old.pk}" in listing
    assert old.title in client.get(f"/console/dpa/versions/{old.pk}").content.decode()


def test_publishing_needs_every_language_and_staff(staff: User) -> None:
    with pytest.raises(ValidationError):
        dpa.do_publish_version(actor=staff, kind=DpaKind.ORGANISATION, texts={"en": ("T", "B")})
    with pytest.raises(PermissionDenied):
        dpa.do_publish_version(
            actor=User.objects.create_user("+4791000005", "Not Staff"),
            kind=DpaKind.ORGANISATION,
            texts=dict.fromkeys(("nb", "sv", "en"), ("T", "B")),
        )
    assert DpaVersion.objects.filter(kind=DpaKind.ORGANISATION).count() == 1


def test_acceptance_of_an_old_version_is_refused_after_publishing(staff: User, case: OnboardingCase) -> None:
    token = token_of(dpa.do_send_acceptance_link(actor=staff, case=case))
    stale = _accept_data()
    dpa.do_publish_version(
        actor=staff, kind=DpaKind.NO_MUNICIPALITY, texts=dict.fromkeys(("nb", "sv", "en"), ("Titel v2", "Tekst"))
    )
    response = host_client(None).post(f"/dpa/accept/{token}", stale)
    assert response.status_code == 400
    assert not DpaAcceptance.objects.exists()


# --- PDF ---------------------------------------------------------------------------------------


def _accepted(staff: User, case: OnboardingCase) -> DpaAcceptance:
    token = token_of(dpa.do_send_acceptance_link(actor=staff, case=case))
    text = dpa.current_text(kind=DpaKind.NO_MUNICIPALITY, language="nb")
    return dpa.do_accept(
        token=token, full_name="Kari Nordmann", title="Ordfører", text_sha256=text.sha256, ip="192.0.2.7"
    )


def test_pdf_holds_the_text_and_the_acceptance_record(staff: User, case: OnboardingCase) -> None:
    acceptance = _accepted(staff, case)

    content = dpa_pdf(acceptance)

    assert content.startswith(b"%PDF")
    for expected in ("Kari Nordmann", "192.0.2.7", acceptance.text_sha256, "938726027"):
        assert expected.encode() in content
    response = staff_client(staff).get(f"/console/cases/{case.pk}/dpa.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"Kari Nordmann" in response.content


def test_case_without_acceptance_has_no_pdf(staff: User, case: OnboardingCase) -> None:
    assert staff_client(staff).get(f"/console/cases/{case.pk}/dpa.pdf").status_code == 404


def test_texts_are_never_changed_by_acceptance(staff: User, case: OnboardingCase) -> None:
    before = {text.pk: text.sha256 for text in DpaText.objects.all()}
    _accepted(staff, case)
    assert {text.pk: text.sha256 for text in DpaText.objects.all()} == before
    assert re.fullmatch(r"[0-9a-f]{64}", DpaAcceptance.objects.get().text_sha256)
