"""Every write of a tenant's branding: its name, logo, colours and languages, each change audited.

Only the tenant's admins change it. Colours must keep white text readable (WCAG AA, 4.5:1), since
buttons and links are drawn in them; a logo must be a PNG or JPEG of at most 1 MB. Pillow decodes
and re-encodes every logo, so what is stored is a plain picture without metadata (a phone's JPEG
carries the place it was taken) and never a file that only claims to be one.
"""

import math
import uuid
from collections.abc import Callable
from io import BytesIO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile, File
from django.db import transaction
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from core.accounts.models import User
from core.audit.services import record
from core.groups.permissions import check_tenant_admin
from tenants.services import do_set_default_language

from .colours import HEX_COLOUR, MIN_TEXT_CONTRAST, contrast_ratio
from .models import Branding

MAX_LOGO_BYTES = 1024 * 1024
# A logo is shown at 36 px high: anything larger than this is a photograph, or an attack on memory.
MAX_LOGO_PIXELS = 4000 * 4000
# Pillow's format name -> the file extension the logo is stored (and served) under.
LOGO_FORMATS = {"PNG": "png", "JPEG": "jpg"}
MAX_DISPLAY_NAME = 120


def check_colour(colour: str, *, field: str) -> str:
    """The colour as lower-case #rrggbb, if white text on it is readable; ValidationError on `field` otherwise."""
    colour = colour.strip().lower()
    if not HEX_COLOUR.match(colour):
        raise ValidationError({field: _("Give a colour as # and six hex digits, e.g. #0b5394.")})
    ratio = contrast_ratio(colour)
    if ratio < MIN_TEXT_CONTRAST:
        raise ValidationError(
            {
                field: _(
                    "White text on %(colour)s has a contrast of only %(ratio)s:1, and at least %(minimum)s:1 "
                    "is needed so that everyone can read buttons and links. Choose a darker colour."
                )
                % {
                    "colour": colour,
                    # Rounded down, so 4.46 never reads as the 4.5 it falls short of.
                    "ratio": f"{math.floor(ratio * 100) / 100:.2f}",
                    "minimum": f"{MIN_TEXT_CONTRAST:.1f}",
                }
            }
        )
    return colour


def check_languages(languages: list[str], *, default_language: str) -> list[str]:
    """The offered languages in the order Dugnad lists them; the default must be one of them."""
    known = [code for code, _name in settings.LANGUAGES]
    unknown = set(languages) - set(known)
    if unknown:
        raise ValidationError({"languages": _("Choose among the languages Dugnad speaks.")})
    offered = [code for code in known if code in languages]
    if not offered:
        raise ValidationError({"languages": _("Offer at least one language.")})
    if default_language not in offered:
        raise ValidationError({"default_language": _("The default language must be one of the languages offered.")})
    return offered


def clean_logo(upload: File[bytes]) -> tuple[bytes, str]:
    """The logo re-encoded by Pillow, and its extension; ValidationError on "logo" for anything else."""
    not_a_picture = ValidationError({"logo": _("Upload the logo as a PNG or JPEG picture.")})
    if upload.size is not None and upload.size > MAX_LOGO_BYTES:
        raise ValidationError({"logo": _("The logo may be at most 1 MB. Save it smaller and try again.")})
    upload.seek(0)
    data = upload.read(MAX_LOGO_BYTES + 1)
    if len(data) > MAX_LOGO_BYTES:
        raise ValidationError({"logo": _("The logo may be at most 1 MB. Save it smaller and try again.")})
    try:
        with Image.open(BytesIO(data)) as image:
            kind = image.format
            if kind not in LOGO_FORMATS:
                raise not_a_picture
            width, height = image.size
            if width * height > MAX_LOGO_PIXELS:
                raise ValidationError({"logo": _("The logo is too large; 1000 pixels across is plenty.")})
            image.load()
            buffer = BytesIO()
            if kind == "JPEG":
                image.save(buffer, format="JPEG", quality=90)
            else:
                image.save(buffer, format="PNG", optimize=True)
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise not_a_picture from None
    return buffer.getvalue(), LOGO_FORMATS[kind]


def _locked_branding() -> Branding:
    """The schema's one branding row, locked; created with the defaults the first time."""
    row = Branding.objects.select_for_update().order_by("id").first()
    return row if row is not None else Branding.objects.create()


def _forget_file(branding: Branding, name: str) -> None:
    """Delete a replaced logo once the change is committed (a rolled-back change keeps it)."""
    storage = branding.logo.storage
    transaction.on_commit(lambda: storage.delete(name), robust=True)


@transaction.atomic
def do_update_branding(
    *,
    actor: User,
    display_name: str,
    primary_colour: str,
    accent_colour: str,
    languages: list[str],
    default_language: str,
    logo: File[bytes] | None = None,
    remove_logo: bool = False,
) -> Branding:
    """Change how the tenant's site looks and speaks (every field given, as it should end up).

    `logo` replaces the logo; `remove_logo` takes it away; neither keeps it. The default language
    is stored on the tenant itself (tenants.services.do_set_default_language). Any refusal raises
    ValidationError with every field's message and changes nothing.
    """
    check_tenant_admin(actor)
    errors: dict[str, list[str]] = {}
    name = display_name.strip()
    if len(name) > MAX_DISPLAY_NAME:
        errors["display_name"] = [_("Keep the name under %(max)d characters.") % {"max": MAX_DISPLAY_NAME}]
    wanted: dict[str, object] = {"display_name": name}
    checks: dict[str, Callable[[], object]] = {
        "primary_colour": lambda: check_colour(primary_colour, field="primary_colour"),
        "accent_colour": lambda: check_colour(accent_colour, field="accent_colour"),
        "languages": lambda: check_languages(languages, default_language=default_language),
        "logo": lambda: clean_logo(logo) if logo is not None else None,
    }
    for field, check in checks.items():
        try:
            wanted[field] = check()
        except ValidationError as error:
            for where, messages in error.message_dict.items():
                errors.setdefault(where, []).extend(messages)
    if errors:
        raise ValidationError(errors)
    new_logo = wanted.pop("logo")

    branding = _locked_branding()
    changed = [field for field, value in wanted.items() if getattr(branding, field) != value]
    for field in changed:
        setattr(branding, field, wanted[field])
    old_logo = branding.logo.name
    if isinstance(new_logo, tuple):
        data, extension = new_logo
        branding.logo.save(f"logo-{uuid.uuid4().hex}.{extension}", ContentFile(data), save=False)
        changed.append("logo")
    elif remove_logo and old_logo:
        branding.logo = ""
        changed.append("logo")
    if changed:
        branding.save(update_fields=[*changed, "updated_at"])
        record(action="branding.updated", actor=actor, target=branding, data={"fields": sorted(changed)})
        if "logo" in changed and old_logo:
            _forget_file(branding, old_logo)
    do_set_default_language(actor=actor, language=default_language)
    return branding
