"""Every write about campaigns: creating and changing them, counting visits, joining through them."""

import uuid
from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.accounts.models import User
from core.audit.services import record
from core.groups.models import Group, Membership
from core.groups.permissions import ACTIVE_STATUSES, check_can_manage_group
from core.groups.services import do_apply

from .models import Campaign, CampaignSignup, CampaignVisit
from .selectors import group_accepts_campaigns, open_campaigns


def _check_dates(*, starts_at: datetime | None, ends_at: datetime | None) -> None:
    if starts_at is not None and ends_at is not None and ends_at <= starts_at:
        raise ValidationError({"ends_at": _("A campaign must end after it starts.")})


def _check_name(name: str) -> str:
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("Give the campaign a name.")})
    return name


@transaction.atomic
def do_create_campaign(
    *,
    actor: User,
    group: Group,
    name: str,
    starts_at: datetime | None = None,
    ends_at: datetime | None = None,
) -> Campaign:
    """A new campaign for a group; the group's leaders and the tenant's admins may create one."""
    check_can_manage_group(actor, group)
    if not group_accepts_campaigns(group):
        raise ValidationError(
            {
                "group": _(
                    "Campaigns are for public and private groups that people may apply to. "
                    "Invite people to secret and invitation-only groups instead."
                )
            }
        )
    name = _check_name(name)
    _check_dates(starts_at=starts_at, ends_at=ends_at)
    campaign = Campaign.objects.create(name=name, group=group, starts_at=starts_at, ends_at=ends_at, created_by=actor)
    record(action="campaign.created", actor=actor, target=campaign, data={"group": str(group.pk)})
    return campaign


@transaction.atomic
def do_update_campaign(
    *,
    actor: User,
    campaign: Campaign,
    name: str,
    is_active: bool,
    starts_at: datetime | None,
    ends_at: datetime | None,
) -> Campaign:
    """Rename, pause or resume a campaign, or change its dates (all fields given, as they should end up)."""
    campaign = Campaign.objects.select_for_update().select_related("group").get(pk=campaign.pk)
    check_can_manage_group(actor, campaign.group)
    if campaign.archived_at is not None:
        raise ValidationError(_("This campaign is archived and can no longer be changed."))
    name = _check_name(name)
    _check_dates(starts_at=starts_at, ends_at=ends_at)
    wanted = {"name": name, "is_active": is_active, "starts_at": starts_at, "ends_at": ends_at}
    changed = [field for field, value in wanted.items() if getattr(campaign, field) != value]
    if not changed:
        return campaign
    for field in changed:
        setattr(campaign, field, wanted[field])
    campaign.save(update_fields=changed)
    record(action="campaign.updated", actor=actor, target=campaign, data={"fields": sorted(changed)})
    return campaign


@transaction.atomic
def do_archive_campaign(*, actor: User, campaign: Campaign) -> Campaign:
    """Close a campaign for good: its link answers like an unknown code, its counts stay."""
    campaign = Campaign.objects.select_for_update().select_related("group").get(pk=campaign.pk)
    check_can_manage_group(actor, campaign.group)
    if campaign.archived_at is not None:
        return campaign
    campaign.archived_at = timezone.now()
    campaign.is_active = False
    campaign.save(update_fields=["archived_at", "is_active"])
    record(action="campaign.archived", actor=actor, target=campaign)
    return campaign


def _check_open(campaign: Campaign) -> None:
    """A closed campaign (paused, expired, archived, its group hidden) answers like an unknown code."""
    if not open_campaigns().filter(pk=campaign.pk).exists():
        raise Campaign.DoesNotExist


def do_record_visit(*, campaign: Campaign, known_visit_id: uuid.UUID | None = None) -> CampaignVisit:
    """Count a visit, unless the visitor's session or app already holds a visit of this campaign."""
    _check_open(campaign)
    if known_visit_id is not None:
        known = CampaignVisit.objects.filter(pk=known_visit_id, campaign=campaign).first()
        if known is not None:
            return known
    return CampaignVisit.objects.create(campaign=campaign)


@dataclass(frozen=True)
class CampaignJoin:
    membership: Membership
    # None when the person was already an applicant or member of the group: not a recruitment.
    signup: CampaignSignup | None


@transaction.atomic
def do_join_campaign(*, user: User, campaign: Campaign, visit_id: uuid.UUID | None = None) -> CampaignJoin:
    """Apply to the campaign's group and count the sign-up, once per person.

    The account counts as new when it was created after the visit that led here; without a
    known visit (a lost session) it counts as existing, so the figure never overstates.
    """
    _check_open(campaign)
    existing = Membership.objects.filter(group_id=campaign.group_id, user=user).first()
    already_in = existing is not None and existing.status in ACTIVE_STATUSES
    membership = do_apply(user=user, group=campaign.group)
    signup = CampaignSignup.objects.filter(campaign=campaign, user=user).first()
    if signup is not None or already_in:
        return CampaignJoin(membership=membership, signup=signup)

    visit = None
    if visit_id is not None:
        visit = CampaignVisit.objects.filter(pk=visit_id, campaign=campaign, signup__isnull=True).first()
    signup, created = CampaignSignup.objects.get_or_create(
        campaign=campaign,
        user=user,
        defaults={"visit": visit, "is_new_account": visit is not None and user.date_joined >= visit.visited_at},
    )
    if created:
        record(
            action="campaign.signed_up",
            actor=user,
            target=campaign,
            data={"membership": str(membership.pk), "new_account": signup.is_new_account},
        )
    return CampaignJoin(membership=membership, signup=signup)
