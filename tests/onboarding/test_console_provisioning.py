"""Provisioning from an onboarding case: tenant, template groups in its language, admin, invitations."""

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.contrib.sessions.middleware import SessionMiddleware
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.test import RequestFactory
from django.utils import timezone
from pytest_django import DjangoDbBlocker

from core.accounts.adapter import AccountAdapter
from core.accounts.models import User
from core.groups.models import Channel, Group, Purpose
from core.groups.services import do_create_group
from core.messaging.models import Medium, OutboxMessage
from onboarding import cases, milestones
from onboarding.cases import do_open_case, do_provision_case
from onboarding.models import Lead, OnboardingCase
from onboarding.tasks import provision_case
from tenants.db import use_public_schema
from tenants.models import Tenant, TenantStatus
from tests.conftest import host_client, in_schema
from tests.onboarding.console_helpers import console_client, make_staff


@pytest.fixture
def committed(django_db_setup: None, django_db_blocker: DjangoDbBlocker) -> Iterator[Callable[..., OnboardingCase]]:
    """Open committed cases (provisioning commits DDL); drop their tenants, cases and the staff after."""
    opened: list[str] = []
    with django_db_blocker.unblock():
        staff = make_staff("+4791999999")

        def open_case(**overrides: Any) -> OnboardingCase:
            fields: dict[str, Any] = {
                "kind": "municipality",
                "name": "Skaun kommune",
                "org_number": "938726027",
                "country": "NO",
                "language": "nb",
                "slug": "skaun",
                "contact_name": "Kari Prosjektleder",
                "contact_phone": "+4791234567",
                "contact_email": "kari@skaun.example",
                "signatory_name": "Ola Ordfører",
                "signatory_title": "Rådmann",
                "signatory_email": "ola@skaun.example",
                "plan": "standard",
                "crisis_ends_on": None,
                "group_template": "everyday",
            }
            fields.update(overrides)
            case = do_open_case(actor=staff, **fields)
            opened.append(case.slug)
            return case

        yield open_case
        use_public_schema()
        OnboardingCase.objects.filter(slug__in=opened).delete()
        for tenant in Tenant.objects.filter(slug__in=opened):
            tenant.delete(force_drop=True)
        staff.delete()


def _with_intent(case: OnboardingCase) -> OnboardingCase:
    OnboardingCase.objects.filter(pk=case.pk).update(dpa_intent_at=timezone.now())
    case.refresh_from_db()
    return case


def _log_in(user: User) -> None:
    """Log in through allauth's adapter, as the SMS-code login does."""
    request = RequestFactory().get("/", HTTP_HOST="skaun.localhost")
    SessionMiddleware(lambda _request: HttpResponse()).process_request(request)
    AccountAdapter(request).login(request, user)


def _snapshot(schema: str) -> dict[str, Any]:
    with in_schema(schema):
        return {
            "groups": sorted(Group.objects.values_list("name", flat=True)),
            "channels": sorted(Channel.objects.values_list("name", flat=True)),
            "users": User.objects.count(),
            "outbox": OutboxMessage.objects.count(),
        }


def test_provisioning_a_case_makes_a_live_tenant_with_template_admin_and_invitations(
    committed: Callable[..., OnboardingCase],
) -> None:
    case = _with_intent(committed())

    do_provision_case(case_id=case.pk)

    case.refresh_from_db()
    tenant = Tenant.objects.get(slug="skaun")
    assert tenant.status == TenantStatus.ACTIVE
    assert case.tenant == tenant
    assert case.provisioned_at is not None
    assert case.admin_invited_at is not None
    assert (case.progress_step, case.progress_percent, case.provisioning_error) == ("done", 100, "")
    with in_schema(tenant.schema_name):
        assert set(Group.objects.values_list("name", "purpose")) >= {
            ("Helse og omsorg", Purpose.NEED),
            ("Frivillige hjelpere", Purpose.RESOURCE),
        }
        channel = Channel.objects.get(name="Omsorg → frivillige")
        assert [g.name for g in channel.publishing_groups.all()] == ["Helse og omsorg"]
        assert [g.name for g in channel.answering_groups.all()] == ["Frivillige hjelpere"]
        admin = User.objects.get(phone="+4791234567")
        assert admin.is_tenant_admin
        assert admin.language == "nb"
        invitations = OutboxMessage.objects.filter(kind="invitation")
        assert set(invitations.values_list("medium", "to")) == {
            (Medium.SMS, "+4791234567"),
            (Medium.EMAIL, "kari@skaun.example"),
        }
        assert all("https://skaun.localhost/invite/" in body for body in invitations.values_list("body", flat=True))
    # The template's groups are not the admin's first group.
    assert case.first_group_at is None


def test_running_it_again_changes_nothing(committed: Callable[..., OnboardingCase]) -> None:
    case = _with_intent(committed())
    do_provision_case(case_id=case.pk)
    case.refresh_from_db()
    before = _snapshot("skaun")

    do_provision_case(case_id=case.pk)

    again = OnboardingCase.objects.get(pk=case.pk)
    assert _snapshot("skaun") == before
    assert (again.provisioned_at, again.admin_invited_at) == (case.provisioned_at, case.admin_invited_at)


def test_the_template_is_in_the_tenants_language(committed: Callable[..., OnboardingCase]) -> None:
    case = _with_intent(
        committed(
            slug="lund",
            name="Lunds kommun",
            country="SE",
            language="sv",
            org_number="2120001173",
            contact_phone="+46701234567",
            group_template="crisis",
        )
    )

    do_provision_case(case_id=case.pk)

    snapshot = _snapshot("lund")
    assert snapshot["groups"] == ["Coronavolontärer", "Hemtjänsten och riskgrupper"]
    assert snapshot["channels"] == ["Corona: inköp och ärenden"]


def test_provisioning_is_refused_without_a_dpa(committed: Callable[..., OnboardingCase]) -> None:
    case = committed()

    with pytest.raises(ValidationError):
        do_provision_case(case_id=case.pk)

    assert not Tenant.objects.filter(slug="skaun").exists()


def test_a_failure_is_stored_and_a_retry_continues(
    committed: Callable[..., OnboardingCase], monkeypatch: pytest.MonkeyPatch
) -> None:
    case = _with_intent(committed())

    def broken(*args: Any, **kwargs: Any) -> None:
        raise ConnectionError("lost the database while creating groups")

    monkeypatch.setattr(cases, "_ensure_template", broken)
    with pytest.raises(ConnectionError):
        do_provision_case(case_id=case.pk)
    failed = OnboardingCase.objects.get(pk=case.pk)
    assert failed.provisioning_error == "lost the database while creating groups"
    assert failed.provisioned_at is None
    assert "lost the database" in " ".join(cases.blocking(failed))

    monkeypatch.undo()
    do_provision_case(case_id=case.pk)

    done = OnboardingCase.objects.get(pk=case.pk)
    assert done.provisioning_error == ""
    assert done.provisioned_at is not None
    assert "Omsorg → frivillige" in _snapshot("skaun")["channels"]


def test_milestones_are_stamped_once_from_inside_the_tenant(committed: Callable[..., OnboardingCase]) -> None:
    case = _with_intent(committed())
    do_provision_case(case_id=case.pk)

    with in_schema("skaun"):
        admin = User.objects.get(phone="+4791234567")
        _log_in(admin)
        do_create_group(actor=admin, name="Leksehjelp", purpose=Purpose.RESOURCE)
    first = OnboardingCase.objects.get(pk=case.pk)
    with in_schema("skaun"):
        _log_in(admin)
        assert not milestones.mark("skaun", milestones.ADMIN_FIRST_LOGIN)
        do_create_group(actor=admin, name="Snømåking", purpose=Purpose.RESOURCE)
        assert milestones.mark("skaun", milestones.OPERATIONAL)
        assert not milestones.mark("skaun", milestones.OPERATIONAL)

    later = OnboardingCase.objects.get(pk=case.pk)
    later.dpa_accepted_at = timezone.now()
    assert first.admin_first_login_at is not None
    assert first.first_group_at is not None
    assert later.admin_first_login_at == first.admin_first_login_at
    assert later.first_group_at == first.first_group_at
    assert later.operational_at is not None
    assert cases.blocking(later) == []


def test_from_lead_to_live_subdomain_through_the_console(
    django_db_setup: None, django_db_blocker: DjangoDbBlocker, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The whole path with the test client: lead, wizard, oral intent, Provision (the task runs eagerly)."""
    with django_db_blocker.unblock():
        staff = make_staff("+4791888888")
        lead = Lead.objects.create(
            kind="municipality",
            name="Skaun kommune",
            org_number="938726027",
            country="NO",
            contact_name="Kari Prosjektleder",
            contact_email="kari@skaun.example",
            contact_phone="+4791234567",
        )
        try:
            client = console_client(staff)
            opened = client.post(
                f"/console/cases/new/?lead={lead.pk}",
                {
                    "lead": str(lead.pk),
                    "kind": "municipality",
                    "name": "Skaun kommune",
                    "org_number": "938726027",
                    "country": "NO",
                    "language": "nb",
                    "slug": "skaun",
                    "contact_name": "Kari Prosjektleder",
                    "contact_phone": "91234567",
                    "contact_email": "kari@skaun.example",
                    "signatory_name": "Ola Ordfører",
                    "signatory_title": "Rådmann",
                    "signatory_email": "ola@skaun.example",
                    "plan": "standard",
                    "group_template": "everyday",
                },
            )
            case = OnboardingCase.objects.get(slug="skaun")
            assert opened["Location"] == f"/console/cases/{case.pk}/"
            client.post(
                f"/console/cases/{case.pk}/dpa/oral-intent",
                {"given_by": "Ola Ordfører, rådmann", "given_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M")},
            )
            case.refresh_from_db()
            assert case.dpa_intent_at is not None
            # The worker's part, in this process: the task itself, run when the request commits.
            monkeypatch.setattr(provision_case, "delay", provision_case)
            provisioned = client.post(f"/console/cases/{case.pk}/provision/")
            progress = client.get(provisioned["Location"])

            case.refresh_from_db()
            assert case.provisioned_at is not None
            assert case.admin_invited_at is not None
            assert b"100 %" in progress.content
            assert b"refresh" not in progress.content
            assert host_client(case.tenant).get("/").status_code < 400
        finally:
            use_public_schema()
            OnboardingCase.objects.filter(slug="skaun").delete()
            for tenant in Tenant.objects.filter(slug="skaun"):
                tenant.delete(force_drop=True)
            Lead.objects.filter(pk=lead.pk).delete()
            staff.delete()
