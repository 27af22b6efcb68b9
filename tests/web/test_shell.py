"""The web app's shell: start page, security headers, theme, language choice, menus by role."""

import pytest
from django.conf import settings

from core.accounts.models import User
from core.branding.models import Branding
from core.groups.models import Role
from tenants.models import Tenant
from tests.conftest import host_client, in_schema
from tests.factories import UserFactory
from tests.web.conftest import web_client

pytestmark = pytest.mark.django_db


def test_a_visitor_gets_a_welcome_with_the_way_to_log_in(melhus: Tenant) -> None:
    response = web_client(melhus).get("/")
    page = response.content.decode()
    assert response.status_code == 200
    assert "Welcome to Melhus kommune on Dugnad" in page
    assert "/accounts/login/" in page


def test_pages_forbid_inline_scripts_and_foreign_origins(melhus: Tenant) -> None:
    policy = host_client(melhus).get("/")["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert "unsafe-inline" not in policy
    assert "unsafe-eval" not in policy


def test_the_api_docs_work_under_the_policy_without_inline_script(melhus: Tenant) -> None:
    page = host_client(melhus).get("/api/docs/").content.decode()
    assert "<script>" not in page.replace(" ", "")


def test_cookies_stay_on_the_tenants_host_and_out_of_scripts(melhus: Tenant) -> None:
    client = host_client(melhus)
    client.get("/accounts/login/")
    csrf = client.cookies[settings.CSRF_COOKIE_NAME]
    assert csrf["domain"] == ""
    assert csrf["httponly"] is True
    assert settings.SESSION_COOKIE_DOMAIN is None
    assert settings.SESSION_COOKIE_HTTPONLY is True


def test_each_tenant_gets_its_own_colours(melhus: Tenant, red_cross: Tenant) -> None:
    with in_schema(melhus.schema_name):
        Branding.objects.create(primary_colour="#123456")
    assert "--brand: #123456" in host_client(melhus).get("/theme.css").content.decode()
    assert "#123456" not in host_client(red_cross).get("/theme.css").content.decode()


def test_a_person_chooses_a_language_and_keeps_it(melhus: Tenant) -> None:
    with in_schema(melhus.schema_name):
        kari = UserFactory.create(language="nb")
    client = web_client(melhus, kari)
    response = client.post("/language", {"language": "sv", "next": "/"})
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "sv"
    with in_schema(melhus.schema_name):
        assert User.objects.get(pk=kari.pk).language == "sv"


def test_a_language_the_tenant_does_not_offer_changes_nothing(melhus: Tenant) -> None:
    with in_schema(melhus.schema_name):
        Branding.objects.create(languages=["nb", "en"])
    client = host_client(melhus)
    response = client.post("/language", {"language": "sv", "next": "https://evil.example/"})
    assert response["Location"] == "/"
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies


def test_an_unknown_page_says_so_in_the_tenants_layout(melhus: Tenant) -> None:
    response = web_client(melhus).get("/no-such-page")
    assert response.status_code == 404
    assert "We could not find that page" in response.content.decode()


def test_the_public_site_still_has_its_own_404() -> None:
    response = host_client(None).get("/no-such-page")
    assert response.status_code == 404
    assert "We could not find that page" in response.content.decode()


def test_the_menu_follows_the_role(melhus: Tenant) -> None:
    from core.web.nav import MANAGE, _allowed
    from core.web.roles import Roles

    member = Roles(authenticated=True)
    leader = Roles(authenticated=True, leader=True)
    admin = Roles(authenticated=True, admin=True)
    assert not [e for e in MANAGE if _allowed(e, member)]
    assert {e.name for e in MANAGE if _allowed(e, leader)} >= {"dashboard", "manage-applicants", "moderation"}
    assert "audit" not in {e.name for e in MANAGE if _allowed(e, leader)}
    # Leaders read the channels and requirements their groups have; only admins change them.
    assert {e.name for e in MANAGE if _allowed(e, leader)} >= {"manage-channels", "manage-requirements"}
    assert "settings" not in {e.name for e in MANAGE if _allowed(e, leader)}
    assert {e.name for e in MANAGE if _allowed(e, admin)} >= {"audit", "settings", "manage-channels"}
    assert Role.LEADER  # roles come from approved memberships (tests/web/test_roles.py)


def test_the_language_switcher_returns_to_the_page_it_was_on_without_echoing_its_path(melhus: Tenant) -> None:
    client = web_client(melhus)
    page = client.get("/no-such-page-3f2a").content.decode()
    assert "no-such-page-3f2a" not in page  # the form carries no copy of the URL
    back = client.post("/language", {"language": "nb"}, HTTP_REFERER="http://melhus.localhost/groups/")
    assert back["Location"] == "http://melhus.localhost/groups/"
    elsewhere = client.post("/language", {"language": "nb"}, HTTP_REFERER="http://red-cross.localhost/groups/")
    assert elsewhere["Location"] == "/"
