"""Default groups and channels a new tenant starts with, per template and in the tenant's language.

These names are data written into the tenant's schema once, in the tenant's own language; they
are not interface strings, so they are not in the gettext catalogue. The admin renames them freely.
"""

from dataclasses import dataclass

from core.groups.models import JoinPolicy, Purpose


@dataclass(frozen=True)
class GroupSpec:
    key: str
    purpose: str
    join_policy: str
    name: dict[str, str]
    description: dict[str, str]


@dataclass(frozen=True)
class ChannelSpec:
    name: dict[str, str]
    publishing: tuple[str, ...]
    answering: tuple[str, ...]


@dataclass(frozen=True)
class Template:
    groups: tuple[GroupSpec, ...]
    channels: tuple[ChannelSpec, ...]


TEMPLATES: dict[str, Template] = {
    "crisis": Template(
        groups=(
            GroupSpec(
                key="risk",
                purpose=Purpose.NEED,
                join_policy=JoinPolicy.INVITATION,
                name={
                    "nb": "Hjemmetjenesten og risikogrupper",
                    "sv": "Hemtjänsten och riskgrupper",
                    "en": "Home care and people at risk",
                },
                description={
                    "nb": "Ansatte legger ut oppdrag for personer i karantene eller risikogruppe.",
                    "sv": "Personal lägger ut uppdrag för personer i karantän eller riskgrupp.",
                    "en": "Staff post requests for people in quarantine or at risk.",
                },
            ),
            GroupSpec(
                key="volunteers",
                purpose=Purpose.RESOURCE,
                join_policy=JoinPolicy.APPROVAL,
                name={"nb": "Koronafrivillige", "sv": "Coronavolontärer", "en": "Corona volunteers"},
                description={
                    "nb": "Frivillige som handler, henter medisiner og ringer en som sitter alene.",
                    "sv": "Volontärer som handlar, hämtar mediciner och ringer den som sitter ensam.",
                    "en": "Volunteers who shop, fetch medicine and call someone who is alone.",
                },
            ),
        ),
        channels=(
            ChannelSpec(
                name={
                    "nb": "Korona: handling og ærend",
                    "sv": "Corona: inköp och ärenden",
                    "en": "Corona: shopping and errands",
                },
                publishing=("risk",),
                answering=("volunteers",),
            ),
        ),
    ),
    "everyday": Template(
        groups=(
            GroupSpec(
                key="care",
                purpose=Purpose.NEED,
                join_policy=JoinPolicy.INVITATION,
                name={"nb": "Helse og omsorg", "sv": "Vård och omsorg", "en": "Health and care"},
                description={
                    "nb": "Ansatte legger ut oppdrag på vegne av brukere.",
                    "sv": "Personal lägger ut uppdrag för brukarnas räkning.",
                    "en": "Staff post requests on behalf of clients.",
                },
            ),
            GroupSpec(
                key="helpers",
                purpose=Purpose.RESOURCE,
                join_policy=JoinPolicy.APPROVAL,
                name={"nb": "Frivillige hjelpere", "sv": "Frivilliga hjälpare", "en": "Volunteer helpers"},
                description={
                    "nb": "Følge til lege, besøksvenn, handling og småjobber.",
                    "sv": "Följeslagare till läkaren, besöksvän, inköp och småjobb.",
                    "en": "Escorts to the doctor, visiting friends, shopping and small jobs.",
                },
            ),
            GroupSpec(
                key="neighbours",
                purpose=Purpose.OPEN,
                join_policy=JoinPolicy.OPEN,
                name={
                    "nb": "Naboer hjelper naboer",
                    "sv": "Grannar hjälper grannar",
                    "en": "Neighbours helping neighbours",
                },
                description={
                    "nb": "Innbyggere ber om og gir hjelp til hverandre.",
                    "sv": "Invånare ber om och ger hjälp till varandra.",
                    "en": "Residents ask each other for help and give it.",
                },
            ),
        ),
        channels=(
            ChannelSpec(
                name={"nb": "Omsorg → frivillige", "sv": "Omsorg → frivilliga", "en": "Care → helpers"},
                publishing=("care",),
                answering=("helpers",),
            ),
        ),
    ),
}


def in_language(names: dict[str, str], language: str) -> str:
    """The text in the tenant's language, falling back to English."""
    return names.get(language) or names["en"]
