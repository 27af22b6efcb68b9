"""Validation of tenant identifiers: slugs (subdomain and schema) and organisation numbers."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum.no import orgnr as no_orgnr
from stdnum.se import orgnr as se_orgnr

# Subdomains that belong to the platform or to infrastructure, never to a tenant. "platform"
# prefixes the platform cache's keys; "public" is the shared schema.
RESERVED_SLUGS = frozenset(
    {
        "admin",
        "api",
        "app",
        "assets",
        "auth",
        "autoconfig",
        "autodiscover",
        "billing",
        "blog",
        "cdn",
        "console",
        "dashboard",
        "demo-public",
        "dev",
        "docs",
        "dugnad",
        "email",
        "files",
        "ftp",
        "help",
        "imap",
        "localhost",
        "login",
        "mail",
        "media",
        "mx",
        "ns1",
        "ns2",
        "onboarding",
        "platform",
        "pop",
        "pop3",
        "public",
        "root",
        "smtp",
        "sso",
        "stage",
        "staging",
        "static",
        "status",
        "support",
        "system",
        "test",
        "vendor",
        "webmail",
        "www",
    }
)
# A DNS label (RFC 1123) in lower case that PostgreSQL also accepts as a schema name once its
# hyphens become underscores: a letter first, 2-63 characters, no leading/trailing hyphen.
_SLUG_RE = re.compile(r"^[a-z][a-z0-9-]{0,61}[a-z0-9]$")


def check_slug(slug: str) -> str:
    """Return the slug if it can be a tenant's subdomain and schema, else raise ValidationError."""
    if not _SLUG_RE.match(slug or ""):
        raise ValidationError(
            _(
                "Use 2-63 lower-case letters a-z, digits and hyphens, starting with a letter and not "
                "ending with a hyphen."
            ),
            code="invalid_slug",
        )
    if "--" in slug:
        # Reserved for internationalised labels (xn--) and easy to mistype.
        raise ValidationError(_("Two hyphens in a row are not allowed."), code="invalid_slug")
    if slug in RESERVED_SLUGS or slug.startswith("pg-"):
        raise ValidationError(_("%(slug)s is reserved; choose another."), code="reserved_slug", params={"slug": slug})
    return slug


def validate_slug(slug: str) -> None:
    """Model-field validator form of check_slug."""
    check_slug(slug)


def schema_name_for(slug: str) -> str:
    """The PostgreSQL schema of a tenant: its slug with hyphens as underscores (one-to-one)."""
    return slug.replace("-", "_")


def normalize_org_number(country: str, number: str) -> str:
    """Return the organisation number as digits only, or raise ValidationError.

    Norway: 9 digits with a mod-11 check digit. Sweden: 10 digits with a Luhn check digit.
    """
    module = {"NO": no_orgnr, "SE": se_orgnr}.get(country)
    if module is None:
        raise ValidationError(_("Choose Norway or Sweden."), code="invalid_country")
    digits = re.sub(r"[\s-]", "", number or "")
    if country == "NO" and not re.fullmatch(r"\d{9}", digits):
        raise ValidationError(_("A Norwegian organisation number has 9 digits."), code="invalid_org_number")
    if country == "SE" and not re.fullmatch(r"\d{10}", digits):
        raise ValidationError(_("A Swedish organisation number has 10 digits."), code="invalid_org_number")
    if not module.is_valid(digits):
        raise ValidationError(
            _("%(number)s is not a valid organisation number: its check digit does not match."),
            code="invalid_org_number",
            params={"number": number},
        )
    return digits
