"""Demo content inside a tenant's schema: groups, channels, qualification rules, memberships, clients.

Everything goes through the same services the API uses, so the demo shows real states (an
applicant waiting for a police certificate, a volunteer who signed the declaration). Running it
again changes nothing: each step first looks for what it would create.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from core.accounts.models import User
from core.clients.models import Client, ConsentMethod
from core.clients.services import do_create_client
from core.groups.models import Category, Channel, Group, JoinPolicy, Membership, MembershipStatus, Purpose, Role
from core.groups.services import (
    do_apply,
    do_approve_membership,
    do_create_category,
    do_create_channel,
    do_create_group,
    do_set_role,
)
from core.qualification.models import Declaration, LegalBasis, Requirement, RequirementKind
from core.qualification.services import do_add_requirement, do_create_declaration, do_sign_declaration

CATEGORIES = (
    ("escort", "Følge til lege og tannlege"),
    ("shopping", "Handling"),
    ("visit", "Besøk og samtale"),
    ("practical", "Praktisk hjelp (snømåking, hage)"),
    ("homework", "Leksehjelp"),
    ("language", "Språktrening"),
)

DECLARATION_TITLE = "Taushetserklæring for frivillige"
DECLARATION_TEXT = (
    "Jeg bekrefter at jeg har taushetsplikt om alt jeg får vite om personlige forhold når jeg hjelper "
    "gjennom Melhus kommune, jf. forvaltningsloven § 13 og helsepersonelloven § 21 der den gjelder. "
    "Taushetsplikten gjelder også etter at jeg har sluttet som frivillig. Jeg deler ikke opplysninger, "
    "bilder eller adresser med andre, verken muntlig, skriftlig eller i sosiale medier."
)


@dataclass(frozen=True)
class DemoGroup:
    name: str
    purpose: Purpose
    description: str
    welcome_text: str
    categories: tuple[str, ...]
    join_policy: JoinPolicy = JoinPolicy.APPROVAL
    declaration: bool = False


MELHUS_GROUPS = (
    DemoGroup(
        "Hjemmetjenesten",
        Purpose.NEED,
        "Hjemmesykepleien og praktisk bistand i Melhus. Ansatte legger ut oppdrag på vegne av brukere.",
        "Velkommen! Du kan nå legge ut oppdrag på vegne av brukerne dine.",
        ("escort", "shopping", "visit", "practical"),
    ),
    DemoGroup(
        "Flyktningtjenesten",
        Purpose.NEED,
        "Flyktningtjenesten i Melhus. Ansatte ber om leksehjelp, språktrening og følge.",
        "Velkommen! Du kan nå legge ut oppdrag på vegne av deltakerne dine.",
        ("escort", "homework", "language"),
    ),
    DemoGroup(
        "Frivilligsentralen",
        Purpose.RESOURCE,
        "Frivillige som hjelper innbyggere med følge, handling, besøk og praktiske oppgaver.",
        "Takk for at du vil hjelpe! Du får beskjed når noen trenger deg.",
        ("escort", "shopping", "visit", "practical"),
        declaration=True,
    ),
    DemoGroup(
        "Idrettsveien bofellesskap",
        Purpose.RESOURCE,
        "Ansatte i bofellesskapet svarer på oppdrag sammen med beboerne de følger.",
        "Velkommen! Dere kan svare på oppdrag på vegne av beboerne.",
        ("shopping", "practical"),
        declaration=True,
    ),
    DemoGroup(
        "Leksehjelp",
        Purpose.RESOURCE,
        "Frivillige som gir leksehjelp og språktrening til barn og unge.",
        "Takk! Husk politiattesten når du møter barn og unge.",
        ("homework", "language"),
        declaration=True,
    ),
)

MELHUS_CHANNELS = (
    ("Hjemmetjenesten → frivillige", ("Hjemmetjenesten",), ("Frivilligsentralen", "Idrettsveien bofellesskap")),
    ("Flyktningtjenesten → leksehjelp og frivillige", ("Flyktningtjenesten",), ("Leksehjelp", "Frivilligsentralen")),
)

# (phone, group, role, signs the declaration first, approved)
MELHUS_MEMBERSHIPS = (
    ("+4740000002", "Hjemmetjenesten", Role.STAFF, False, True),
    ("+4740000006", "Flyktningtjenesten", Role.STAFF, False, True),
    ("+4740000005", "Frivilligsentralen", Role.LEADER, True, True),
    ("+4740000003", "Frivilligsentralen", Role.MEMBER, True, True),
    ("+4740000007", "Idrettsveien bofellesskap", Role.STAFF, True, True),
    # Waits for the leader: the police certificate has not been shown yet.
    ("+4740000003", "Leksehjelp", Role.MEMBER, True, False),
    # Waits for the leader: has not signed the declaration yet.
    ("+46701740605", "Frivilligsentralen", Role.MEMBER, False, False),
)

# (name, phone, address, notes, how consent was given, days ago)
MELHUS_CLIENTS = (
    ("Astrid Bakken", "+4740000101", "Gimsøyvegen 12, 7224 Melhus", "Går med rullator. Ring på før du går inn.",
     ConsentMethod.WRITTEN, 30),
    ("Johan Rønning", "+4740000102", "Brekkåsen 3, 7228 Kvål", "Hører dårlig: snakk tydelig.",
     ConsentMethod.VERBAL, 12),
    ("Berit Støren", "", "Lundamo sentrum 5, 7232 Lundamo", "Datter er kontaktperson.",
     ConsentMethod.REPRESENTATIVE, 5),
)  # fmt: skip


def _person(phone: str) -> User:
    return User.objects.get(phone=phone)


def _make_first_admin(user: User) -> None:
    # A tenant's first admin is set by whoever provisions it, not by another admin.
    if not user.is_tenant_admin:
        user.is_tenant_admin = True
        user.save(update_fields=["is_tenant_admin"])


def _membership(admin: User, user: User, group: Group, role: Role, *, sign: bool, approve: bool) -> None:
    if sign:
        declaration = Declaration.objects.get(title=DECLARATION_TITLE)
        version = declaration.versions.order_by("-number").first()
        assert version is not None  # noqa: S101 - created with the declaration
        do_sign_declaration(user=user, version=version, full_name=user.name, consent=True, text_sha256=version.sha256)
    membership = Membership.objects.filter(user=user, group=group).first()
    if membership is None:
        membership = do_apply(user=user, group=group)
    if approve and membership.status != MembershipStatus.APPROVED:
        membership = do_approve_membership(actor=admin, membership=membership)
    if approve and membership.role != role:
        do_set_role(actor=admin, membership=membership, role=role)


@transaction.atomic
def seed_melhus(*, admin_phone: str) -> None:
    """Melhus: two need groups, three resource groups, channels, a declaration, a police-certificate rule."""
    admin = _person(admin_phone)
    _make_first_admin(admin)
    for position, (key, name) in enumerate(CATEGORIES):
        if not Category.objects.filter(key=key).exists():
            do_create_category(actor=admin, key=key, name=name, position=position)
    if not Declaration.objects.filter(title=DECLARATION_TITLE).exists():
        do_create_declaration(actor=admin, title=DECLARATION_TITLE, text=DECLARATION_TEXT)
    declaration = Declaration.objects.get(title=DECLARATION_TITLE)
    for spec in MELHUS_GROUPS:
        group = Group.objects.filter(name=spec.name).first()
        if group is None:
            group = do_create_group(
                actor=admin,
                name=spec.name,
                purpose=spec.purpose,
                description=spec.description,
                join_policy=spec.join_policy,
                welcome_text=spec.welcome_text,
                categories=Category.objects.filter(key__in=spec.categories),
                area="Melhus",
            )
        if spec.declaration and not Requirement.objects.filter(group=group, kind=RequirementKind.DECLARATION).exists():
            do_add_requirement(actor=admin, group=group, kind=RequirementKind.DECLARATION, declaration=declaration)
    leksehjelp = Group.objects.get(name="Leksehjelp")
    if not Requirement.objects.filter(group=leksehjelp, kind=RequirementKind.POLICE_CERTIFICATE).exists():
        do_add_requirement(
            actor=admin,
            group=leksehjelp,
            kind=RequirementKind.POLICE_CERTIFICATE,
            legal_basis=LegalBasis.MINORS,
            validity_months=36,
        )
    for name, publishing, answering in MELHUS_CHANNELS:
        if not Channel.objects.filter(name=name).exists():
            do_create_channel(
                actor=admin,
                name=name,
                publishing_groups=Group.objects.filter(name__in=publishing),
                answering_groups=Group.objects.filter(name__in=answering),
            )
    for phone, group_name, role, sign, approve in MELHUS_MEMBERSHIPS:
        _membership(admin, _person(phone), Group.objects.get(name=group_name), role, sign=sign, approve=approve)
    nurse = _person("+4740000002")
    home_care = Group.objects.get(name="Hjemmetjenesten")
    today = timezone.localdate()
    for name, phone, address, notes, consent, days_ago in MELHUS_CLIENTS:
        if not Client.objects.filter(name=name).exists():
            do_create_client(
                actor=nurse,
                group=home_care,
                name=name,
                phone=phone,
                address=address,
                notes=notes,
                consent_method=consent,
                consent_date=today - timedelta(days=days_ago),
            )


@transaction.atomic
def seed_red_cross(*, admin_phone: str) -> None:
    """Melhus Røde Kors: its own visiting-friends group, led by its group leader."""
    admin = _person(admin_phone)
    _make_first_admin(admin)
    group = Group.objects.filter(name="Besøksvenn").first()
    if group is None:
        group = do_create_group(
            actor=admin,
            name="Besøksvenn",
            purpose=Purpose.OPEN,
            description="Besøksvenner i Røde Kors besøker eldre og ensomme i Melhus.",
            welcome_text="Velkommen som besøksvenn!",
            area="Melhus",
        )
    _membership(admin, admin, group, Role.LEADER, sign=False, approve=True)
    _membership(admin, _person("+4740000003"), group, Role.MEMBER, sign=False, approve=True)
