"""Admins change their site's name, logo, colours and languages; what they may not do changes nothing."""

from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from core.accounts.models import User
from core.audit.models import AuditEvent
from core.branding.models import Branding
from core.branding.selectors import branding
from core.branding.services import MAX_LOGO_BYTES, do_update_branding
from tenants.models import Tenant
from tenants.services import do_set_default_language
from tests.conftest import in_schema
from tests.core.branding.conftest import picture
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

GOOD: dict[str, Any] = {
    "display_name": "Melhus frivilligsentral",
    "primary_colour": "#7A1F2B",
    "accent_colour": "#1e6b3a",
    "languages": ["en", "nb"],
    "default_language": "en",
}


@pytest.fixture
def admin(in_melhus: Tenant) -> User:
    return UserFactory.create(is_tenant_admin=True, language="en")


def test_an_admin_changes_the_branding_and_the_default_language_with_audit_rows(in_melhus: Tenant, admin: User) -> None:
    # When an admin saves new branding
    saved = do_update_branding(actor=admin, **GOOD)

    # Then the row holds it, colours in lower case and languages in Dugnad's order
    assert saved.display_name == "Melhus frivilligsentral"
    assert saved.primary_colour == "#7a1f2b"
    assert branding().languages == ["nb", "en"]
    # and the public tenant row speaks English by default
    assert Tenant.objects.get(pk=in_melhus.pk).language == "en"
    # and both changes are in the tenant's audit log, with field names and codes only
    change = AuditEvent.objects.get(action="branding.updated")
    assert change.actor_id == admin.pk
    assert change.data == {"fields": ["display_name", "languages", "primary_colour"]}
    assert AuditEvent.objects.get(action="tenant.language_changed").data == {"from": "nb", "to": "en"}


def test_saving_the_same_branding_again_records_nothing(in_melhus: Tenant, admin: User) -> None:
    do_update_branding(actor=admin, **GOOD)
    do_update_branding(actor=admin, **GOOD)
    assert AuditEvent.objects.filter(action="branding.updated").count() == 1
    assert AuditEvent.objects.filter(action="tenant.language_changed").count() == 1
    assert Branding.objects.count() == 1


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"primary_colour": "#ffcc00"}, "primary_colour", "contrast of only 1.5"),
        ({"accent_colour": "#777777"}, "accent_colour", "only 4.47:1, and at least 4.5:1"),
        ({"primary_colour": "blue"}, "primary_colour", "six hex digits"),
        ({"languages": []}, "languages", "at least one language"),
        ({"languages": ["nb", "de"]}, "languages", "languages Dugnad speaks"),
        ({"default_language": "sv"}, "default_language", "one of the languages offered"),
        ({"display_name": "x" * 121}, "display_name", "under 120 characters"),
    ],
)
def test_what_is_refused_says_why_and_changes_nothing(
    in_melhus: Tenant, admin: User, change: dict[str, Any], field: str, words: str
) -> None:
    with pytest.raises(ValidationError) as refused:
        do_update_branding(actor=admin, **{**GOOD, **change})
    assert words in " ".join(refused.value.message_dict[field])
    assert not Branding.objects.exists()
    assert Tenant.objects.get(pk=in_melhus.pk).language == "nb"
    assert not AuditEvent.objects.exists()


def test_every_refused_field_is_named_at_once(in_melhus: Tenant, admin: User) -> None:
    with pytest.raises(ValidationError) as refused:
        do_update_branding(actor=admin, **{**GOOD, "primary_colour": "#ffffff", "accent_colour": "#eeeeee"})
    assert set(refused.value.message_dict) == {"primary_colour", "accent_colour"}


def test_only_admins_change_the_branding(in_melhus: Tenant) -> None:
    member = UserFactory.create(language="en")
    with pytest.raises(PermissionDenied):
        do_update_branding(actor=member, **GOOD)
    with pytest.raises(PermissionDenied):
        do_set_default_language(actor=member, language="en")
    assert not Branding.objects.exists()
    assert Tenant.objects.get(pk=in_melhus.pk).language == "nb"


def test_a_logo_is_re_encoded_and_stored_in_the_tenants_own_folder(
    in_melhus: Tenant, admin: User, media_root: Path
) -> None:
    # Given a JPEG from a phone, with the place it was taken in its metadata
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    upload = SimpleUploadedFile("logo.jpeg", picture("JPEG", exif=exif.tobytes()), content_type="image/jpeg")

    # When the admin uploads it
    saved = do_update_branding(actor=admin, logo=upload, **GOOD)

    # Then it is stored under Melhus' schema folder, as a JPEG without the metadata
    path = Path(saved.logo.path)
    assert path.is_relative_to(media_root / in_melhus.schema_name / "branding")
    assert path.suffix == ".jpg"
    with Image.open(path) as stored:
        assert stored.format == "JPEG"
        assert not stored.getexif()
    assert "logo" in AuditEvent.objects.get(action="branding.updated").data["fields"]


def test_removing_the_logo_empties_the_field(in_melhus: Tenant, admin: User, media_root: Path) -> None:
    do_update_branding(actor=admin, logo=SimpleUploadedFile("l.png", picture()), **GOOD)
    do_update_branding(actor=admin, remove_logo=True, **GOOD)
    assert not branding().logo


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>", "PNG or JPEG"),
        (b"GIF89a not really", "PNG or JPEG"),
        (b"\x89PNG\r\n\x1a\n broken", "PNG or JPEG"),
        (b"0" * (MAX_LOGO_BYTES + 1), "at most 1 MB"),
    ],
)
def test_anything_but_a_small_png_or_jpeg_is_refused(
    in_melhus: Tenant, admin: User, media_root: Path, content: bytes, words: str
) -> None:
    with pytest.raises(ValidationError) as refused:
        do_update_branding(actor=admin, logo=SimpleUploadedFile("logo.png", content), **GOOD)
    assert words in refused.value.message_dict["logo"][0]
    assert not Branding.objects.exists()
    assert not list(media_root.rglob("*.*"))


def test_a_gif_is_refused_even_when_it_is_a_real_picture(in_melhus: Tenant, admin: User, media_root: Path) -> None:
    buffer = BytesIO()
    Image.new("P", (4, 4)).save(buffer, format="GIF")
    with pytest.raises(ValidationError, match="PNG or JPEG"):
        do_update_branding(actor=admin, logo=SimpleUploadedFile("logo.gif", buffer.getvalue()), **GOOD)


def test_the_default_language_is_the_tenants_own_and_one_dugnad_speaks(melhus: Tenant, red_cross: Tenant) -> None:
    with in_schema(melhus.schema_name):
        admin = UserFactory.create(is_tenant_admin=True)
        with pytest.raises(ValidationError):
            do_set_default_language(actor=admin, language="de")
        do_set_default_language(actor=admin, language="sv")
    assert Tenant.objects.get(pk=melhus.pk).language == "sv"
    assert Tenant.objects.get(pk=red_cross.pk).language == "nb"
    with pytest.raises(ValidationError, match="public site"):
        do_set_default_language(actor=admin, language="en")
