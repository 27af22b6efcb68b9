"""How a tenant's site looks and speaks: display name, logo, colours and the languages it offers.

One row per tenant schema (the schema is the tenant). The legal name and the default language stay
on the public Tenant row; this is what the tenant's own admins change on their settings page.
"""

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

hex_colour = RegexValidator(r"^#[0-9a-fA-F]{6}$", _("Give a colour as # and six hex digits, e.g. #0b5394."))

DEFAULT_PRIMARY = "#0b5394"
DEFAULT_ACCENT = "#1e6b3a"


def all_languages() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


class Branding(models.Model):
    id = models.BigAutoField(primary_key=True)
    display_name = models.CharField(_("display name"), max_length=120, blank=True)
    logo = models.ImageField(_("logo"), upload_to="branding/", blank=True)
    primary_colour = models.CharField(
        _("primary colour"), max_length=7, default=DEFAULT_PRIMARY, validators=[hex_colour]
    )
    accent_colour = models.CharField(_("accent colour"), max_length=7, default=DEFAULT_ACCENT, validators=[hex_colour])
    # The languages people may choose on this tenant's site, in settings.LANGUAGES codes.
    languages = models.JSONField(_("languages offered"), default=all_languages)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("branding")
        verbose_name_plural = _("branding")

    def __str__(self) -> str:
        return self.display_name or str(_("branding"))
