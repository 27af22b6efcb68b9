"""Demo content inside a tenant's schema: groups, channels, qualification rules, memberships, clients, requests.

Everything goes through the same services the API uses, so the demo shows real states (an
applicant waiting for a police certificate, a volunteer who signed the declaration, a request
agreed, completed and thanked). Requests of the past are made now through the services and then
moved back in time with plain updates, so the statistics have months to show. Running it again
changes nothing: each step first looks for what it would create.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.db.models import F
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
from core.requests.models import (
    Conversation,
    ConversationKind,
    ConversationMessage,
    HelpRequest,
    Offer,
    OfferStatus,
    RequestState,
)
from core.requests.services import (
    do_accept_offer,
    do_ask_question,
    do_cancel_request,
    do_complete_request,
    do_offer,
    do_post_request,
    do_send_message,
    do_thank_helpers,
)
from core.requests.sweep import do_sweep_requests

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


NURSE, REFUGEE_COUNSELLOR = "+4740000002", "+4740000006"
OLA, TONE, PER = "+4740000003", "+4740000005", "+4740000007"
HOME_CARE_CHANNEL, REFUGEE_CHANNEL = (name for name, _, _ in MELHUS_CHANNELS)


@dataclass(frozen=True)
class DemoRequest:
    """A request and what became of it; `offers` are phones in order, the first one accepted if it got agreed."""

    title: str
    description: str
    channel: str
    poster: str
    category: str
    days_ago: int
    outcome: RequestState
    area: str = "Melhus"
    client: str = ""
    offers: tuple[str, ...] = ()
    # (author's phone, text) in the agreement conversation, or in the question thread of `asker`.
    messages: tuple[tuple[str, str], ...] = ()
    asker: str = ""
    question: tuple[tuple[str, str], ...] = ()
    thanks: str = ""
    cancel_reason: str = ""


MELHUS_REQUESTS = (
    DemoRequest(
        "Følge til tannlegen", "Trenger følge til tannlegen på Melhus sentrum og hjem igjen med drosje.",
        HOME_CARE_CHANNEL, NURSE, "escort", 150, RequestState.COMPLETED, client="Berit Støren", offers=(TONE,),
        thanks="Takk for at du tok deg tid. Berit syntes det var trygt å ha følge.",
    ),
    DemoRequest(
        "Språktrening over en kopp kaffe", "En deltaker vil øve på norsk i hverdagssamtaler, gjerne på biblioteket.",
        REFUGEE_CHANNEL, REFUGEE_COUNSELLOR, "language", 128, RequestState.EXPIRED, area="Gimse",
    ),
    DemoRequest(
        "Bære ved inn før vinteren", "Vedsekkene står ved garasjen og må inn i boden.",
        HOME_CARE_CHANNEL, NURSE, "practical", 110, RequestState.CANCELLED, client="Johan Rønning", area="Kvål",
        cancel_reason="Familien kom på besøk og ordnet det selv.",
    ),
    DemoRequest(
        "Leksehjelp i norsk for 7. klasse", "Hjelp med lesing og skriving en ettermiddag i uka.",
        REFUGEE_CHANNEL, REFUGEE_COUNSELLOR, "homework", 96, RequestState.COMPLETED, area="Gimse", offers=(OLA,),
        thanks="Tusen takk! Leksene gikk mye lettere med deg.",
    ),
    DemoRequest(
        "Følge til fastlegen", "Astrid skal til fastlegen og trenger følge dit og hjem igjen. Hun går med rullator.",
        HOME_CARE_CHANNEL, NURSE, "escort", 75, RequestState.COMPLETED, client="Astrid Bakken", offers=(OLA, TONE),
        messages=(
            (NURSE, "Takk, Ola! Astrid er klar klokka ti. Ring på, så åpner hun."),
            (OLA, "Flott, jeg kommer litt før ti og venter ved inngangen."),
            (NURSE, "Legekontoret vet at hun kommer med følge."),
        ),
        thanks="Tusen takk for følget! Astrid var så glad for selskapet.",
    ),
    DemoRequest(
        "Handle til helgen", "Melk, brød, pålegg og frukt. Handlelista ligger hos Johan.",
        HOME_CARE_CHANNEL, NURSE, "shopping", 55, RequestState.COMPLETED, client="Johan Rønning", area="Kvål",
        offers=(PER,),
    ),
    DemoRequest(
        "Snømåking av innkjørsel", "Innkjørselen må måkes så hjemmetjenesten kommer fram med bilen.",
        HOME_CARE_CHANNEL, NURSE, "practical", 40, RequestState.CANCELLED, client="Berit Støren", area="Lundamo",
        offers=(OLA,), cancel_reason="Brøytebilen tok innkjørselen i dag tidlig, så det trengs ikke lenger.",
    ),
    DemoRequest(
        "Hente resept på apoteket", "Resepten er klar på Apotek 1 på Melhus. Levering hjem til Johan.",
        HOME_CARE_CHANNEL, NURSE, "shopping", 20, RequestState.EXPIRED, client="Johan Rønning", area="Kvål",
    ),
    DemoRequest(
        "Handle matvarer på Coop Gimse", "Ukeshandel etter handleliste, betales med Johans eget kort.",
        HOME_CARE_CHANNEL, NURSE, "shopping", 2, RequestState.AGREED, client="Johan Rønning", area="Gimse",
        offers=(PER, OLA),
        messages=(
            (PER, "Jeg tar med en av beboerne våre og handler torsdag ettermiddag."),
            (NURSE, "Så fint! Johan er hjemme hele dagen."),
        ),
    ),
    DemoRequest(
        "Besøksvenn en time", "Astrid ønsker besøk en time i uka, en prat og kanskje en kort tur.",
        HOME_CARE_CHANNEL, NURSE, "visit", 1, RequestState.OPEN, client="Astrid Bakken", offers=(TONE,),
        asker=OLA,
        question=(
            (OLA, "Går det an å komme på kveldstid, etter jobb?"),
            (NURSE, "Ja, Astrid liker besøk etter middag, gjerne mellom seks og åtte."),
        ),
    ),
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
    """Melhus: two need groups, three resource groups, channels, a declaration, a police-certificate rule, requests."""
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
    seed_melhus_requests()


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


def _move_back(request: HelpRequest, *, days_ago: int) -> None:
    """Move a request made just now, and everything on it, to a plausible day `days_ago` days back.

    The services stamp the current time, so every step would be a few milliseconds apart; here the
    offers come two hours after posting, the agreement after five, completion two days later, so the
    statistics (time to first offer, to agreement) show something a municipality would recognise.
    """
    hour = timedelta(hours=1)
    posted = timezone.now() - timedelta(days=days_ago)
    agreed = posted + 5 * hour if request.agreed_at else None
    closed = None
    if request.state == RequestState.COMPLETED:
        closed = posted + timedelta(days=2)
    elif request.state == RequestState.CANCELLED:
        closed = posted + timedelta(days=1)
    HelpRequest.objects.filter(pk=request.pk).update(
        created_at=posted,
        expires_at=posted + (request.expires_at - request.created_at),
        first_offer_at=posted + 2 * hour if request.first_offer_at else None,
        agreed_at=agreed,
        closed_at=closed,
        state_changed_at=closed or agreed or posted,
        thanked_at=closed + 3 * hour if closed and request.thanked_at else None,
    )
    for index, offer in enumerate(Offer.objects.filter(request=request).order_by("created_at")):
        decided = (
            (closed if offer.status == OfferStatus.DECLINED and not agreed else agreed) if offer.decided_at else None
        )
        Offer.objects.filter(pk=offer.pk).update(
            created_at=posted + 2 * hour + index * timedelta(minutes=30), decided_at=decided
        )
    for conversation in Conversation.objects.filter(request=request):
        start = posted + (6 * hour if conversation.kind == ConversationKind.AGREEMENT else 3 * hour)
        last = None
        for index, message in enumerate(
            ConversationMessage.objects.filter(conversation=conversation).order_by("created_at", "id")
        ):
            last = start + index * timedelta(minutes=25)
            ConversationMessage.objects.filter(pk=message.pk).update(created_at=last)
        Conversation.objects.filter(pk=conversation.pk).update(created_at=start, last_message_at=last)


def _seed_request(spec: DemoRequest) -> HelpRequest:
    poster = _person(spec.poster)
    request = do_post_request(
        actor=poster,
        channel=Channel.objects.get(name=spec.channel),
        title=spec.title,
        description=spec.description,
        category=Category.objects.get(key=spec.category),
        area=spec.area,
        client=Client.objects.get(name=spec.client) if spec.client else None,
    )
    offers = [do_offer(actor=_person(phone), request=request, message="Jeg kan ta dette!") for phone in spec.offers]
    if spec.asker:
        asked = do_ask_question(actor=_person(spec.asker), request=request, body=spec.question[0][1])
        for phone, body in spec.question[1:]:
            do_send_message(actor=_person(phone), conversation=asked.conversation, body=body)
    agreed = spec.outcome in (RequestState.AGREED, RequestState.COMPLETED)
    if agreed:
        # Accepting the first offer agrees the request and declines the others kindly.
        do_accept_offer(actor=poster, offer=offers[0])
        conversation = Conversation.objects.get(request=request, kind=ConversationKind.AGREEMENT)
        for phone, body in spec.messages:
            do_send_message(actor=_person(phone), conversation=conversation, body=body)
    if spec.outcome == RequestState.COMPLETED:
        do_complete_request(actor=poster, request=request)
        if spec.thanks:
            do_thank_helpers(actor=poster, request=request, text=spec.thanks)
    elif spec.outcome == RequestState.CANCELLED:
        do_cancel_request(actor=poster, request=request, reason=spec.cancel_reason)
    request.refresh_from_db()
    _move_back(request, days_ago=spec.days_ago)
    return request


def seed_melhus_requests() -> None:
    """Requests in every state over the past five months, with offers, an agreement chat and a question."""
    created = [
        _seed_request(spec) for spec in MELHUS_REQUESTS if not HelpRequest.objects.filter(title=spec.title).exists()
    ]
    if not created:
        return
    # The old open ones are now past their time: the sweep expires them, as it does every five minutes,
    # and they are dated to the day they closed.
    do_sweep_requests()
    HelpRequest.objects.filter(pk__in=[r.pk for r in created], state=RequestState.EXPIRED).update(
        closed_at=F("expires_at"), state_changed_at=F("expires_at")
    )
