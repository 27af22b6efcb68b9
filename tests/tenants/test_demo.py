"""The demo seed: Melhus and Melhus Røde Kors with documented people, safe to run again."""

from collections.abc import Iterator
from datetime import timedelta

import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.utils import timezone
from pytest_django import DjangoDbBlocker

from core.accounts.models import User
from core.clients.models import Client
from core.demo import MELHUS_REQUESTS
from core.groups.models import Channel, Group, Membership
from core.qualification.models import LegalBasis, Requirement, RequirementKind
from core.requests.models import (
    Conversation,
    ConversationKind,
    ConversationMessage,
    HelpRequest,
    Offer,
    OfferStatus,
    RequestState,
)
from tenants.db import use_public_schema
from tenants.demo import DEMO_STAFF, DEMO_TENANTS
from tenants.models import Tenant, TenantStatus
from tests.conftest import in_schema


@pytest.fixture
def seeded(django_db_setup: None, django_db_blocker: DjangoDbBlocker) -> Iterator[None]:
    # django_db_setup: without it, a run of this file alone would seed the development database.
    with django_db_blocker.unblock():
        yield
        use_public_schema()
        for tenant in Tenant.objects.filter(slug__in=[d.slug for d in DEMO_TENANTS if d.slug != "melhus"]):
            tenant.delete(force_drop=True)
        User.objects.filter(phone=DEMO_STAFF.phone).delete()
        with in_schema("melhus"):  # the standing test tenant keeps only what tests put there
            _empty_tenant_tables()


def _empty_tenant_tables() -> None:
    """Remove the demo's committed rows from the standing tenant (TRUNCATE: the audit log refuses DELETE)."""
    keep = {"django_migrations", "django_content_type", "auth_permission"}
    tables = [
        model._meta.db_table
        for model in apps.get_models(include_auto_created=True)
        if model._meta.app_label in _TENANT_LABELS and model._meta.db_table not in keep and model._meta.managed
    ]
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE " + ", ".join(connection.ops.quote_name(t) for t in tables) + " CASCADE")


_TENANT_LABELS = {apps.get_app_config(name.rsplit(".", 1)[-1]).label for name in settings.TENANT_APPS}


def test_seed_demo_twice_builds_the_documented_demo_once(seeded: None) -> None:
    call_command("seed_demo", verbosity=0)
    call_command("seed_demo", verbosity=0)

    for demo in DEMO_TENANTS:
        tenant = Tenant.objects.get(slug=demo.slug)
        assert tenant.status == TenantStatus.ACTIVE
        assert tenant.kind == demo.kind
        with in_schema(tenant.schema_name):
            assert sorted(User.objects.values_list("phone", flat=True)) == sorted(p.phone for p in demo.people)
    assert User.objects.filter(phone=DEMO_STAFF.phone, is_staff=True).count() == 1
    # Vendor staff are the only people in the public schema.
    assert not User.objects.filter(is_staff=False).exists()


def test_demo_melhus_has_the_groups_channels_rules_and_clients_of_the_issue(seeded: None) -> None:
    call_command("seed_demo", verbosity=0)
    call_command("seed_demo", verbosity=0)  # the second run adds nothing

    with in_schema("melhus"):
        groups = dict(Group.objects.values_list("name", "purpose"))
        assert groups == {
            "Hjemmetjenesten": "need",
            "Flyktningtjenesten": "need",
            "Frivilligsentralen": "resource",
            "Idrettsveien bofellesskap": "resource",
            "Leksehjelp": "resource",
        }
        home_care = Channel.objects.get(publishing_groups__name="Hjemmetjenesten")
        assert set(home_care.answering_groups.values_list("name", flat=True)) == {
            "Frivilligsentralen",
            "Idrettsveien bofellesskap",
        }
        assert Channel.objects.count() == 2
        declared = set(
            Requirement.objects.filter(kind=RequirementKind.DECLARATION).values_list("group__name", flat=True)
        )
        assert declared == {"Frivilligsentralen", "Idrettsveien bofellesskap", "Leksehjelp"}
        police = Requirement.objects.get(kind=RequirementKind.POLICE_CERTIFICATE)
        assert (police.group.name, police.legal_basis) == ("Leksehjelp", LegalBasis.MINORS)
        assert Client.objects.filter(group__name="Hjemmetjenesten").count() == 3
        # Real states: Ola is approved where he signed, and waits for his police certificate in Leksehjelp.
        ola = User.objects.get(phone="+4740000003")
        statuses = dict(Membership.objects.filter(user=ola).values_list("group__name", "status"))
        assert statuses == {"Frivilligsentralen": "approved", "Leksehjelp": "applied"}
        assert User.objects.get(phone="+4740000001").is_tenant_admin


def test_demo_melhus_has_requests_in_every_state_spread_over_past_months(seeded: None) -> None:
    call_command("seed_demo", verbosity=0)
    call_command("seed_demo", verbosity=0)  # the second run adds nothing

    with in_schema("melhus"):
        states = set(HelpRequest.objects.values_list("state", flat=True))
        assert states == set(RequestState.values)
        assert HelpRequest.objects.count() == len(MELHUS_REQUESTS)
        assert HelpRequest.objects.filter(state=RequestState.COMPLETED).exclude(thanks="").exists()
        assert HelpRequest.objects.filter(state=RequestState.CANCELLED).exclude(cancel_reason="").exists()
        statuses = set(Offer.objects.values_list("status", flat=True))
        assert {OfferStatus.PENDING, OfferStatus.ACCEPTED, OfferStatus.DECLINED} <= statuses
        agreement = Conversation.objects.get(request__title="Følge til fastlegen", kind=ConversationKind.AGREEMENT)
        assert agreement.messages.count() >= 3
        question = Conversation.objects.get(kind=ConversationKind.QUESTION)
        assert question.request.state == RequestState.OPEN
        assert question.messages.count() == 2
        # The past is in the past: months of requests for the statistics, each step after the one before.
        now = timezone.now()
        assert HelpRequest.objects.filter(created_at__lt=now - timedelta(days=90)).exists()
        assert HelpRequest.objects.filter(created_at__gt=now - timedelta(days=7)).exists()
        for request in HelpRequest.objects.exclude(state=RequestState.OPEN):
            assert request.created_at <= request.state_changed_at <= now
            if request.agreed_at is not None:
                assert request.created_at < request.first_offer_at < request.agreed_at  # type: ignore[operator]
        assert not ConversationMessage.objects.filter(created_at__gt=now).exists()
