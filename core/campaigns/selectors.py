"""Reads about campaigns: which are open, who manages which, and what each has achieved."""

import uuid
from dataclasses import dataclass

from django.db.models import Count, Exists, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from core.accounts.models import User
from core.groups.models import Group, JoinPolicy, Membership, MembershipStatus, Role, Visibility
from core.groups.permissions import is_tenant_admin
from onboarding.dpa import current_tenant_has_written_dpa

from .models import Campaign, CampaignSignup, CampaignVisit


def campaigns_open_for_tenant() -> bool:
    """Whether this tenant may run campaigns at all.

    Closed until the tenant has accepted the DPA in writing (GDPR Art. 28(9)): an oral intent lets
    admins configure, not recruit. Every public campaign read and every join asks this function.
    """
    return current_tenant_has_written_dpa()


def group_accepts_campaigns(group: Group) -> bool:
    """A campaign is an open invitation to apply, so it cannot serve a secret or invitation-only group.

    A secret group exists only for its members and an invitation-only group only for the people
    invited: a public link would break either promise. Invite people to those groups instead.
    """
    return (
        group.archived_at is None
        and group.visibility != Visibility.SECRET
        and group.join_policy != JoinPolicy.INVITATION
    )


def open_campaigns() -> QuerySet[Campaign]:
    """Campaigns a visitor may open right now: active, within their dates, for a group that accepts them."""
    now = timezone.now()
    if not campaigns_open_for_tenant():
        return Campaign.objects.none()
    return (
        Campaign.objects.filter(is_active=True, archived_at__isnull=True, group__archived_at__isnull=True)
        .filter(Q(starts_at__isnull=True) | Q(starts_at__lte=now))
        .filter(Q(ends_at__isnull=True) | Q(ends_at__gt=now))
        .exclude(group__visibility=Visibility.SECRET)
        .exclude(group__join_policy=JoinPolicy.INVITATION)
    )


def get_open_campaign(*, code: str) -> Campaign:
    """The open campaign with this code; unknown, paused, expired and closed codes all raise DoesNotExist alike."""
    return open_campaigns().select_related("group").get(code=code)


def campaigns_managed_by(user: User) -> QuerySet[Campaign]:
    """Campaigns the person may see and change: all for the tenant's admins, their groups' for leaders."""
    if is_tenant_admin(user):
        return Campaign.objects.all()
    led = Membership.objects.filter(user=user, status=MembershipStatus.APPROVED, role=Role.LEADER).values("group_id")
    return Campaign.objects.filter(group_id__in=Subquery(led))


def get_managed_campaign(*, user: User, campaign_id: uuid.UUID) -> Campaign:
    """One campaign the person manages; any other id raises DoesNotExist (404), not 403."""
    return with_stats(campaigns_managed_by(user)).select_related("group").get(pk=campaign_id)


def _count(queryset: QuerySet[CampaignVisit] | QuerySet[CampaignSignup]) -> Coalesce:
    counted = queryset.order_by().values("campaign_id").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def with_stats(queryset: QuerySet[Campaign]) -> QuerySet[Campaign]:
    """Annotate visit_count, signup_count, new_account_count and approval_count, one subquery each.

    Approvals are sign-ups whose membership in the campaign's group is approved now: read from
    the memberships, so approving a member needs no hook into campaigns.
    """
    approved = Membership.objects.filter(
        group_id=OuterRef("campaign__group_id"), user_id=OuterRef("user_id"), status=MembershipStatus.APPROVED
    )
    signups = CampaignSignup.objects.filter(campaign_id=OuterRef("pk"))
    return queryset.annotate(
        visit_count=_count(CampaignVisit.objects.filter(campaign_id=OuterRef("pk"))),
        signup_count=_count(signups),
        new_account_count=_count(signups.filter(is_new_account=True)),
        approval_count=_count(signups.filter(Exists(approved))),
    )


STAT_FIELDS = ("visit_count", "signup_count", "new_account_count", "approval_count")


@dataclass(frozen=True)
class CampaignStats:
    visits: int
    signups: int
    new_accounts: int
    approvals: int


def campaign_stats(*, campaign: Campaign) -> CampaignStats:
    """What the campaign has achieved so far, in one query."""
    row = with_stats(Campaign.objects.filter(pk=campaign.pk)).values(*STAT_FIELDS)[0]
    return CampaignStats(
        visits=row["visit_count"],
        signups=row["signup_count"],
        new_accounts=row["new_account_count"],
        approvals=row["approval_count"],
    )
