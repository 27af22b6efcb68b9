"""From lead to a configured tenant, driven as people do it: console, acceptance link, SMS login, API.

Vendor staff open the case and send the DPA link; the signatory accepts the exact text in writing;
staff provision; the invited admin logs in with an SMS code, accepts the invitation and creates the
first group and the first request. Every step stamps the case's checklist, up to "operational".
"""

import re
from collections.abc import Callable
from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone
from pytest_django import DjangoDbBlocker

from core.messaging.models import OutboxMessage
from onboarding.cases import stage_of
from onboarding.dpa import dpa_state
from onboarding.models import DpaAcceptance, DpaState, Lead, OnboardingCase, Stage
from onboarding.tasks import provision_case
from tenants.db import use_public_schema
from tenants.models import Tenant
from tests.conftest import host_client, in_schema
from tests.onboarding.console_helpers import console_client, make_staff

SLUG = "midtre-gauldal"


def _case_form(lead: Lead) -> dict[str, str]:
    return {
        "lead": str(lead.pk),
        "kind": "municipality",
        "name": "Midtre Gauldal kommune",
        "org_number": "938726027",
        "country": "NO",
        "language": "nb",
        "slug": SLUG,
        "contact_name": "Kari Prosjektleder",
        "contact_phone": "91234560",
        "contact_email": "kari@midtre-gauldal.example",
        "signatory_name": "Ola Ordfører",
        "signatory_title": "Kommunedirektør",
        "signatory_email": "ola@midtre-gauldal.example",
        "plan": "standard",
        "group_template": "everyday",
    }


def _only(pattern: str, text: str) -> str:
    found = re.search(pattern, text)
    assert found, f"{pattern!r} not in {text[:300]!r}"
    return found.group(1)


@pytest.fixture
def cleanup(django_db_setup: None, django_db_blocker: DjangoDbBlocker) -> Callable[[], None]:
    def remove() -> None:
        use_public_schema()
        # Acceptances are protected legal records; only a test removes them.
        DpaAcceptance.objects.filter(case__slug=SLUG).delete()
        OnboardingCase.objects.filter(slug=SLUG).delete()
        for tenant in Tenant.objects.filter(slug=SLUG):
            tenant.delete(force_drop=True)
        Lead.objects.filter(name="Midtre Gauldal kommune").delete()

    return remove


def _signatory_accepts_through_the_link(console: Client, case: OnboardingCase) -> None:
    """Staff send the link; the signatory reads the agreement and accepts the exact text shown, in writing."""
    mail.outbox.clear()
    console.post(f"/console/cases/{case.pk}/dpa/send-link")
    link = _only(r"https?://[^/\s]+(/dpa/accept/\S+)", str(mail.outbox[-1].body))
    signatory = host_client(None)
    page = signatory.get(link).content.decode()
    shown_hash = _only(r'name="text_sha256" value="([0-9a-f]{64})"', page)
    accepted = signatory.post(
        link,
        {"full_name": "Ola Ordfører", "title": "Kommunedirektør", "accept": "on", "text_sha256": shown_hash},
    )
    assert accepted.status_code == 200
    case.refresh_from_db()
    assert case.dpa_accepted_at is not None
    # The link works once.
    assert signatory.get(link).status_code == 410


def _admin_logs_in_accepts_and_creates_a_group(tenant: Tenant) -> None:
    """The admin logs in by SMS code, accepts the invitation from the SMS, and creates a group of their own."""
    app = host_client(tenant)
    asked = app.post("/api/v1/auth/code/request", {"phone": "+4791234560"}, content_type="application/json")
    session_token = asked.json()["meta"]["session_token"]
    with in_schema(tenant.schema_name):
        code = OutboxMessage.objects.filter(kind="login_code").latest("created_at").body[:6]
        invitation = OutboxMessage.objects.filter(kind="invitation", medium="sms").get()
    confirmed = app.post(
        "/api/v1/auth/code/confirm", {"code": code}, content_type="application/json", HTTP_X_SESSION_TOKEN=session_token
    )
    headers = {"HTTP_X_SESSION_TOKEN": confirmed.json()["meta"]["session_token"]}
    invite_token = _only(r"/invite/([\w-]+)", invitation.body)
    accept = app.post("/api/v1/invitations/accept/", {"token": invite_token}, **headers)
    assert accept.status_code == 200, accept.content
    created = app.post(
        "/api/v1/groups/create/",
        {"name": "Besøksvenner i Støren", "purpose": "resource"},
        content_type="application/json",
        **headers,
    )
    assert created.status_code == 201, created.content
    # The first request, into a channel of the template, makes the tenant operational.
    channels = app.get("/api/v1/channels/", **headers).json()
    channel = next(c for c in channels["results"] if c["publishing_groups"])
    posted = app.post(
        "/api/v1/requests/",
        {"channel": channel["id"], "title": "Handle til nabo etter operasjon"},
        content_type="application/json",
        **headers,
    )
    assert posted.status_code == 201, posted.content


def test_from_lead_to_operational_through_console_acceptance_link_sms_login_and_first_request(
    django_db_blocker: DjangoDbBlocker, cleanup: Callable[[], None], monkeypatch: pytest.MonkeyPatch
) -> None:
    with django_db_blocker.unblock():
        staff = make_staff("+4791777777")
        lead = Lead.objects.create(
            kind="municipality",
            name="Midtre Gauldal kommune",
            org_number="938726027",
            country="NO",
            contact_name="Kari Prosjektleder",
            contact_email="kari@midtre-gauldal.example",
        )
        try:
            # Vendor staff open the case from the lead and send the signatory the acceptance link.
            console = console_client(staff)
            console.post(f"/console/cases/new/?lead={lead.pk}", _case_form(lead))
            case = OnboardingCase.objects.get(slug=SLUG)
            _signatory_accepts_through_the_link(console, case)
            # Staff provision; the worker's part runs in this process.
            monkeypatch.setattr(provision_case, "delay", provision_case)
            console.post(f"/console/cases/{case.pk}/provision/")
            case.refresh_from_db()
            assert case.tenant is not None
            assert (case.provisioned_at, case.admin_invited_at) != (None, None)
            tenant = case.tenant

            _admin_logs_in_accepts_and_creates_a_group(tenant)

            # Then every step of the checklist carries its time, in order, up to operational.
            use_public_schema()
            case.refresh_from_db()
            steps = [
                case.opened_at,
                case.dpa_accepted_at,
                case.provisioned_at,
                case.admin_invited_at,
                case.admin_first_login_at,
                case.first_group_at,
                case.operational_at,
            ]
            stamped = [step for step in steps if step is not None]
            assert len(stamped) == len(steps), steps
            assert stamped == sorted(stamped)
            assert stage_of(case) == Stage.OPERATIONAL
            assert case.intents.count() == 0
            assert timezone.now() - case.opened_at < timedelta(minutes=5)
            detail = console.get(f"/console/cases/{case.pk}/")
            assert detail.status_code == 200
            assert dpa_state(case) == DpaState.WRITTEN
        finally:
            cleanup()
            staff.delete()
