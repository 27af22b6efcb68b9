"""Every user-facing string ships in Norwegian bokmål, Swedish and English; pages speak them."""

import gettext
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import polib
import pytest
from django.conf import settings

from tenants.models import Tenant
from tests.conftest import host_client, in_schema
from tests.factories import UserFactory, api_token_for

ROOT = Path(__file__).resolve().parents[2]
LANGUAGES = [code for code, _name in settings.LANGUAGES]


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalog_is_complete_and_compiled(language: str) -> None:
    po = polib.pofile(str(ROOT / "locale" / language / "LC_MESSAGES" / "django.po"))
    compiled = gettext.GNUTranslations((ROOT / "locale" / language / "LC_MESSAGES" / "django.mo").open("rb"))

    untranslated = [entry.msgid for entry in po if not entry.msgstr and not entry.msgstr_plural]
    fuzzy = [entry.msgid for entry in po if "fuzzy" in entry.flags]
    stale = [entry.msgid for entry in po if entry.msgstr and compiled.gettext(entry.msgid) != entry.msgstr]

    assert untranslated == []
    assert fuzzy == []
    assert stale == [], "run: python manage.py compilemessages"


def test_catalog_holds_every_string_in_the_code() -> None:
    if not shutil.which("xgettext"):
        pytest.fail("xgettext (Debian package gettext) is needed; infra/test installs it")
    with tempfile.TemporaryDirectory() as scratch:
        copy = Path(scratch) / "src"
        shutil.copytree(ROOT, copy, ignore=shutil.ignore_patterns(".venv", ".dev", ".git", "node_modules", "*.mo"))
        subprocess.run(
            [
                sys.executable,
                "manage.py",
                "makemessages",
                "-l",
                "nb",
                "--ignore=tests",
                "--ignore=infra",
                "--ignore=.venv",
                "--ignore=.dev",
                "--no-obsolete",
            ],
            cwd=copy,
            check=True,
            capture_output=True,
            timeout=120,
        )
        fresh = {e.msgid for e in polib.pofile(str(copy / "locale/nb/LC_MESSAGES/django.po"))}
    shipped = {e.msgid for e in polib.pofile(str(ROOT / "locale/nb/LC_MESSAGES/django.po"))}
    assert fresh - shipped == set(), "new strings: run makemessages and translate them"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "expected"),
    [("nb", "Velkommen til"), ("sv", "Välkommen till"), ("en", "Welcome to")],
)
def test_tenant_site_speaks_the_tenants_default_language(melhus: Tenant, language: str, expected: str) -> None:
    melhus.language = language
    melhus.save()
    response = host_client(melhus).get("/", HTTP_ACCEPT_LANGUAGE="de")
    assert expected in response.content.decode()
    assert f'lang="{language}"' in response.content.decode()


@pytest.mark.django_db
def test_a_persons_chosen_language_wins_over_the_tenants(melhus: Tenant) -> None:
    client = host_client(melhus)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "sv"
    assert "Välkommen till" in client.get("/").content.decode()


@pytest.mark.django_db
def test_a_signed_in_persons_saved_language_wins_over_the_tenants(melhus: Tenant) -> None:
    # Given a Swedish-speaking person in the Norwegian municipality, signed in by session
    client = host_client(melhus)
    with in_schema(melhus.schema_name):
        sara = UserFactory.create(language="sv")
        client.force_login(sara)

    # When she opens the site (her feed), then it speaks Swedish
    response = client.get("/", follow=True)
    assert "Hoppa till innehållet" in response.content.decode()
    assert 'lang="sv"' in response.content.decode()
    assert response["Content-Language"] == "sv"

    # ...unless this browser chose another language
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert "Skip to content" in client.get("/", follow=True).content.decode()


@pytest.mark.django_db
def test_api_answers_a_token_holder_in_their_saved_language(melhus: Tenant) -> None:
    # Given a Swedish-speaking member with an API token in a Norwegian tenant
    with in_schema(melhus.schema_name):
        sara = UserFactory.create(language="sv")
        token = api_token_for(sara)
    client = host_client(melhus, HTTP_AUTHORIZATION=f"Token {token}")

    # When her app sends bad input, then the error comes back in Swedish
    response = client.post("/api/v1/invitations/accept/", {"token": "not-a-real-token"})

    assert response.status_code == 400
    assert response["Content-Language"] == "sv"
    assert response.json()["token"][0].startswith("Inbjudningslänken gäller inte.")


@pytest.mark.django_db
def test_public_site_follows_the_browser() -> None:
    assert "Hjälp från människor" in host_client(None).get("/", HTTP_ACCEPT_LANGUAGE="sv").content.decode()
    assert "Hjelp fra folk" in host_client(None).get("/", HTTP_ACCEPT_LANGUAGE="nb").content.decode()
