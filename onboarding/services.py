"""Writes of the onboarding domain in the public schema: leads from the public "get started" form."""

import logging

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from core.accounts.phone import normalize_phone
from onboarding import ratelimit
from onboarding.models import Lead
from tenants.models import Country, Language, TenantKind
from tenants.validators import normalize_org_number

logger = logging.getLogger(__name__)

# Leads one client IP may send per window; a municipality's office behind one address rarely sends two.
LEAD_LIMIT_PER_IP = 5
LEAD_LIMIT_WINDOW_SECONDS = 60 * 60


def _lead_rate_key(ip: str) -> str:
    return f"onboarding:lead-ip:{ip}"


def take_lead_slot(*, ip: str | None) -> bool:
    """Count one lead from `ip` in the platform cache; False once the IP has used up its window."""
    if not ip:
        return True
    return ratelimit.take(_lead_rate_key(ip), window_seconds=LEAD_LIMIT_WINDOW_SECONDS) <= LEAD_LIMIT_PER_IP


def check_lead(
    *, kind: str, name: str, org_number: str, country: str, contact_name: str, contact_email: str, contact_phone: str
) -> tuple[str, str]:
    """Validate a lead's fields; return the normalised (org_number, contact_phone) or raise ValidationError."""
    errors: dict[str, str] = {}
    if kind not in TenantKind.values:
        errors["kind"] = _("Choose municipality or organisation.")
    if not name.strip():
        errors["name"] = _("Enter the name of the municipality or organisation.")
    if not contact_name.strip():
        errors["contact_name"] = _("Enter the name of the contact person.")
    if not contact_email.strip():
        errors["contact_email"] = _("Enter an e-mail address.")
    digits = ""
    if country not in Country.values:
        errors["country"] = _("Choose Norway or Sweden.")
    else:
        try:
            digits = normalize_org_number(country, org_number)
        except ValidationError as error:
            errors["org_number"] = error.messages[0]
    phone = ""
    if contact_phone.strip():
        try:
            phone = normalize_phone(contact_phone, region=country if country in Country.values else "NO")
        except ValidationError as error:
            errors["contact_phone"] = error.messages[0]
    if errors:
        raise ValidationError(errors)
    return digits, phone


def _notify_vendor_staff(lead: Lead) -> None:
    """E-mail vendor staff about a new lead. The public schema has no outbox: Django's mail, after commit."""
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("New lead: %(name)s") % {"name": lead.name}
        lines = [
            _("A new lead arrived through the get-started form."),
            "",
            f"{_('Kind')}: {lead.get_kind_display()}",
            f"{_('Name')}: {lead.name}",
            f"{_('Organisation number')}: {lead.org_number}",
            f"{_('Country')}: {lead.get_country_display()}",
            f"{_('Contact person')}: {lead.contact_name}",
            f"{_('E-mail')}: {lead.contact_email}",
            f"{_('Phone')}: {lead.contact_phone or '-'}",
            f"{_('Language')}: {lead.get_language_display()}",
            "",
            lead.message,
        ]
    try:
        send_mail(subject, "\n".join(lines).strip() + "\n", None, [settings.VENDOR_NOTIFICATION_EMAIL])
    except Exception:
        # The lead is stored and listed in the console; a mail server being down must not lose it.
        logger.exception("could not e-mail vendor staff about lead %s", lead.pk)


@transaction.atomic
def do_create_lead(
    *,
    kind: str,
    name: str,
    org_number: str,
    country: str,
    contact_name: str,
    contact_email: str,
    contact_phone: str = "",
    message: str = "",
    language: str = Language.BOKMAL,
) -> Lead:
    """Store a lead for vendor staff and e-mail them once it is committed."""
    digits, phone = check_lead(
        kind=kind,
        name=name,
        org_number=org_number,
        country=country,
        contact_name=contact_name,
        contact_email=contact_email,
        contact_phone=contact_phone,
    )
    lead = Lead(
        kind=kind,
        name=name.strip(),
        org_number=digits,
        country=country,
        contact_name=contact_name.strip(),
        contact_email=contact_email.strip(),
        contact_phone=phone,
        message=message.strip(),
        language=language if language in Language.values else Language.BOKMAL,
    )
    lead.full_clean()
    lead.save()
    transaction.on_commit(lambda: _notify_vendor_staff(lead))
    return lead
