"""The page a campaign link or QR code opens: it counts the visit, and joining applies to the group."""

import pytest

from core.campaigns.models import Campaign
from core.campaigns.selectors import campaign_stats
from core.campaigns.services import do_create_campaign
from core.groups.models import Membership, MembershipStatus
from tenants.models import Tenant
from tests.conftest import host_client, in_schema
from tests.factories import UserFactory, make_group

pytestmark = pytest.mark.django_db


@pytest.fixture
def campaign(melhus: Tenant) -> Campaign:
    with in_schema(melhus.schema_name):
        admin = UserFactory.create(is_tenant_admin=True)
        return do_create_campaign(actor=admin, name="Vår 2027", group=make_group("Frivilligsentralen"))


def test_landing_counts_one_visit_per_browser_and_joining_applies_and_counts_a_signup(
    melhus: Tenant, campaign: Campaign
) -> None:
    # Given a visitor who opens the link twice, then logs in and joins
    client = host_client(melhus)
    first = client.get(f"/c/{campaign.code}")
    client.get(f"/c/{campaign.code}")
    with in_schema(melhus.schema_name):
        person = UserFactory.create()
        client.force_login(person)
    joined = client.post(f"/c/{campaign.code}")

    # Then the page showed the group, one visit and one sign-up are counted, and the person applied
    assert first.status_code == 200
    assert campaign.group.name in first.content.decode()
    assert joined.status_code == 302
    with in_schema(melhus.schema_name):
        stats = campaign_stats(campaign=campaign)
        membership = Membership.objects.get(user=person, group=campaign.group)
    assert (stats.visits, stats.signups) == (1, 1)
    assert membership.status == MembershipStatus.APPLIED


def test_joining_without_login_goes_to_the_sms_login(melhus: Tenant, campaign: Campaign) -> None:
    response = host_client(melhus).post(f"/c/{campaign.code}")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_code_is_unknown_on_another_tenants_host(melhus: Tenant, red_cross: Tenant, campaign: Campaign) -> None:
    assert host_client(red_cross).get(f"/c/{campaign.code}").status_code == 404
    assert host_client(melhus).get("/c/NOSUCHCODE99").status_code == 404
