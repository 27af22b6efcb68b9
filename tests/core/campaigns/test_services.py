"""Campaign rules in the services and selectors: who may run one, what counts as a visit, sign-up, approval."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from core.accounts.models import User
from core.audit.models import AuditEvent
from core.campaigns.models import Campaign, CampaignSignup
from core.campaigns.selectors import (
    campaign_stats,
    campaigns_managed_by,
    campaigns_open_for_tenant,
    get_open_campaign,
)
from core.campaigns.services import (
    do_archive_campaign,
    do_create_campaign,
    do_join_campaign,
    do_record_visit,
    do_update_campaign,
)
from core.groups.models import Group, JoinPolicy, MembershipStatus, Role, Visibility
from core.groups.services import do_approve_membership, do_withdraw_membership
from tests.factories import UserFactory, make_group, make_member

pytestmark = pytest.mark.django_db


# --- Creating and changing ---------------------------------------------------------------------


def test_leader_creates_campaign_with_unguessable_code_and_audit_row(group: Group, leader: User) -> None:
    # When the group's leader creates a campaign...
    campaign = do_create_campaign(actor=leader, group=group, name="  Vårdugnad  ")

    # ...then it is active, named without the stray spaces, and has a long random code.
    assert campaign.is_active
    assert campaign.name == "Vårdugnad"
    assert len(campaign.code) == 12
    assert campaign.code != do_create_campaign(actor=leader, group=group, name="Another").code
    assert AuditEvent.objects.filter(action="campaign.created", actor=leader, target_id=str(campaign.pk)).exists()


def test_admin_creates_campaign_for_any_group(group: Group, admin: User) -> None:
    assert do_create_campaign(actor=admin, group=group, name="Høstdugnad").group == group


@pytest.mark.parametrize("role", [Role.MEMBER, Role.STAFF])
def test_members_and_staff_cannot_create_campaigns(group: Group, role: Role) -> None:
    # Given an approved member (or staff) who does not lead the group...
    person = make_member(group, role=role).user

    # ...then creating a campaign is refused and nothing is stored.
    with pytest.raises(PermissionDenied):
        do_create_campaign(actor=person, group=group, name="Mine")
    assert not Campaign.objects.exists()


def test_leader_of_another_group_cannot_create_campaign(group: Group) -> None:
    other_leader = make_member(make_group("Leksehjelp"), role=Role.LEADER).user
    with pytest.raises(PermissionDenied):
        do_create_campaign(actor=other_leader, group=group, name="Not mine")


@pytest.mark.parametrize(
    "fields",
    [{"visibility": Visibility.SECRET}, {"join_policy": JoinPolicy.INVITATION}, {"archived_at": timezone.now()}],
    ids=["secret", "invitation-only", "archived"],
)
def test_campaigns_are_refused_for_groups_nobody_may_apply_to(admin: User, fields: dict[str, object]) -> None:
    # Given a secret, invitation-only or archived group...
    hidden = make_group("Hemmelig", **fields)

    # ...then no campaign may invite the public to it.
    with pytest.raises(ValidationError) as error:
        do_create_campaign(actor=admin, group=hidden, name="Open door")
    assert "group" in error.value.message_dict
    assert not Campaign.objects.exists()


def test_campaign_must_end_after_it_starts(group: Group, leader: User) -> None:
    now = timezone.now()
    with pytest.raises(ValidationError) as error:
        do_create_campaign(actor=leader, group=group, name="Backwards", starts_at=now, ends_at=now - timedelta(days=1))
    assert "ends_at" in error.value.message_dict


def test_blank_name_is_refused(group: Group, leader: User) -> None:
    with pytest.raises(ValidationError) as error:
        do_create_campaign(actor=leader, group=group, name="   ")
    assert "name" in error.value.message_dict


def test_update_pauses_campaign_and_audits_changed_fields(campaign: Campaign, leader: User) -> None:
    # When the leader pauses and renames the campaign...
    do_update_campaign(actor=leader, campaign=campaign, name="Paused", is_active=False, starts_at=None, ends_at=None)

    # ...then the change is stored and audited with the names of the changed fields.
    campaign.refresh_from_db()
    assert (campaign.name, campaign.is_active) == ("Paused", False)
    event = AuditEvent.objects.get(action="campaign.updated")
    assert event.data == {"fields": ["is_active", "name"]}


def test_member_cannot_update_campaign(campaign: Campaign, group: Group) -> None:
    member = make_member(group).user
    with pytest.raises(PermissionDenied):
        do_update_campaign(actor=member, campaign=campaign, name="X", is_active=False, starts_at=None, ends_at=None)
    campaign.refresh_from_db()
    assert campaign.is_active


def test_archived_campaign_is_closed_for_good(campaign: Campaign, leader: User) -> None:
    # When the campaign is archived...
    do_archive_campaign(actor=leader, campaign=campaign)

    # ...then its code opens nothing and it can no longer be changed (but its manager still sees it).
    with pytest.raises(Campaign.DoesNotExist):
        get_open_campaign(code=campaign.code)
    with pytest.raises(ValidationError):
        do_update_campaign(actor=leader, campaign=campaign, name="Back", is_active=True, starts_at=None, ends_at=None)
    assert list(campaigns_managed_by(leader)) == [campaign]
    assert AuditEvent.objects.filter(action="campaign.archived").count() == 1


def test_leaders_manage_only_their_groups_campaigns(campaign: Campaign, admin: User) -> None:
    # Given a campaign of another group, led by someone else...
    other_group = make_group("Leksehjelp")
    other_leader = make_member(other_group, role=Role.LEADER).user
    other = do_create_campaign(actor=other_leader, group=other_group, name="Lekser")

    # ...then each leader sees their own, the admin sees both, a member none.
    assert list(campaigns_managed_by(other_leader)) == [other]
    assert set(campaigns_managed_by(admin)) == {campaign, other}
    assert list(campaigns_managed_by(make_member(other_group).user)) == []


# --- Which codes open --------------------------------------------------------------------------


def test_paused_expired_not_started_and_unknown_codes_all_open_nothing(campaign: Campaign, leader: User) -> None:
    now = timezone.now()
    assert get_open_campaign(code=campaign.code) == campaign
    with pytest.raises(Campaign.DoesNotExist):
        get_open_campaign(code="nosuchcode00")

    for is_active, starts_at, ends_at in (
        (False, None, None),  # paused
        (True, now - timedelta(days=2), now - timedelta(days=1)),  # expired
        (True, now + timedelta(days=1), None),  # not started yet
    ):
        do_update_campaign(
            actor=leader,
            campaign=campaign,
            name=campaign.name,
            is_active=is_active,
            starts_at=starts_at,
            ends_at=ends_at,
        )
        with pytest.raises(Campaign.DoesNotExist):
            get_open_campaign(code=campaign.code)


def test_campaign_closes_when_its_group_turns_secret(campaign: Campaign, group: Group) -> None:
    # Given a campaign whose group is later made secret...
    Group.objects.filter(pk=group.pk).update(visibility=Visibility.SECRET)

    # ...then the link no longer reveals the group to anyone.
    with pytest.raises(Campaign.DoesNotExist):
        get_open_campaign(code=campaign.code)


def test_archived_campaign_counts_no_visit_and_takes_no_signup(campaign: Campaign, leader: User) -> None:
    # Given a campaign its leader has archived...
    do_archive_campaign(actor=leader, campaign=campaign)

    # ...then the services themselves refuse it, whoever calls them.
    with pytest.raises(Campaign.DoesNotExist):
        do_record_visit(campaign=campaign)
    with pytest.raises(Campaign.DoesNotExist):
        do_join_campaign(user=UserFactory.create(), campaign=campaign)
    stats = campaign_stats(campaign=campaign)
    assert (stats.visits, stats.signups) == (0, 0)


def test_campaigns_are_open_in_a_tenant_that_predates_onboarding_cases() -> None:
    # Melhus has no onboarding case (a tenant made before cases existed): it counts as accepted.
    # tests/onboarding/test_dpa_gate.py covers tenants that still wait for their written DPA.
    assert campaigns_open_for_tenant() is True


# --- Counting ----------------------------------------------------------------------------------


def test_visit_known_to_the_session_is_not_counted_again(campaign: Campaign) -> None:
    first = do_record_visit(campaign=campaign)
    again = do_record_visit(campaign=campaign, known_visit_id=first.pk)
    other_browser = do_record_visit(campaign=campaign)

    assert again == first
    assert other_browser != first
    assert campaign_stats(campaign=campaign).visits == 2


def test_visit_of_another_campaign_does_not_hide_a_new_visit(campaign: Campaign, group: Group, leader: User) -> None:
    other = do_create_campaign(actor=leader, group=group, name="Other")
    foreign_visit = do_record_visit(campaign=other)

    visit = do_record_visit(campaign=campaign, known_visit_id=foreign_visit.pk)

    assert visit.campaign == campaign
    assert campaign_stats(campaign=campaign).visits == 1


def test_join_applies_to_group_and_counts_a_new_account(campaign: Campaign, group: Group) -> None:
    # Given a visit, and then a person who signs up (creates an account) after it...
    visit = do_record_visit(campaign=campaign)
    newcomer = UserFactory.create()

    # When they join through the campaign...
    join = do_join_campaign(user=newcomer, campaign=campaign, visit_id=visit.pk)

    # ...then they applied to the group and the sign-up counts as a new account.
    assert join.membership.group == group
    assert join.membership.status == MembershipStatus.APPLIED
    assert join.signup is not None
    assert join.signup.visit == visit
    assert join.signup.is_new_account
    assert AuditEvent.objects.filter(action="campaign.signed_up", actor=newcomer).count() == 1
    stats = campaign_stats(campaign=campaign)
    assert (stats.visits, stats.signups, stats.new_accounts, stats.approvals) == (1, 1, 1, 0)


def test_existing_account_counts_as_signup_but_not_as_new(campaign: Campaign) -> None:
    # Given a person whose account existed before the visit...
    veteran = UserFactory.create()
    User.objects.filter(pk=veteran.pk).update(date_joined=timezone.now() - timedelta(days=400))
    veteran.refresh_from_db()
    visit = do_record_visit(campaign=campaign)

    join = do_join_campaign(user=veteran, campaign=campaign, visit_id=visit.pk)

    assert join.signup is not None
    assert not join.signup.is_new_account
    stats = campaign_stats(campaign=campaign)
    assert (stats.signups, stats.new_accounts) == (1, 0)


def test_join_without_known_visit_never_overstates_new_accounts(campaign: Campaign) -> None:
    join = do_join_campaign(user=UserFactory.create(), campaign=campaign)

    assert join.signup is not None
    assert join.signup.visit is None
    assert not join.signup.is_new_account


def test_a_visit_leads_to_at_most_one_signup(campaign: Campaign) -> None:
    visit = do_record_visit(campaign=campaign)
    do_join_campaign(user=UserFactory.create(), campaign=campaign, visit_id=visit.pk)

    second = do_join_campaign(user=UserFactory.create(), campaign=campaign, visit_id=visit.pk)

    assert second.signup is not None
    assert second.signup.visit is None


def test_joining_twice_counts_once(campaign: Campaign) -> None:
    person = UserFactory.create()
    first = do_join_campaign(user=person, campaign=campaign)

    again = do_join_campaign(user=person, campaign=campaign)

    assert again.signup == first.signup
    assert CampaignSignup.objects.count() == 1
    assert AuditEvent.objects.filter(action="campaign.signed_up").count() == 1


def test_existing_member_joining_is_not_a_recruitment(campaign: Campaign, group: Group) -> None:
    # Given an approved member of the group who opens the campaign anyway...
    member = make_member(group).user

    join = do_join_campaign(user=member, campaign=campaign)

    # ...then their membership is unchanged and the campaign counts nothing.
    assert join.signup is None
    assert join.membership.status == MembershipStatus.APPROVED
    assert campaign_stats(campaign=campaign).signups == 0


def test_rejoining_after_withdrawing_reapplies_but_counts_once(campaign: Campaign) -> None:
    person = UserFactory.create()
    first = do_join_campaign(user=person, campaign=campaign)
    do_withdraw_membership(actor=person, membership=first.membership)

    again = do_join_campaign(user=person, campaign=campaign)

    assert again.membership.status == MembershipStatus.APPLIED
    assert campaign_stats(campaign=campaign).signups == 1


def test_approvals_count_signups_whose_membership_is_approved(campaign: Campaign, leader: User) -> None:
    # Given three sign-ups...
    joins = [do_join_campaign(user=UserFactory.create(), campaign=campaign) for _ in range(3)]

    # When the leader approves two of them...
    for join in joins[:2]:
        do_approve_membership(actor=leader, membership=join.membership)

    # ...then the campaign counts two approvals, read from the memberships.
    stats = campaign_stats(campaign=campaign)
    assert (stats.signups, stats.approvals) == (3, 2)

    # ...and one who withdraws no longer counts as approved.
    do_withdraw_membership(actor=joins[0].membership.user, membership=joins[0].membership)
    assert campaign_stats(campaign=campaign).approvals == 1


def test_open_group_approves_at_once_and_counts_as_approval(admin: User) -> None:
    open_group = make_group("Nabohjelp", join_policy=JoinPolicy.OPEN)
    campaign = do_create_campaign(actor=admin, group=open_group, name="Nabo")

    join = do_join_campaign(user=UserFactory.create(), campaign=campaign)

    assert join.membership.status == MembershipStatus.APPROVED
    assert campaign_stats(campaign=campaign).approvals == 1


def test_approvals_in_other_groups_do_not_count(campaign: Campaign, admin: User) -> None:
    # Given a sign-up who is approved in some other group but only applied in the campaign's...
    person = UserFactory.create()
    do_join_campaign(user=person, campaign=campaign)
    make_member(make_group("Leksehjelp"), person)

    assert campaign_stats(campaign=campaign).approvals == 0
