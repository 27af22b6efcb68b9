"""The settings page: branding, languages and request defaults saved together or not at all; categories; the logo."""

from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from core.audit.models import AuditEvent
from core.branding.models import Branding
from core.groups.models import Category
from core.groups.services import do_create_category
from core.requests.models import RequestPolicy
from core.requests.services import policy
from tenants.models import Tenant
from tests.conftest import in_schema
from tests.core.branding.conftest import picture
from tests.core.moderation.conftest import Scene
from tests.web.conftest import web_client
from tests.web.test_manage_site import media_root, no_inline_style_or_script, one_h1, scene, text

pytestmark = pytest.mark.django_db
__all__ = ["media_root", "scene"]

CURRENT: dict[str, Any] = {
    "display_name": "",
    "primary_colour": "#0b5394",
    "primary_colour_picker": "#0b5394",
    "accent_colour": "#1e6b3a",
    "accent_colour_picker": "#1e6b3a",
    "languages": ["nb", "sv", "en"],
    "default_language": "nb",
    "default_open_days": "7",
    "expiry_reminder_hours": "24",
}


def _unchanged(melhus: Tenant) -> None:
    with in_schema(melhus.schema_name):
        assert not Branding.objects.exists()
        assert policy().default_open_days == 7
        assert not AuditEvent.objects.exists()
    assert Tenant.objects.get(pk=melhus.pk).language == "nb"


def test_the_settings_page_shows_every_setting_labelled_and_links_the_agreement(melhus: Tenant, scene: Scene) -> None:
    response = web_client(melhus, scene.admin).get("/manage/settings/")
    page = text(response)

    assert response.status_code == 200
    one_h1(page)
    no_inline_style_or_script(page)
    for field in ("display_name", "logo", "primary_colour", "primary_colour_picker", "default_language"):
        assert f'<label for="id_{field}"' in page, field
    assert 'type="color"' in page
    assert 'enctype="multipart/form-data"' in page
    assert 'href="/settings/dpa"' in page


def test_a_colour_white_text_cannot_be_read_on_is_refused_and_nothing_changes(melhus: Tenant, scene: Scene) -> None:
    # When the admin types a light yellow and switches the default language too
    response = web_client(melhus, scene.admin).post(
        "/manage/settings/",
        {**CURRENT, "primary_colour": "#ffdd55", "default_language": "en", "default_open_days": "3"},
    )

    # Then the page says why, and nothing at all is saved
    assert response.status_code == 400
    assert "White text on #ffdd55 has a contrast of only 1." in text(response)
    assert "at least 4.5:1" in text(response)
    _unchanged(melhus)


def test_a_colour_picked_counts_when_the_text_was_left_alone(melhus: Tenant, scene: Scene) -> None:
    response = web_client(melhus, scene.admin).post("/manage/settings/", {**CURRENT, "accent_colour_picker": "#f0f0f0"})
    assert response.status_code == 400
    assert "White text on #f0f0f0" in text(response)
    _unchanged(melhus)


def test_a_request_default_out_of_range_keeps_the_branding_unsaved_too(melhus: Tenant, scene: Scene) -> None:
    response = web_client(melhus, scene.admin).post(
        "/manage/settings/", {**CURRENT, "primary_colour": "#7a1f2b", "default_open_days": "0"}
    )
    assert response.status_code == 400
    assert "A request stays open for 1 to" in text(response)
    _unchanged(melhus)


def test_a_good_save_changes_the_branding_the_request_policy_and_the_tenants_language(
    melhus: Tenant, scene: Scene
) -> None:
    client = web_client(melhus, scene.admin)

    # When the admin saves a new name, a picked colour, fewer languages, English by default and shorter requests
    response = client.post(
        "/manage/settings/",
        {
            **CURRENT,
            "display_name": "Frivillig i Melhus",
            "primary_colour_picker": "#7a1f2b",
            "languages": ["nb", "en"],
            "default_language": "en",
            "default_open_days": "5",
            "expiry_reminder_hours": "12",
        },
    )

    # Then every part is saved and audited
    assert response.status_code == 302
    assert response["Location"] == "/manage/settings/"
    with in_schema(melhus.schema_name):
        saved = Branding.objects.get()
        current = RequestPolicy.objects.get()
        actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert (saved.display_name, saved.primary_colour, saved.languages) == (
        "Frivillig i Melhus",
        "#7a1f2b",
        ["nb", "en"],
    )
    assert (current.default_open_days, current.expiry_reminder_hours) == (5, 12)
    assert Tenant.objects.get(pk=melhus.pk).language == "en"
    assert actions == {"branding.updated", "request_policy.changed", "tenant.language_changed"}

    # and the theme, the site's name and the language menu follow
    assert "--brand: #7a1f2b" in client.get("/theme.css").content.decode()
    page = text(client.get("/manage/settings/"))
    assert "Frivillig i Melhus" in page
    assert ">Svenska</option>" not in page.split('id="language-choice"')[1]
    # and a visitor who has chosen nothing is now spoken to in English
    from tests.conftest import host_client

    assert host_client(melhus, HTTP_ACCEPT_LANGUAGE="").get("/")["Content-Language"] == "en"


def test_a_logo_is_uploaded_served_and_removed(melhus: Tenant, scene: Scene, media_root: Path) -> None:
    client = web_client(melhus, scene.admin)

    uploaded = client.post("/manage/settings/", {**CURRENT, "logo": SimpleUploadedFile("logo.png", picture())})

    assert uploaded.status_code == 302
    served = web_client(melhus).get("/branding/logo")
    assert served.status_code == 200
    assert served["Content-Type"] == "image/png"
    etag = served["ETag"]
    assert web_client(melhus).get("/branding/logo", HTTP_IF_NONE_MATCH=etag).status_code == 304
    assert 'class="brand-logo"' in text(client.get("/announcements/"))
    (stored,) = media_root.rglob("*.png")
    assert stored.is_relative_to(media_root / melhus.schema_name / "branding")

    removed = client.post("/manage/settings/", {**CURRENT, "remove_logo": "on"})

    assert removed.status_code == 302
    assert web_client(melhus).get("/branding/logo").status_code == 404


def test_a_file_that_is_not_a_picture_is_refused(melhus: Tenant, scene: Scene, media_root: Path) -> None:
    fake = SimpleUploadedFile("logo.png", b"<svg xmlns='http://www.w3.org/2000/svg'/>", content_type="image/png")

    response = web_client(melhus, scene.admin).post("/manage/settings/", {**CURRENT, "logo": fake})

    assert response.status_code == 400
    assert "Upload the logo as a PNG or JPEG picture." in text(response)
    assert not list(media_root.rglob("*.*"))
    assert web_client(melhus).get("/branding/logo").status_code == 404
    _unchanged(melhus)


def test_no_language_or_a_default_not_offered_is_refused(melhus: Tenant, scene: Scene) -> None:
    client = web_client(melhus, scene.admin)
    none = client.post("/manage/settings/", {**CURRENT, "languages": []})
    elsewhere = client.post("/manage/settings/", {**CURRENT, "languages": ["nb"], "default_language": "sv"})
    assert none.status_code == 400
    assert elsewhere.status_code == 400
    assert "The default language must be one of the languages offered." in text(elsewhere)
    _unchanged(melhus)


def test_an_admin_adds_renames_and_removes_categories(
    melhus: Tenant, scene: Scene, django_assert_max_num_queries: Any
) -> None:
    client = web_client(melhus, scene.admin)

    added = client.post("/manage/settings/categories/", {"new-name": "Snømåking"})
    assert added.status_code == 302
    with in_schema(melhus.schema_name):
        category = Category.objects.get()
    assert (category.key, category.name) == ("snomaking", "Snømåking")

    duplicate = client.post("/manage/settings/categories/", {"new-name": "Snømåking"})
    assert duplicate.status_code == 400
    assert "already exists" in text(duplicate)

    renamed = client.post(f"/manage/settings/categories/{category.pk}", {f"{category.pk}-name": "Brøyting"})
    assert renamed.status_code == 302
    with in_schema(melhus.schema_name):
        assert Category.objects.get().name == "Brøyting"
        for n in range(5):
            do_create_category(actor=scene.admin, key=f"k{n}", name=f"Kategori {n}")
    with django_assert_max_num_queries(14):
        listed = text(client.get("/manage/settings/"))
    assert "Kategori 4" in listed

    removed = client.post(f"/manage/settings/categories/{category.pk}/remove")
    assert removed.status_code == 302
    with in_schema(melhus.schema_name):
        assert not Category.objects.filter(pk=category.pk).exists()
        assert AuditEvent.objects.filter(action="category.deleted").count() == 1


def test_leaders_cannot_change_settings_or_categories(melhus: Tenant, scene: Scene) -> None:
    client = web_client(melhus, scene.channel_leader)
    assert client.post("/manage/settings/", {**CURRENT, "primary_colour": "#7a1f2b"}).status_code == 403
    assert client.post("/manage/settings/categories/", {"new-name": "X"}).status_code == 403
    _unchanged(melhus)
