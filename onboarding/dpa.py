"""Data-processing agreements: versioned texts, the signatory's acceptance link, oral intent and the Art. 28(9) gate.

GDPR Art. 28(9) requires the agreement in writing (electronic form counts). An oral "yes" is kept
as intent: it lets vendor staff provision the tenant and its admins configure it, but member
sign-ups, campaigns and client records stay closed until the written acceptance exists.
"""

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from tenants.db import current_schema
from tenants.models import Country, Language, Tenant, TenantKind

from .models import (
    DpaAcceptance,
    DpaAcceptanceLink,
    DpaKind,
    DpaOralIntent,
    DpaState,
    DpaText,
    DpaVersion,
    OnboardingCase,
    SubProcessor,
)

SUBPROCESSOR_MARKER = "{{ subprocessors }}"
LANGUAGES = tuple(Language.values)
# Annex 2's column names in the text's own language: the text is hashed as shown, so it is never translated later.
_ANNEX_LABELS = {
    "nb": ("Formål", "Sted", "Overføringsgrunnlag"),
    "sv": ("Ändamål", "Plats", "Överföringsgrund"),
    "en": ("Purpose", "Location", "Transfer basis"),
}


# --- Texts -------------------------------------------------------------------------------------


def text_digest(*, title: str, body: str) -> str:
    """The hash an acceptance refers to: of the title and body exactly as the signatory saw them."""
    return hashlib.sha256(f"{title}\n\n{body}".encode()).hexdigest()


def sub_processor_annex(language: str) -> str:
    """Annex 2 as list lines, from the sub-processors in use."""
    purpose, location, basis = _ANNEX_LABELS.get(language, _ANNEX_LABELS["en"])
    lines = []
    for row in SubProcessor.objects.filter(active=True):
        line = f"- **{row.name}** \u2013 {purpose}: {row.purpose}. {location}: {row.location}."
        if row.transfer_basis:
            line += f" {basis}: {row.transfer_basis}."
        lines.append(line)
    return "\n".join(lines)


def current_version(kind: str) -> DpaVersion:
    return DpaVersion.objects.filter(kind=kind).order_by("-number").first() or _missing(kind)


def _missing(kind: str) -> DpaVersion:
    raise DpaVersion.DoesNotExist(f"no DPA version of kind {kind}")


def current_text(*, kind: str, language: str) -> DpaText:
    """The text of the newest version of `kind` in `language` (English if that language is missing)."""
    version = current_version(kind)
    texts = {text.language: text for text in version.texts.all()}
    text = texts.get(language) or texts.get(Language.ENGLISH) or next(iter(texts.values()), None)
    if text is None:
        raise DpaText.DoesNotExist(f"DPA {version} has no text")
    return text


def dpa_kind_for(case: OnboardingCase) -> DpaKind:
    """Organisations are their own controllers; municipalities get their country's agreement."""
    if case.kind == TenantKind.ORGANISATION:
        return DpaKind.ORGANISATION
    return DpaKind.SE_MUNICIPALITY if case.country == Country.SWEDEN else DpaKind.NO_MUNICIPALITY


def check_vendor_staff(actor: Any) -> None:
    if not (getattr(actor, "is_authenticated", False) and actor.is_staff and actor.is_active):
        raise PermissionDenied(_("Only vendor staff may do this."))


@transaction.atomic
def do_publish_version(*, actor: Any, kind: str, texts: dict[str, tuple[str, str]]) -> DpaVersion:
    """A new version of `kind` with a text in every language; older versions stay as they were."""
    check_vendor_staff(actor)
    errors: dict[str, str] = {}
    if kind not in DpaKind.values:
        errors["kind"] = _("Choose one of the agreements.")
    for language in LANGUAGES:
        title, body = texts.get(language, ("", ""))
        if not title.strip() or not body.strip():
            errors[f"text_{language}"] = _("Give a title and a text in every language.")
    if errors:
        raise ValidationError(errors)
    number = (DpaVersion.objects.filter(kind=kind).aggregate(top=Max("number"))["top"] or 0) + 1
    try:
        with transaction.atomic():
            version = DpaVersion.objects.create(kind=kind, number=number, published_by=actor)
    except IntegrityError as error:
        raise ValidationError({"kind": _("Someone published this agreement at the same time. Try again.")}) from error
    for language in LANGUAGES:
        title, body = texts[language]
        title = title.strip()
        body = body.strip().replace("\r\n", "\n").replace(SUBPROCESSOR_MARKER, sub_processor_annex(language))
        DpaText.objects.create(
            version=version, language=language, title=title, body=body, sha256=text_digest(title=title, body=body)
        )
    return version


# --- The acceptance link -----------------------------------------------------------------------


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def acceptance_url(token: str) -> str:
    """The signatory's link on the public site (https, like the admins' invitations)."""
    return f"https://{settings.BASE_DOMAIN}/dpa/accept/{token}"


@transaction.atomic
def do_send_acceptance_link(*, actor: Any, case: OnboardingCase) -> str:
    """A new single-use, expiring link e-mailed to the signatory; returns the link (its token is stored hashed).

    Earlier unused links of the case expire now: only the newest one works.
    """
    check_vendor_staff(actor)
    if not case.signatory_email:
        raise ValidationError({"signatory_email": _("The case has no signatory e-mail address.")})
    now = timezone.now()
    DpaAcceptanceLink.objects.filter(case=case, used_at__isnull=True, expires_at__gt=now).update(expires_at=now)
    token = secrets.token_urlsafe(32)
    DpaAcceptanceLink.objects.create(
        case=case,
        token_hash=_token_hash(token),
        created_by=actor,
        expires_at=now + timedelta(days=settings.DPA_LINK_VALID_DAYS),
    )
    url = acceptance_url(token)
    with translation.override(case.language):
        subject = _("Data-processing agreement for %(name)s") % {"name": case.name}
        message = _(
            "Hello %(signatory)s,\n\n"
            "Please read the data-processing agreement between %(name)s and Dugnad and accept it "
            "with your name and title at this personal link:\n\n%(url)s\n\n"
            "The link works once and expires in %(days)s days."
        ) % {"signatory": case.signatory_name, "name": case.name, "url": url, "days": settings.DPA_LINK_VALID_DAYS}
    recipient = case.signatory_email
    # The public schema has no outbox: the e-mail leaves only once the link is stored.
    transaction.on_commit(lambda: send_mail(subject, message, None, [recipient]))
    return url


class LinkProblemError(ValueError):
    """Why a link cannot be used; its message is shown to the signatory."""


def link_for_token(token: str, *, lock: bool = False) -> DpaAcceptanceLink:
    """The usable link with this token, or LinkProblemError saying why not (unknown, used or expired)."""
    links = DpaAcceptanceLink.objects.select_related("case")
    if lock:
        links = links.select_for_update(of=("self",))
    link = links.filter(token_hash=_token_hash(token)).first()
    if link is None:
        raise LinkProblemError(_("This link is not valid. Ask your contact at Dugnad for a new one."))
    if link.used_at is not None:
        raise LinkProblemError(_("This link has already been used: the agreement was accepted with it."))
    if link.expires_at <= timezone.now():
        raise LinkProblemError(_("This link has expired. Ask your contact at Dugnad for a new one."))
    return link


@transaction.atomic
def do_accept(*, token: str, full_name: str, title: str, text_sha256: str, ip: str | None) -> DpaAcceptance:
    """The signatory's written acceptance of the exact text they were shown; the link is used up."""
    try:
        link = link_for_token(token, lock=True)
    except LinkProblemError as problem:
        raise ValidationError({"token": str(problem)}) from problem
    case = OnboardingCase.objects.select_for_update().get(pk=link.case_id)
    errors: dict[str, str] = {}
    full_name, title = full_name.strip(), title.strip()
    if not full_name:
        errors["full_name"] = _("Write your full name.")
    if not title:
        errors["title"] = _("Write your title or role.")
    version = current_version(dpa_kind_for(case))
    text = DpaText.objects.filter(version=version, sha256=text_sha256).first()
    if text is None:
        errors["text_sha256"] = _(
            "The agreement changed while you were reading it. Read the current text and accept again."
        )
    if errors or text is None:
        raise ValidationError(errors)
    now = timezone.now()
    acceptance = DpaAcceptance.objects.create(
        case=case, text=text, text_sha256=text.sha256, full_name=full_name, title=title, accepted_at=now, ip=ip
    )
    link.used_at = now
    link.save(update_fields=["used_at"])
    if case.dpa_accepted_at is None:
        case.dpa_accepted_at = now
        case.save(update_fields=["dpa_accepted_at"])
    return acceptance


@transaction.atomic
def do_record_oral_intent(
    *, actor: Any, case: OnboardingCase, given_by: str, given_at: datetime, note: str = ""
) -> DpaOralIntent:
    """An oral "yes": provisioning may start, but it is not the written agreement Art. 28(9) requires."""
    check_vendor_staff(actor)
    given_by = given_by.strip()
    errors: dict[str, str] = {}
    if not given_by:
        errors["given_by"] = _("Write who said yes.")
    if given_at > timezone.now() + timedelta(minutes=5):
        errors["given_at"] = _("The time cannot be in the future.")
    if errors:
        raise ValidationError(errors)
    intent = DpaOralIntent.objects.create(
        case=case, given_by=given_by, given_at=given_at, note=note.strip(), recorded_by=actor
    )
    if case.dpa_intent_at is None:
        case.dpa_intent_at = timezone.now()
        case.save(update_fields=["dpa_intent_at"])
    return intent


# --- Where a case and a tenant stand -----------------------------------------------------------


def dpa_state(case: OnboardingCase) -> DpaState:
    if case.dpa_accepted_at is not None:
        return DpaState.WRITTEN
    if case.dpa_intent_at is not None:
        return DpaState.ORAL_INTENT
    return DpaState.NONE


def can_provision(case: OnboardingCase) -> bool:
    """Oral intent or written acceptance: configuration may start."""
    return dpa_state(case) != DpaState.NONE


def _written_for(**lookup: Any) -> bool:
    # A tenant with no onboarding case predates onboarding (the demo, tenants made with the
    # provision_tenant command): its agreement was made outside Dugnad, so it counts as written.
    row = OnboardingCase.objects.filter(**lookup).values("dpa_accepted_at").first()
    return row is None or row["dpa_accepted_at"] is not None


def tenant_has_written_dpa(tenant: Tenant) -> bool:
    """Whether members, campaigns and client records may open (GDPR Art. 28(9))."""
    return _written_for(tenant=tenant)


def current_tenant_has_written_dpa() -> bool:
    """The same, for the schema the connection is on (what tenant-side services ask)."""
    schema = current_schema()
    if schema == "public":
        return True
    return _written_for(tenant__schema_name=schema)


# --- Reading an acceptance ---------------------------------------------------------------------


def latest_acceptance(case: OnboardingCase) -> DpaAcceptance | None:
    return DpaAcceptance.objects.filter(case=case).select_related("text__version").first()


@dataclass(frozen=True)
class Block:
    kind: str  # "h2", "p" or "ul"
    lines: tuple[str, ...]


def blocks(body: str) -> list[Block]:
    """The markdown-ish body as headings, paragraphs and lists (for the page and the PDF)."""
    result: list[Block] = []
    for chunk in re.split(r"\n\s*\n", body.strip()):
        lines = [line.strip() for line in chunk.strip().splitlines() if line.strip()]
        if not lines:
            continue
        if lines[0].startswith("## "):
            result.append(Block("h2", (lines[0][3:],)))
            lines = lines[1:]
            if not lines:
                continue
        if all(line.startswith("- ") for line in lines):
            result.append(Block("ul", tuple(line[2:] for line in lines)))
        else:
            result.append(Block("p", (" ".join(lines),)))
    return result


def inline_html(text: str) -> SafeString:
    """Escape, then turn **bold** into <strong>."""
    return mark_safe(re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", str(escape(text))))  # noqa: S308  # escaped first


def body_html(body: str) -> SafeString:
    parts: list[str] = []
    for block in blocks(body):
        if block.kind == "h2":
            parts.append(f"<h2>{inline_html(block.lines[0])}</h2>")
        elif block.kind == "ul":
            parts.append("<ul>" + "".join(f"<li>{inline_html(line)}</li>" for line in block.lines) + "</ul>")
        else:
            parts.append(f"<p>{inline_html(block.lines[0])}</p>")
    return mark_safe("\n".join(parts))  # noqa: S308  # every piece escaped by inline_html
