"""Demo data: the municipality Melhus and the organisation Melhus Røde Kors, with a few people."""

from dataclasses import dataclass

from django_tenants.utils import schema_context

from core.accounts.models import User
from core.demo import seed_melhus, seed_red_cross
from tenants.db import use_public_schema

from .models import Tenant
from .services import provision_tenant

# Demo-only credential for the vendor staff account on the public site's admin.
DEMO_STAFF_PASSWORD = "dugnad-demo"  # noqa: S105


@dataclass(frozen=True)
class DemoPerson:
    phone: str
    name: str
    language: str = "nb"


@dataclass(frozen=True)
class DemoTenant:
    slug: str
    name: str
    kind: str
    org_number: str
    people: tuple[DemoPerson, ...]
    # Which groups, channels and clients the tenant gets (core/demo.py); the first person is its admin.
    content: str = ""


# The same volunteer (+47 400 00 003) has an account in both tenants: two independent accounts.
DEMO_TENANTS = (
    DemoTenant(
        slug="melhus",
        name="Melhus kommune",
        kind="municipality",
        org_number="938726027",
        people=(
            DemoPerson("+4740000001", "Kari Nordmann (project lead)"),
            DemoPerson("+4740000002", "Nils Hansen (home-care nurse)"),
            DemoPerson("+4740000003", "Ola Berg (volunteer)"),
            DemoPerson("+46701740605", "Sara Lind (volunteer)", language="sv"),
            DemoPerson("+4740000005", "Tone Lie (volunteer-centre leader)"),
            DemoPerson("+4740000006", "Amir Haddad (refugee-service counsellor)"),
            DemoPerson("+4740000007", "Per Moen (supported-housing staff)"),
        ),
        content="melhus",
    ),
    DemoTenant(
        slug="melhus-rodekors",
        name="Melhus Røde Kors",
        kind="organisation",
        org_number="971000007",
        people=(
            DemoPerson("+4740000004", "Ingrid Dahl (group leader)"),
            DemoPerson("+4740000003", "Ola Berg (volunteer)"),
        ),
        content="red-cross",
    ),
)
DEMO_STAFF = DemoPerson("+4740000099", "Vera Vendor (vendor staff)", language="en")


def seed_demo() -> list[Tenant]:
    """Provision the demo tenants and their people; running it again changes nothing."""
    use_public_schema()
    if not User.objects.filter(phone=DEMO_STAFF.phone).exists():
        User.objects.create_superuser(DEMO_STAFF.phone, DEMO_STAFF.name, DEMO_STAFF_PASSWORD, language="en")
    tenants = []
    for demo in DEMO_TENANTS:
        tenant = provision_tenant(
            slug=demo.slug, name=demo.name, kind=demo.kind, country="NO", language="nb", org_number=demo.org_number
        )
        with schema_context(tenant.schema_name):
            seed_people_and_content(demo)
        tenants.append(tenant)
    return tenants


def seed_people_and_content(demo: DemoTenant) -> None:
    """Inside the tenant's schema: its demo people, then its groups, channels, clients and requests."""
    for person in demo.people:
        if not User.objects.filter(phone=person.phone).exists():
            User.objects.create_user(person.phone, person.name, language=person.language)
    if demo.content == "melhus":
        seed_melhus(admin_phone=demo.people[0].phone)
    elif demo.content == "red-cross":
        seed_red_cross(admin_phone=demo.people[0].phone)
