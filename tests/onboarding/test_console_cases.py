"""The onboarding wizard, the case list and detail, and asking for provisioning from the console."""

from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from onboarding import cases
from onboarding.models import Lead, LeadStatus, OnboardingCase, Stage
from tenants.models import Tenant
from tests.conftest import in_schema
from tests.factories import UserFactory
from tests.onboarding.console_helpers import console_client, make_staff

pytestmark = pytest.mark.django_db


def case_form(**overrides: Any) -> dict[str, Any]:
    form = {
        "kind": "municipality",
        "name": "Skaun kommune",
        "org_number": "938 726 027",
        "country": "NO",
        "language": "nb",
        "slug": "skaun",
        "contact_name": "Kari Prosjektleder",
        "contact_phone": "912 34 567",
        "contact_email": "kari@skaun.example",
        "signatory_name": "Ola Ordfører",
        "signatory_title": "Rådmann",
        "signatory_email": "ola@skaun.example",
        "plan": "standard",
        "crisis_ends_on": "",
        "group_template": "everyday",
    }
    form.update(overrides)
    return form


def test_the_wizard_opens_a_case_with_normalised_fields() -> None:
    client = console_client(make_staff())

    response = client.post("/console/cases/new/", case_form())

    case = OnboardingCase.objects.get(slug="skaun")
    assert response["Location"] == f"/console/cases/{case.pk}/"
    assert case.org_number == "938726027"
    assert case.contact_phone == "+4791234567"
    assert cases.stage_of(case) == Stage.DPA_ACCEPTED


def test_a_case_from_a_lead_converts_the_lead() -> None:
    lead = Lead.objects.create(
        kind="municipality",
        name="Skaun kommune",
        org_number="938726027",
        country="NO",
        contact_name="Kari",
        contact_email="kari@skaun.example",
    )
    client = console_client(make_staff())
    assert b"Skaun kommune" in client.get(f"/console/cases/new/?lead={lead.pk}").content

    client.post("/console/cases/new/", case_form(lead=str(lead.pk)))

    lead.refresh_from_db()
    assert lead.status == LeadStatus.CONVERTED
    assert OnboardingCase.objects.get(slug="skaun").lead == lead


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"org_number": "938726028"}, b"check digit does not match"),
        ({"country": "SE", "org_number": "938726027"}, b"A Swedish organisation number has 10 digits."),
        ({"slug": "melhus"}, b"This subdomain is already taken."),
        ({"slug": "admin"}, b"admin is reserved"),
        ({"slug": "Not a slug"}, b"lower-case letters"),
        ({"plan": "crisis"}, b"A crisis agreement needs an end date."),
        ({"plan": "crisis", "crisis_ends_on": "2020-01-01"}, b"The end date must be in the future."),
        ({"contact_phone": "12"}, b'role="alert"'),
    ],
)
def test_bad_wizard_input_is_a_field_error_and_opens_no_case(overrides: dict[str, Any], message: bytes) -> None:
    client = console_client(make_staff())

    response = client.post("/console/cases/new/", case_form(**overrides))

    assert response.status_code == 200
    assert message in response.content
    assert b'role="alert"' in response.content
    assert not OnboardingCase.objects.exists()


def test_a_subdomain_taken_by_another_case_is_refused() -> None:
    staff = make_staff()
    cases.do_open_case(actor=staff, **_fields())
    client = console_client(staff)

    response = client.post("/console/cases/new/", case_form(name="Other"))

    assert b"This subdomain is already taken." in response.content
    assert OnboardingCase.objects.count() == 1


def test_only_staff_may_open_a_case() -> None:
    with pytest.raises(PermissionDenied):
        cases.do_open_case(actor=make_staff(is_staff=False), **_fields())
    assert not OnboardingCase.objects.exists()


def _fields(**overrides: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {
        **case_form(),
        "org_number": "938726027",
        "contact_phone": "+4791234567",
        "crisis_ends_on": None,
    }
    fields.update(overrides)
    return fields


def test_crisis_plan_keeps_a_future_end_date() -> None:
    ends = timezone.localdate() + timedelta(days=90)
    case = cases.do_open_case(actor=make_staff(), **_fields(plan="crisis", crisis_ends_on=ends))
    assert case.crisis_ends_on == ends


def test_cases_filter_by_stage_and_say_what_blocks_them() -> None:
    staff = make_staff()
    waiting = cases.do_open_case(actor=staff, **_fields())
    intent = cases.do_open_case(actor=staff, **_fields(slug="orkland", name="Orkland kommune"))
    OnboardingCase.objects.filter(pk=intent.pk).update(dpa_intent_at=timezone.now())
    client = console_client(staff)

    only_dpa = client.get("/console/", {"stage": Stage.DPA_ACCEPTED})
    to_provision = client.get("/console/", {"stage": Stage.PROVISIONED})

    assert waiting.name.encode() in only_dpa.content
    assert intent.name.encode() not in only_dpa.content
    assert b"waiting for the DPA" in only_dpa.content
    assert intent.name.encode() in to_provision.content
    assert b"waiting for the signatory&#x27;s written DPA acceptance" in to_provision.content
    assert b"ready to provision" in to_provision.content


def test_stage_in_python_agrees_with_the_database() -> None:
    staff = make_staff()
    case = cases.do_open_case(actor=staff, **_fields())
    now = timezone.now()
    for field in ("dpa_accepted_at", "provisioned_at", "admin_invited_at", "admin_first_login_at", "first_group_at"):
        setattr(case, field, now)
        case.save(update_fields=[field])
        assert cases.stage_of(case) == cases.cases_with_stage().get(pk=case.pk).stage  # type: ignore[attr-defined]
    assert cases.stage_of(case) == Stage.OPERATIONAL


def test_the_case_page_shows_the_checklist_and_refuses_provisioning_without_a_dpa(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    sent: list[str] = []
    monkeypatch.setattr("onboarding.tasks.provision_case.delay", sent.append)
    staff = make_staff()
    case = cases.do_open_case(actor=staff, **_fields())
    client = console_client(staff)

    page = client.get(f"/console/cases/{case.pk}/")
    refused = client.post(f"/console/cases/{case.pk}/provision/", follow=True)

    assert b"Case opened" in page.content
    assert b"Admin&#x27;s first login" in page.content
    assert f"/console/cases/{case.pk}/dpa/oral-intent".encode() in page.content
    assert f"/console/cases/{case.pk}/dpa/send-link".encode() in page.content
    assert b"Provisioning waits for the DPA" in refused.content
    assert sent == []
    case.refresh_from_db()
    assert case.provisioning_started_at is None


def test_provision_enqueues_the_task_once_a_dpa_intent_exists(
    monkeypatch: pytest.MonkeyPatch, django_capture_on_commit_callbacks: Any
) -> None:
    sent: list[str] = []
    monkeypatch.setattr("onboarding.tasks.provision_case.delay", sent.append)
    staff = make_staff()
    case = cases.do_open_case(actor=staff, **_fields())
    OnboardingCase.objects.filter(pk=case.pk).update(dpa_intent_at=timezone.now())
    client = console_client(staff)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/console/cases/{case.pk}/provision/")
    progress = client.get(f"/console/cases/{case.pk}/progress")

    assert response["Location"] == f"/console/cases/{case.pk}/progress"
    assert sent == [str(case.pk)]
    assert b'<meta http-equiv="refresh" content="2">' in progress.content
    case.refresh_from_db()
    assert case.provisioning_started_at is not None


def test_the_progress_page_stops_refreshing_when_done_or_failed() -> None:
    staff = make_staff()
    case = cases.do_open_case(actor=staff, **_fields())
    now = timezone.now()
    OnboardingCase.objects.filter(pk=case.pk).update(
        dpa_intent_at=now, provisioning_started_at=now, provisioning_error="database gone", progress_step="failed"
    )
    client = console_client(staff)

    progress = client.get(f"/console/cases/{case.pk}/progress")

    assert b"refresh" not in progress.content
    assert b"Provisioning failed: database gone" in progress.content


def test_the_tenants_list_shows_counts_only(melhus: Tenant) -> None:
    with in_schema(melhus.schema_name):
        UserFactory.create(name="Secret Citizen Name")
    client = console_client(make_staff())

    response = client.get("/console/tenants/")

    assert response.status_code == 200
    assert b"Melhus kommune" in response.content
    assert b"Secret Citizen Name" not in response.content
    overview = cases.tenant_overview(melhus)
    assert overview["members"] >= 1
    assert overview["requests_30d"] == 0


def test_the_leads_list_filters_by_status() -> None:
    Lead.objects.create(
        kind="organisation",
        name="Fresh Lead",
        org_number="971000007",
        country="NO",
        contact_name="A",
        contact_email="a@example.org",
    )
    Lead.objects.create(
        kind="organisation",
        name="Old Lead",
        org_number="971000007",
        country="NO",
        contact_name="B",
        contact_email="b@example.org",
        status=LeadStatus.DISCARDED,
    )
    client = console_client(make_staff())

    response = client.get("/console/leads/", {"status": "new"})

    assert b"Fresh Lead" in response.content
    assert b"Old Lead" not in response.content
