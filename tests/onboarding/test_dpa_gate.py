"""GDPR Art. 28(9) in a tenant: oral intent opens configuration; the written DPA opens members, campaigns, clients."""

import pytest
from django.core.exceptions import ValidationError
from django.test import RequestFactory
from django.utils import timezone

from core.accounts.adapter import AccountAdapter
from core.accounts.models import User
from core.campaigns.selectors import campaigns_open_for_tenant
from core.clients.services import do_create_client
from core.groups.models import Purpose, Role
from onboarding import dpa
from onboarding.models import DpaKind, OnboardingCase
from tenants.models import Tenant
from tests.conftest import host_client, in_schema
from tests.factories import UserFactory, make_group, make_member
from tests.onboarding.test_dpa import make_case, make_staff, token_of

pytestmark = pytest.mark.django_db


def _case_for(tenant: Tenant, **fields: object) -> OnboardingCase:
    return make_case(slug=tenant.slug, name=tenant.name, tenant=tenant, **fields)


def _accept(case: OnboardingCase) -> None:
    staff = make_staff("+4791000011")
    token = token_of(dpa.do_send_acceptance_link(actor=staff, case=case))
    text = dpa.current_text(kind=dpa.dpa_kind_for(case), language="nb")
    dpa.do_accept(token=token, full_name="Kari Nordmann", title="Ordfører", text_sha256=text.sha256, ip="192.0.2.1")


def _open_for_signup(tenant: Tenant) -> bool:
    request = RequestFactory().get("/", HTTP_HOST=f"{tenant.slug}.localhost")
    with in_schema(tenant.schema_name):
        return bool(AccountAdapter(request).is_open_for_signup(request))


def _try_client(tenant: Tenant) -> str:
    with in_schema(tenant.schema_name):
        group = make_group("Hjemmetjenesten", purpose=Purpose.NEED)
        staff_member = make_member(group, role=Role.STAFF).user
        try:
            do_create_client(
                actor=staff_member,
                group=group,
                name="Eva Klient",
                consent_method="verbal",
                consent_date=timezone.localdate(),
            )
        except ValidationError as error:
            return " ".join(error.messages)
        return "created"


def test_tenant_without_a_case_predates_onboarding_and_stays_open(melhus: Tenant) -> None:
    assert dpa.tenant_has_written_dpa(melhus)
    with in_schema(melhus.schema_name):
        assert campaigns_open_for_tenant()
    assert _open_for_signup(melhus)


def test_oral_intent_lets_provisioning_start_but_keeps_members_campaigns_and_clients_closed(melhus: Tenant) -> None:
    case = _case_for(melhus)
    dpa.do_record_oral_intent(actor=make_staff(), case=case, given_by="Kari", given_at=timezone.now())
    case.refresh_from_db()

    assert dpa.can_provision(case)
    assert not dpa.tenant_has_written_dpa(melhus)
    with in_schema(melhus.schema_name):
        assert not campaigns_open_for_tenant()
    assert not _open_for_signup(melhus)
    assert "accepted the data-processing agreement in writing" in _try_client(melhus)
    with in_schema(melhus.schema_name):
        assert not User.objects.filter(name="Eva Klient").exists()


def test_written_acceptance_opens_members_campaigns_and_clients(melhus: Tenant) -> None:
    case = _case_for(melhus)
    dpa.do_record_oral_intent(actor=make_staff(), case=case, given_by="Kari", given_at=timezone.now())
    _accept(case)

    assert dpa.tenant_has_written_dpa(melhus)
    with in_schema(melhus.schema_name):
        assert campaigns_open_for_tenant()
    assert _open_for_signup(melhus)
    assert _try_client(melhus) == "created"


def test_one_tenants_acceptance_opens_nothing_in_another(melhus: Tenant, red_cross: Tenant) -> None:
    _accept(_case_for(melhus))
    _case_for(red_cross, kind="organisation", org_number="971000007")

    assert not dpa.tenant_has_written_dpa(red_cross)
    with in_schema(red_cross.schema_name):
        assert not campaigns_open_for_tenant()


# --- The tenant admins' copy -------------------------------------------------------------------


def _logged_in(tenant: Tenant, *, admin: bool) -> tuple[object, User]:
    client = host_client(tenant)
    with in_schema(tenant.schema_name):
        user = UserFactory.create(is_tenant_admin=admin)
        client.force_login(user)
    return client, user


def test_tenant_admin_reads_the_accepted_dpa_and_its_pdf(melhus: Tenant) -> None:
    case = _case_for(melhus)
    _accept(case)
    client, _admin = _logged_in(melhus, admin=True)

    page = client.get("/settings/dpa")  # type: ignore[attr-defined]
    pdf = client.get("/settings/dpa.pdf")  # type: ignore[attr-defined]

    text = dpa.current_text(kind=DpaKind.NO_MUNICIPALITY, language="nb")
    assert page.status_code == 200
    assert text.title in page.content.decode()
    assert "Kari Nordmann" in page.content.decode()
    assert text.sha256 in page.content.decode()
    assert pdf.status_code == 200
    assert pdf.content.startswith(b"%PDF")
    assert b"Kari Nordmann" in pdf.content


def test_member_cannot_read_the_dpa(melhus: Tenant) -> None:
    _accept(_case_for(melhus))
    client, _member = _logged_in(melhus, admin=False)
    assert client.get("/settings/dpa").status_code == 403  # type: ignore[attr-defined]
    assert client.get("/settings/dpa.pdf").status_code == 403  # type: ignore[attr-defined]
    assert host_client(melhus).get("/settings/dpa").status_code == 403


def test_another_tenants_admin_cannot_read_it(melhus: Tenant, red_cross: Tenant) -> None:
    _accept(_case_for(melhus))
    client, _admin = _logged_in(red_cross, admin=True)

    on_melhus = host_client(melhus)
    on_melhus.cookies = client.cookies  # type: ignore[attr-defined]
    response = on_melhus.get("/settings/dpa")
    own = client.get("/settings/dpa")  # type: ignore[attr-defined]

    assert response.status_code == 403
    assert "Kari Nordmann" not in own.content.decode()
    assert "Kari Nordmann" not in response.content.decode()
