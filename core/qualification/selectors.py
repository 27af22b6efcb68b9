"""Reads about qualification: what a group requires and what a membership still misses."""

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import date
from uuid import UUID

from django.db import models
from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.accounts.models import User
from core.groups.models import ENDED_STATUSES, Group, Membership, MembershipStatus
from core.groups.permissions import can_manage_group, can_see_group

from .models import (
    RECORD_MODEL_FOR_KIND,
    Declaration,
    DeclarationSignature,
    DeclarationVersion,
    QualificationRecord,
    Requirement,
    RequirementKind,
)


class RequirementState(models.TextChoices):
    MET = "met", gettext_lazy("met")
    # Signed an older version of the declaration; counts until the re-sign deadline, but not for approval.
    RESIGN_DUE = "resign_due", gettext_lazy("a new version must be signed")
    MISSING = "missing", gettext_lazy("not met")
    EXPIRED = "expired", gettext_lazy("expired")


@dataclass(frozen=True)
class ChecklistItem:
    requirement: Requirement
    state: RequirementState
    # The day the requirement was met (shown, completed, verified, confirmed, signed).
    done_on: date | None
    # The day it stops counting; None = never.
    expires_on: date | None
    # Why it is not met, in the active language; empty when met.
    problem: str

    @property
    def met(self) -> bool:
        return self.state == RequirementState.MET

    @property
    def counts_now(self) -> bool:
        """Whether it still counts for an approved member today (a re-sign grace period counts)."""
        return self.state in (RequirementState.MET, RequirementState.RESIGN_DUE)


def age_on(birth_date: date, day: date) -> int:
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


def _date(value: date) -> str:
    return formats.date_format(value, "SHORT_DATE_FORMAT")


def latest_versions(declaration_ids: set[UUID]) -> dict[UUID, DeclarationVersion]:
    """The newest version of each declaration, in one query."""
    if not declaration_ids:
        return {}
    versions = (
        DeclarationVersion.objects.filter(declaration_id__in=declaration_ids)
        .order_by("declaration_id", "-number")
        .distinct("declaration_id")
    )
    return {version.declaration_id: version for version in versions}


def _records_for(membership: Membership, requirements: list[Requirement]) -> dict[UUID, QualificationRecord]:
    records: dict[UUID, QualificationRecord] = {}
    kinds = {requirement.kind for requirement in requirements}
    for kind, model in RECORD_MODEL_FOR_KIND.items():
        if kind in kinds:
            records.update(
                {record.requirement_id: record for record in model._default_manager.filter(membership=membership)}
            )
    return records


def _signed_numbers(user_id: UUID, declaration_ids: set[UUID]) -> dict[UUID, tuple[int, date]]:
    """The newest version number each declaration was signed in by the person, and when."""
    signed: dict[UUID, tuple[int, date]] = {}
    if not declaration_ids:
        return signed
    rows = DeclarationSignature.objects.filter(
        user_id=user_id, version__declaration_id__in=declaration_ids
    ).values_list("version__declaration_id", "version__number", "signed_at")
    for declaration_id, number, signed_at in rows:
        if declaration_id not in signed or number > signed[declaration_id][0]:
            signed[declaration_id] = (number, timezone.localdate(signed_at))
    return signed


def requirement_checklist(*, membership: Membership, today: date | None = None) -> list[ChecklistItem]:
    """Each requirement of the membership's group with its state for this member (a constant number of queries)."""
    today = today or timezone.localdate()
    requirements = list(Requirement.objects.filter(group_id=membership.group_id).select_related("declaration"))
    if not requirements:
        return []
    records = _records_for(membership, requirements)
    declaration_ids = {r.declaration_id for r in requirements if r.declaration_id is not None}
    latest = latest_versions(declaration_ids)
    signed = _signed_numbers(membership.user_id, declaration_ids)
    birth_date = (
        User.objects.filter(pk=membership.user_id).values_list("birth_date", flat=True).first()
        if any(r.kind == RequirementKind.MINIMUM_AGE for r in requirements)
        else None
    )
    return [
        _item(requirement, records=records, latest=latest, signed=signed, birth_date=birth_date, today=today)
        for requirement in requirements
    ]


def _item(
    requirement: Requirement,
    *,
    records: dict[UUID, QualificationRecord],
    latest: dict[UUID, DeclarationVersion],
    signed: dict[UUID, tuple[int, date]],
    birth_date: date | None,
    today: date,
) -> ChecklistItem:
    if requirement.kind == RequirementKind.DECLARATION:
        declaration_id = requirement.declaration_id
        version = latest.get(declaration_id) if declaration_id is not None else None
        signature = signed.get(declaration_id) if declaration_id is not None else None
        return _declaration_item(requirement, version, signature, today)
    if requirement.kind == RequirementKind.MINIMUM_AGE:
        return _age_item(requirement, birth_date, today)
    record = records.get(requirement.id)
    if record is None:
        return ChecklistItem(requirement, RequirementState.MISSING, None, None, _("not recorded yet"))
    if record.expires_on is not None and record.expires_on <= today:
        return ChecklistItem(
            requirement,
            RequirementState.EXPIRED,
            record.done_on,
            record.expires_on,
            _("expired on %(date)s") % {"date": _date(record.expires_on)},
        )
    return ChecklistItem(requirement, RequirementState.MET, record.done_on, record.expires_on, "")


def _age_item(requirement: Requirement, birth_date: date | None, today: date) -> ChecklistItem:
    minimum = requirement.min_age_years or 0
    if birth_date is None:
        return ChecklistItem(requirement, RequirementState.MISSING, None, None, _("date of birth not given"))
    if age_on(birth_date, today) < minimum:
        return ChecklistItem(
            requirement, RequirementState.MISSING, None, None, _("younger than %(years)s") % {"years": minimum}
        )
    return ChecklistItem(requirement, RequirementState.MET, None, None, "")


def _declaration_item(
    requirement: Requirement,
    version: DeclarationVersion | None,
    signature: tuple[int, date] | None,
    today: date,
) -> ChecklistItem:
    if signature is None or version is None:
        return ChecklistItem(requirement, RequirementState.MISSING, None, None, _("not signed"))
    number, signed_on = signature
    if number >= version.number:
        return ChecklistItem(requirement, RequirementState.MET, signed_on, None, "")
    deadline = version.resign_deadline
    if deadline is not None and today < deadline:
        return ChecklistItem(
            requirement,
            RequirementState.RESIGN_DUE,
            signed_on,
            deadline,
            _("version %(number)s must be signed by %(date)s") % {"number": version.number, "date": _date(deadline)},
        )
    return ChecklistItem(
        requirement,
        RequirementState.EXPIRED,
        signed_on,
        deadline,
        _("version %(number)s was not signed in time") % {"number": version.number},
    )


def unmet_requirements(*, membership: Membership, today: date | None = None) -> list[str]:
    """Human-readable list of the group's requirements this member does not meet yet, in the active language.

    A new applicant must meet every requirement outright: an old signature in its grace period does not count.
    """
    return [
        _("%(requirement)s: %(problem)s") % {"requirement": item.requirement.label, "problem": item.problem}
        for item in requirement_checklist(membership=membership, today=today)
        if not item.met
    ]


def is_currently_qualified(*, membership: Membership, today: date | None = None) -> bool:
    """Approved, and every requirement met and unexpired (a declaration in its re-sign grace period counts)."""
    if membership.status != MembershipStatus.APPROVED:
        return False
    return all(item.counts_now for item in requirement_checklist(membership=membership, today=today))


# --- Batched: who counts as qualified now, for fanning a request out and for a member's feed -------------------
#
# The same rules as requirement_checklist + ChecklistItem.counts_now, written as one filter on Membership
# rows, so thousands of members cost the same few queries as one. Tests pin that both always agree.


def latest_birth_date_for_age(*, years: int, today: date) -> date:
    """The latest date of birth of someone who is at least `years` old on `today` (as `age_on` counts)."""
    try:
        return today.replace(year=today.year - years)
    except ValueError:
        # Today is 29 February and that year has none: someone born on the 28th has had their birthday,
        # someone born on 1 March has not.
        return today.replace(year=today.year - years, day=28)


def _declaration_ids(requirements: Iterable[Requirement]) -> set[UUID]:
    return {
        requirement.declaration_id
        for requirement in requirements
        if requirement.kind == RequirementKind.DECLARATION and requirement.declaration_id is not None
    }


def _counts_now_condition(requirement: Requirement, *, latest: dict[UUID, DeclarationVersion], today: date) -> Q | None:
    """A filter on memberships that holds exactly when the requirement's item counts now; None = for nobody."""
    if requirement.kind == RequirementKind.DECLARATION:
        declaration_id = requirement.declaration_id
        version = latest.get(declaration_id) if declaration_id is not None else None
        if declaration_id is None or version is None:
            return None
        signatures = DeclarationSignature.objects.filter(
            user_id=OuterRef("user_id"), version__declaration_id=declaration_id
        )
        in_grace = version.resign_deadline is not None and today < version.resign_deadline
        if not in_grace:
            # Outside a re-sign grace period only a signature of the newest version counts.
            signatures = signatures.filter(version__number__gte=version.number)
        return Q(Exists(signatures))
    if requirement.kind == RequirementKind.MINIMUM_AGE:
        # A missing date of birth fails the comparison, as it fails the checklist.
        cutoff = latest_birth_date_for_age(years=requirement.min_age_years or 0, today=today)
        return Q(user__birth_date__lte=cutoff)
    model = RECORD_MODEL_FOR_KIND.get(requirement.kind)
    if model is None:
        return None
    # A record stops counting on its expiry day.
    unexpired = model._default_manager.filter(membership_id=OuterRef("pk"), requirement_id=requirement.pk).filter(
        Q(expires_on__isnull=True) | Q(expires_on__gt=today)
    )
    return Q(Exists(unexpired))


def _all_count_now_condition(
    requirements: Iterable[Requirement], *, latest: dict[UUID, DeclarationVersion], today: date
) -> Q | None:
    """Every requirement counts now (an empty Q for none); None when one of them can count for nobody."""
    condition = Q()
    for requirement in requirements:
        counts = _counts_now_condition(requirement, latest=latest, today=today)
        if counts is None:
            return None
        condition &= counts
    return condition


def currently_qualified_user_ids(
    *, group: Group, user_ids: Collection[UUID] | None = None, today: date | None = None
) -> set[UUID]:
    """User ids of the group's approved members who are currently qualified, in queries not growing with members.

    Agrees with is_currently_qualified for every membership; `user_ids` narrows the answer to those people.
    Two queries (the requirements, the members), three when the group requires a declaration, however many
    members and requirements.
    """
    if user_ids is not None and not user_ids:
        return set()
    today = today or timezone.localdate()
    requirements = list(Requirement.objects.filter(group_id=group.pk))
    latest = latest_versions(_declaration_ids(requirements))
    condition = _all_count_now_condition(requirements, latest=latest, today=today)
    if condition is None:
        return set()
    members = Membership.objects.filter(group_id=group.pk, status=MembershipStatus.APPROVED).filter(condition)
    if user_ids is not None:
        members = members.filter(user_id__in=user_ids)
    return set(members.values_list("user_id", flat=True))


def qualified_group_ids_for(*, user: User, group_ids: Collection[UUID], today: date | None = None) -> set[UUID]:
    """Of these groups, the ones where the user is approved and currently qualified, for a member's feed.

    Agrees with is_currently_qualified for each of the user's memberships; at most three queries, however many groups.
    """
    wanted = set(group_ids)
    if not wanted:
        return set()
    today = today or timezone.localdate()
    requirements = list(Requirement.objects.filter(group_id__in=wanted))
    latest = latest_versions(_declaration_ids(requirements))
    by_group: dict[UUID, list[Requirement]] = {}
    for requirement in requirements:
        by_group.setdefault(requirement.group_id, []).append(requirement)
    # Groups without requirements need only the approval; each other group adds its own branch.
    either = Q(group_id__in=wanted - by_group.keys())
    for group_id, own in by_group.items():
        condition = _all_count_now_condition(own, latest=latest, today=today)
        if condition is not None:
            either |= Q(group_id=group_id) & condition
    memberships = Membership.objects.filter(
        user_id=user.pk, group_id__in=wanted, status=MembershipStatus.APPROVED
    ).filter(either)
    return set(memberships.values_list("group_id", flat=True))


# --- Lookups for the API: rows the viewer may see, or DoesNotExist (a 404 that reveals nothing) -----------


def get_visible_group(*, viewer: User, group_id: UUID) -> Group:
    group = Group.objects.get(pk=group_id)
    if not can_see_group(viewer, group):
        raise Group.DoesNotExist
    return group


def requirements_of(*, group: Group) -> QuerySet[Requirement]:
    return Requirement.objects.filter(group=group).select_related("declaration")


def get_visible_requirement(*, viewer: User, requirement_id: UUID) -> Requirement:
    requirement = Requirement.objects.select_related("group", "declaration").get(pk=requirement_id)
    if not can_see_group(viewer, requirement.group):
        raise Requirement.DoesNotExist
    return requirement


def get_visible_membership(*, viewer: User, membership_id: UUID) -> Membership:
    """A membership whose checks the viewer may see: their own, or one in a group they lead (or any, for admins)."""
    membership = Membership.objects.select_related("group", "user").get(pk=membership_id)
    if membership.user_id == viewer.pk and membership.status not in ENDED_STATUSES:
        return membership
    if not can_manage_group(viewer, membership.group):
        raise Membership.DoesNotExist
    return membership


def declarations() -> QuerySet[Declaration]:
    return Declaration.objects.all()


def versions_of(*, declaration: Declaration) -> QuerySet[DeclarationVersion]:
    return DeclarationVersion.objects.filter(declaration=declaration)


def current_version(*, declaration: Declaration) -> DeclarationVersion:
    version = DeclarationVersion.objects.filter(declaration=declaration).order_by("-number").first()
    if version is None:
        raise DeclarationVersion.DoesNotExist
    return version


# --- One person's checklists across groups, for their own pages --------------------------------------------------


def checklists_for(
    *, user: User, group_ids: Collection[UUID], today: date | None = None
) -> dict[UUID, list[ChecklistItem]]:
    """Each group's requirements with their state for this person, in at most seven queries however many groups.

    Agrees with requirement_checklist for the person's membership of each group. For a group they have not
    joined, what belongs to the person alone counts (their signatures and date of birth), as it will once they
    apply; checks a leader records are still missing. Groups without requirements map to an empty list.
    """
    wanted = set(group_ids)
    checklists: dict[UUID, list[ChecklistItem]] = {group_id: [] for group_id in wanted}
    if not wanted:
        return checklists
    today = today or timezone.localdate()
    requirements = list(
        Requirement.objects.filter(group_id__in=wanted).select_related("declaration").order_by("created_at", "id")
    )
    if not requirements:
        return checklists
    records: dict[UUID, QualificationRecord] = {}
    kinds = {requirement.kind for requirement in requirements}
    requirement_ids = [requirement.pk for requirement in requirements]
    for kind, model in RECORD_MODEL_FOR_KIND.items():
        if kind in kinds:
            rows = model._default_manager.filter(membership__user_id=user.pk, requirement_id__in=requirement_ids)
            records.update({row.requirement_id: row for row in rows})
    declaration_ids = _declaration_ids(requirements)
    latest = latest_versions(declaration_ids)
    signed = _signed_numbers(user.pk, declaration_ids)
    for requirement in requirements:
        checklists[requirement.group_id].append(
            _item(requirement, records=records, latest=latest, signed=signed, birth_date=user.birth_date, today=today)
        )
    return checklists


# --- For the management pages: requirements across groups, declarations with their newest version ---------------


def requirements_for_groups(*, group_ids: Collection[UUID]) -> QuerySet[Requirement]:
    """The requirements of these groups, by group name and then in the order they were added, in one query."""
    return (
        Requirement.objects.filter(group_id__in=group_ids)
        .select_related("group", "declaration")
        .order_by("group__name", "group_id", "created_at", "id")
    )


def declarations_with_versions() -> QuerySet[Declaration]:
    """Every declaration with its newest version's number (`current_number`) and when that was published."""
    newest = DeclarationVersion.objects.filter(declaration=OuterRef("pk")).order_by("-number")
    return Declaration.objects.annotate(
        current_number=Subquery(newest.values("number")[:1]),
        current_published_at=Subquery(newest.values("published_at")[:1]),
    ).order_by("title", "id")


def requirements_asking_for(*, declaration: Declaration) -> QuerySet[Requirement]:
    """The groups' requirements that ask members to sign this declaration."""
    return Requirement.objects.filter(declaration=declaration).select_related("group").order_by("group__name")
