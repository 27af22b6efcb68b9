"""The public site on the bare domain: its pages in three languages and the spam-resistant get-started form."""

import time
from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from django.test import Client, override_settings

from onboarding.forms import issue_form_token
from onboarding.models import DpaKind, DpaText, DpaVersion, Lead, SubProcessor
from onboarding.services import LEAD_LIMIT_PER_IP
from tenants.models import Tenant
from tests.conftest import host_client

pytestmark = pytest.mark.django_db

PAGES = (
    "/",
    "/how-it-works/municipalities/",
    "/how-it-works/organisations/",
    "/sub-processors/",
    "/dpa/",
    "/get-started/",
    "/get-started/thanks/",
)


def _public(language: str = "en", ip: str = "192.0.2.10") -> Client:
    return host_client(None, HTTP_ACCEPT_LANGUAGE=language, REMOTE_ADDR=ip)


def _valid_lead(**overrides: Any) -> dict[str, Any]:
    data = {
        "kind": "municipality",
        "name": "Gjøvik kommune",
        "country": "NO",
        "org_number": "938 726 027",
        "contact_name": "Kari Prosjektleder",
        "contact_email": "kari@example.org",
        "contact_phone": "912 34 567",
        "message": "We would like to start before the winter.",
        "website": "",
        # Shown ten seconds ago: a person, not a script.
        "started": _shown_ago(10),
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize("language", ["nb", "sv", "en"])
@pytest.mark.parametrize("path", PAGES)
def test_every_public_page_renders_in_each_language(path: str, language: str) -> None:
    response = _public(language).get(path)

    assert response.status_code == 200
    assert response["Content-Language"] == language
    assert f'<html lang="{language}">' in response.content.decode()


@pytest.mark.parametrize("path", [page for page in PAGES if page != "/"])
def test_the_public_pages_do_not_exist_on_a_tenant_host(path: str, melhus: Tenant) -> None:
    assert host_client(melhus).get(path).status_code == 404


def test_the_language_switcher_sets_the_language_of_the_next_page() -> None:
    client = _public("en")

    response = client.post("/i18n/setlang/", {"language": "sv", "next": "/get-started/"})

    assert response.status_code == 302
    assert response["Location"] == "/get-started/"
    assert client.get("/get-started/")["Content-Language"] == "sv"


def test_sub_processors_lists_the_active_ones_only() -> None:
    SubProcessor.objects.create(name="Nordic Hosting AS", purpose="Hosting", location="Norway", position=1)
    SubProcessor.objects.create(name="Old Mail Ltd", purpose="E-mail", location="Ireland", active=False)

    page = _public().get("/sub-processors/").content.decode()

    assert "Nordic Hosting AS" in page
    assert "Old Mail Ltd" not in page


def test_sub_processors_page_says_so_when_the_list_is_empty() -> None:
    SubProcessor.objects.all().delete()

    page = _public().get("/sub-processors/").content.decode()

    assert "No sub-processors are listed yet." in page


def test_dpa_page_shows_the_newest_version_in_the_visitors_language() -> None:
    old = DpaVersion.objects.create(kind=DpaKind.ORGANISATION, number=901)
    new = DpaVersion.objects.create(kind=DpaKind.ORGANISATION, number=902)
    DpaText.objects.create(version=old, language="sv", title="Gammalt avtal", body="Gammal text", sha256="0" * 64)
    DpaText.objects.create(
        version=new, language="sv", title="Nytt avtal", body="## Parter\n\nNy **text**-7f3a", sha256="1" * 64
    )
    DpaText.objects.create(version=new, language="en", title="New agreement", body="English-7f3a", sha256="2" * 64)

    page = _public("sv").get("/dpa/").content.decode()

    # The agreement's light markup becomes headings and emphasis, not literal asterisks.
    assert "<h2>Parter</h2>" in page
    assert "Ny <strong>text</strong>-7f3a" in page
    assert "Gammal text" not in page
    assert "English-7f3a" not in page


def test_a_valid_form_creates_a_lead_and_tells_vendor_staff(
    django_capture_on_commit_callbacks: Any,
) -> None:
    with (
        override_settings(VENDOR_NOTIFICATION_EMAIL="sales@example.org"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = _public("sv").post("/get-started/", _valid_lead())

    assert response.status_code == 302
    assert response["Location"] == "/get-started/thanks/"
    lead = Lead.objects.get()
    assert (lead.name, lead.org_number, lead.contact_phone) == ("Gjøvik kommune", "938726027", "+4791234567")
    assert lead.language == "sv"
    assert [message.to for message in mail.outbox] == [["sales@example.org"]]
    assert "Gjøvik kommune" in mail.outbox[0].subject


def test_a_swedish_organisation_number_is_checked_for_sweden() -> None:
    response = _public().post(
        "/get-started/", _valid_lead(kind="organisation", country="SE", org_number="212000-0142", contact_phone="")
    )

    assert response.status_code == 302
    assert Lead.objects.get().org_number == "2120000142"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"org_number": "938726028"}, "org_number"),
        ({"country": "SE"}, "org_number"),
        ({"name": ""}, "name"),
        ({"contact_email": "not-an-address"}, "contact_email"),
        ({"contact_name": ""}, "contact_name"),
        ({"contact_phone": "12"}, "contact_phone"),
        ({"kind": "company"}, "kind"),
    ],
)
def test_bad_input_gets_field_errors_and_stores_nothing(overrides: dict[str, str], field: str) -> None:
    response = _public().post("/get-started/", _valid_lead(**overrides))

    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert 'role="alert"' in response.content.decode()
    assert not Lead.objects.exists()
    assert not mail.outbox


def _shown_ago(seconds: float) -> str:
    return issue_form_token(issued_at=time.time() - seconds)


def test_a_person_sees_every_mistake_at_once() -> None:
    response = _public().post("/get-started/", _valid_lead(name="", org_number="123", contact_email="nope"))

    assert set(response.context["form"].errors) == {"name", "org_number", "contact_email"}
    assert not Lead.objects.exists()


@pytest.mark.parametrize(
    "overrides",
    [
        lambda: {"website": "http://spam.example"},
        lambda: {"started": _shown_ago(0.5)},
        lambda: {"started": _shown_ago(2 * 24 * 60 * 60)},
        lambda: {"started": "forged-token"},
        lambda: {"started": ""},
    ],
    ids=["honeypot", "too-fast", "expired", "forged", "missing"],
)
def test_a_bot_gets_the_same_thank_you_and_nothing_is_stored(overrides: Callable[[], dict[str, str]]) -> None:
    response = _public().post("/get-started/", _valid_lead(**overrides()))

    assert response.status_code == 302
    assert response["Location"] == "/get-started/thanks/"
    assert not Lead.objects.exists()
    assert not mail.outbox


def test_one_ip_is_limited_to_a_few_leads_per_hour() -> None:
    client = _public(ip="198.51.100.7")
    for _ in range(LEAD_LIMIT_PER_IP):
        client.post("/get-started/", _valid_lead())
    assert Lead.objects.count() == LEAD_LIMIT_PER_IP

    response = client.post("/get-started/", _valid_lead(name="One too many"))

    assert response["Location"] == "/get-started/thanks/"
    assert Lead.objects.count() == LEAD_LIMIT_PER_IP
    assert not Lead.objects.filter(name="One too many").exists()
    # Another address is not affected.
    assert _public(ip="198.51.100.8").post("/get-started/", _valid_lead()).status_code == 302
    assert Lead.objects.count() == LEAD_LIMIT_PER_IP + 1


def test_mistakes_do_not_count_towards_the_limit() -> None:
    client = _public(ip="198.51.100.9")
    for _ in range(LEAD_LIMIT_PER_IP + 2):
        client.post("/get-started/", _valid_lead(org_number="123"))

    client.post("/get-started/", _valid_lead())

    assert Lead.objects.count() == 1


def test_the_form_has_a_label_for_every_field_and_a_hidden_honeypot() -> None:
    page = _public().get("/get-started/").content.decode()

    for name in ("name", "country", "org_number", "contact_name", "contact_email", "contact_phone", "message"):
        assert f'for="id_{name}"' in page
    assert 'class="visually-hidden"' in page
    assert 'name="started"' in page
    assert "style=" not in page
