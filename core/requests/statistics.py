"""Figures for following up: requests by outcome, times to offer and agreement, sign-ups over time.

Every figure is defined in docs/statistics.md; this module is the one place that computes them.
All counting happens in PostgreSQL, in a fixed number of queries whatever the number of requests.
"""

import calendar
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any, Literal, get_args
from uuid import UUID
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import (
    Aggregate,
    Count,
    DateField,
    DurationField,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import TruncDay, TruncMonth, TruncWeek
from django.utils.translation import gettext as _

from core.accounts.models import User
from core.groups.models import Category, Channel, Group, Membership, MembershipStatus, Role
from core.groups.permissions import is_tenant_admin

from .models import HelpRequest, Offer, OfferStatus, RequestState

Bucket = Literal["day", "week", "month"]
BUCKETS: tuple[str, ...] = get_args(Bucket)

# A longer period would make day buckets unreadable and the queries scan years of rows for one chart.
MAX_YEARS = 3

_TRUNC = {"day": TruncDay, "week": TruncWeek, "month": TruncMonth}


# --- What the caller gets ----------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    """Inclusive dates in the tenant's time zone (settings.TIME_ZONE)."""

    start: date
    end: date


@dataclass(frozen=True)
class RequestTotals:
    posted: int
    # Reached agreement at some time (agreed_at set), whatever happened after.
    agreed: int
    # The current state of the requests posted in the period; these five add up to `posted`.
    open: int
    in_agreement: int
    completed: int
    cancelled: int
    expired: int
    agreement_rate: float | None
    expiry_rate: float | None
    median_time_to_first_offer: timedelta | None
    median_time_to_agreement: timedelta | None
    active_helpers: int


@dataclass(frozen=True)
class RequestBucket:
    """Requests posted in one bucket, counted by what has become of them so far."""

    start: date
    posted: int
    agreed: int
    completed: int
    expired: int
    # The current state of the bucket's requests, as in the totals; these five add up to `posted`.
    open: int = 0
    in_agreement: int = 0
    cancelled: int = 0
    # Over the bucket's requests that reached agreement; None when none did.
    median_time_to_agreement: timedelta | None = None

    @property
    def expiry_rate(self) -> float | None:
        return _rate(self.expired, self.posted)


@dataclass(frozen=True)
class Breakdown:
    """One category's or channel's share; `id` is None for requests without a category."""

    id: UUID | None
    name: str
    posted: int
    agreed: int
    expired: int
    expiry_rate: float | None


@dataclass(frozen=True)
class MembershipBucket:
    start: date
    applications: int
    approvals: int


@dataclass(frozen=True)
class MembershipStatistics:
    applications: int
    approvals: int
    series: tuple[MembershipBucket, ...]


@dataclass(frozen=True)
class RequestStatistics:
    period: Period
    bucket: Bucket
    totals: RequestTotals
    series: tuple[RequestBucket, ...]
    by_category: tuple[Breakdown, ...]
    by_channel: tuple[Breakdown, ...]
    memberships: MembershipStatistics


# --- SQL building blocks -----------------------------------------------------------------------


class Median(Aggregate):
    """PostgreSQL's continuous median: interpolates between the two middle values of an even count.

    NULLs are skipped, so the median of `first_offer_at - created_at` is over requests that got one.
    """

    function = "percentile_cont"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = DurationField()


_AGREED = Q(agreed_at__isnull=False)


def _outcomes() -> dict[str, Aggregate]:
    return {
        "posted": Count("pk"),
        "agreed": Count("pk", filter=_AGREED),
        "completed": Count("pk", filter=Q(state=RequestState.COMPLETED)),
        "expired": Count("pk", filter=Q(state=RequestState.EXPIRED)),
    }


def _rate(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def _tz() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def _bounds(period: Period) -> tuple[datetime, datetime]:
    """Local midnight at the start, and local midnight after the last day (exclusive)."""
    tz = _tz()
    return (
        datetime.combine(period.start, time.min, tzinfo=tz),
        datetime.combine(period.end + timedelta(days=1), time.min, tzinfo=tz),
    )


def _trunc(field: str, bucket: Bucket) -> Any:
    return _TRUNC[bucket](field, output_field=DateField(), tzinfo=_tz())


def _bucket_start(day: date, bucket: Bucket) -> date:
    if bucket == "week":
        return day - timedelta(days=day.weekday())
    if bucket == "month":
        return day.replace(day=1)
    return day


def _bucket_starts(period: Period, bucket: Bucket) -> Iterator[date]:
    """Every bucket the period touches, so a chart shows empty weeks as zero rather than skipping them."""
    current = _bucket_start(period.start, bucket)
    while current <= period.end:
        yield current
        if bucket == "day":
            current += timedelta(days=1)
        elif bucket == "week":
            current += timedelta(days=7)
        else:
            current += timedelta(days=calendar.monthrange(current.year, current.month)[1])


def _three_years_after(day: date) -> date:
    try:
        return day.replace(year=day.year + MAX_YEARS)
    except ValueError:  # 29 February
        return day.replace(year=day.year + MAX_YEARS, month=3, day=1)


# --- Checks ------------------------------------------------------------------------------------


def check_statistics_input(*, period: Period, bucket: str) -> None:
    """Field errors keyed as the API's query parameters are named."""
    errors: dict[str, str] = {}
    if period.end < period.start:
        errors["end"] = _("The end date must not be before the start date.")
    elif period.end >= _three_years_after(period.start):
        errors["end"] = _("A period can be at most %(years)d years long.") % {"years": MAX_YEARS}
    if bucket not in BUCKETS:
        errors["bucket"] = _("Choose day, week or month.")
    if errors:
        raise ValidationError(errors)


def _led_groups(viewer: User) -> "QuerySet[Membership, Any]":
    return Membership.objects.filter(
        user=viewer, status=MembershipStatus.APPROVED, role=Role.LEADER, group__archived_at__isnull=True
    ).values("group_id")


def _channels_of(groups: Any) -> Q:
    """Channels that any of `groups` (a group id or a subquery of ids) publishes into or answers."""
    through_publishing = Channel.publishing_groups.through.objects.filter(group_id__in=groups).values("channel_id")
    through_answering = Channel.answering_groups.through.objects.filter(group_id__in=groups).values("channel_id")
    return Q(pk__in=through_publishing) | Q(pk__in=through_answering)


def check_can_see_statistics(*, viewer: User, group_id: UUID | None, channel_id: UUID | None) -> None:
    """Admins see everything; a leader sees a group they lead, or a channel such a group publishes into or answers.

    A leader must name the group or channel: the whole tenant's figures are for admins only.
    """
    if is_tenant_admin(viewer):
        return
    if not (viewer.is_authenticated and viewer.is_active) or not _led_groups(viewer).exists():
        raise PermissionDenied(_("Only the tenant's admins and group leaders may see statistics."))
    if group_id is not None:
        allowed = _led_groups(viewer).filter(group_id=group_id).exists()
    elif channel_id is not None:
        allowed = Channel.objects.filter(_channels_of(_led_groups(viewer)), pk=channel_id).exists()
    else:
        allowed = False
    if not allowed:
        raise PermissionDenied(
            _(
                "Group leaders see statistics for a group they lead, or for a channel that such a group "
                "publishes into or answers."
            )
        )


def _check_known(*, viewer: User, group_id: UUID | None, channel_id: UUID | None, category_id: UUID | None) -> None:
    """Unknown ids are a field error. Only admins are told: a leader's group and channel are known."""
    errors: dict[str, str] = {}
    admin = is_tenant_admin(viewer)
    if admin and group_id is not None and not Group.objects.filter(pk=group_id).exists():
        errors["group"] = _("No such group.")
    if admin and channel_id is not None and not Channel.objects.filter(pk=channel_id).exists():
        errors["channel"] = _("No such channel.")
    if category_id is not None and not Category.objects.filter(pk=category_id).exists():
        errors["category"] = _("No such category.")
    if errors:
        raise ValidationError(errors)


# --- Selectors ---------------------------------------------------------------------------------


def _requests(
    *, period: Period, group_id: UUID | None, channel_id: UUID | None, category_id: UUID | None
) -> QuerySet[HelpRequest]:
    since, until = _bounds(period)
    requests = HelpRequest.objects.filter(created_at__gte=since, created_at__lt=until).order_by()
    return _filtered(requests, group_id=group_id, channel_id=channel_id, category_id=category_id)


def _filtered(
    requests: QuerySet[HelpRequest], *, group_id: UUID | None, channel_id: UUID | None, category_id: UUID | None
) -> QuerySet[HelpRequest]:
    if group_id is not None:
        # Subqueries, not joins through the many-to-many tables: a join would count a request once
        # per group of its channel.
        in_group_channels = Channel.objects.filter(_channels_of([group_id])).values("pk")
        requests = requests.filter(Q(poster_group_id=group_id) | Q(channel_id__in=in_group_channels))
    if channel_id is not None:
        requests = requests.filter(channel_id=channel_id)
    if category_id is not None:
        requests = requests.filter(category_id=category_id)
    return requests


def _memberships(*, viewer: User, group_id: UUID | None, channel_id: UUID | None) -> QuerySet[Membership]:
    """The memberships the figures cover: the group; else the channel's groups (a leader: those they lead)."""
    memberships = Membership.objects.order_by()
    if group_id is not None:
        return memberships.filter(group_id=group_id)
    if channel_id is not None:
        channel_groups = Group.objects.filter(Q(publishes_in=channel_id) | Q(answers_in=channel_id)).values("pk")
        memberships = memberships.filter(group_id__in=channel_groups)
        if not is_tenant_admin(viewer):
            memberships = memberships.filter(group_id__in=_led_groups(viewer))
    return memberships


def _totals(requests: QuerySet[HelpRequest]) -> RequestTotals:
    row = requests.aggregate(
        **_outcomes(),
        open=Count("pk", filter=Q(state=RequestState.OPEN)),
        in_agreement=Count("pk", filter=Q(state=RequestState.AGREED)),
        cancelled=Count("pk", filter=Q(state=RequestState.CANCELLED)),
        to_first_offer=Median(F("first_offer_at") - F("created_at")),
        to_agreement=Median(F("agreed_at") - F("created_at")),
    )
    # Accepted now: an agreement that was cancelled (offer status "cancelled") is not help given.
    active_helpers = (
        Offer.objects.filter(request__in=requests, status=OfferStatus.ACCEPTED).values("helper").distinct().count()
    )
    posted = row["posted"]
    return RequestTotals(
        posted=posted,
        agreed=row["agreed"],
        open=row["open"],
        in_agreement=row["in_agreement"],
        completed=row["completed"],
        cancelled=row["cancelled"],
        expired=row["expired"],
        agreement_rate=_rate(row["agreed"], posted),
        expiry_rate=_rate(row["expired"], posted),
        median_time_to_first_offer=row["to_first_offer"],
        median_time_to_agreement=row["to_agreement"],
        active_helpers=active_helpers,
    )


def _series(requests: QuerySet[HelpRequest], *, period: Period, bucket: Bucket) -> tuple[RequestBucket, ...]:
    rows = (
        requests.annotate(bucket=_trunc("created_at", bucket))
        .values("bucket")
        .annotate(
            **_outcomes(),
            open=Count("pk", filter=Q(state=RequestState.OPEN)),
            in_agreement=Count("pk", filter=Q(state=RequestState.AGREED)),
            cancelled=Count("pk", filter=Q(state=RequestState.CANCELLED)),
            to_agreement=Median(F("agreed_at") - F("created_at")),
        )
    )
    found: Mapping[date, Mapping[str, Any]] = {row["bucket"]: row for row in rows}
    empty: Mapping[str, Any] = {
        "posted": 0,
        "agreed": 0,
        "completed": 0,
        "expired": 0,
        "open": 0,
        "in_agreement": 0,
        "cancelled": 0,
        "to_agreement": None,
    }
    return tuple(
        RequestBucket(
            start=start,
            posted=(row := found.get(start, empty))["posted"],
            agreed=row["agreed"],
            completed=row["completed"],
            expired=row["expired"],
            open=row["open"],
            in_agreement=row["in_agreement"],
            cancelled=row["cancelled"],
            median_time_to_agreement=row["to_agreement"],
        )
        for start in _bucket_starts(period, bucket)
    )


def _breakdown(requests: QuerySet[HelpRequest], *, by: Literal["category", "channel"]) -> tuple[Breakdown, ...]:
    counts = _outcomes()
    del counts["completed"]
    # Categories in the order the admin gave them; requests without a category last.
    order = ("category__position", "category__name") if by == "category" else ("channel__name",)
    rows = (
        requests.values(f"{by}_id", f"{by}__name")
        .annotate(**counts)
        .order_by(*(F(field).asc(nulls_last=True) for field in order), f"{by}_id")
    )
    return tuple(
        Breakdown(
            id=row[f"{by}_id"],
            name=row[f"{by}__name"] if row[f"{by}_id"] is not None else _("Without a category"),
            posted=row["posted"],
            agreed=row["agreed"],
            expired=row["expired"],
            expiry_rate=_rate(row["expired"], row["posted"]),
        )
        for row in rows
    )


def _membership_statistics(
    memberships: QuerySet[Membership], *, period: Period, bucket: Bucket
) -> MembershipStatistics:
    since, until = _bounds(period)
    applied = (
        memberships.filter(applied_at__gte=since, applied_at__lt=until)
        .annotate(bucket=_trunc("applied_at", bucket))
        .values("bucket")
        .annotate(n=Count("pk"))
    )
    approved = (
        memberships.filter(status=MembershipStatus.APPROVED, status_changed_at__gte=since, status_changed_at__lt=until)
        .annotate(bucket=_trunc("status_changed_at", bucket))
        .values("bucket")
        .annotate(n=Count("pk"))
    )
    applications = {row["bucket"]: row["n"] for row in applied}
    approvals = {row["bucket"]: row["n"] for row in approved}
    series = tuple(
        MembershipBucket(start=start, applications=applications.get(start, 0), approvals=approvals.get(start, 0))
        for start in _bucket_starts(period, bucket)
    )
    return MembershipStatistics(
        applications=sum(applications.values()), approvals=sum(approvals.values()), series=series
    )


def request_statistics(
    *,
    viewer: User,
    period: Period,
    group_id: UUID | None = None,
    channel_id: UUID | None = None,
    category_id: UUID | None = None,
    bucket: Bucket = "week",
) -> RequestStatistics:
    """The follow-up figures for requests posted in `period` and for sign-ups in it.

    At most ten queries, however many rows: up to two for a leader's rights, up to three for the
    ids given, then one each for the totals with medians, active helpers, the series, the two
    breakdowns, applications and approvals.
    """
    check_statistics_input(period=period, bucket=bucket)
    check_can_see_statistics(viewer=viewer, group_id=group_id, channel_id=channel_id)
    _check_known(viewer=viewer, group_id=group_id, channel_id=channel_id, category_id=category_id)

    requests = _requests(period=period, group_id=group_id, channel_id=channel_id, category_id=category_id)
    memberships = _memberships(viewer=viewer, group_id=group_id, channel_id=channel_id)
    return RequestStatistics(
        period=period,
        bucket=bucket,
        totals=_totals(requests),
        series=_series(requests, period=period, bucket=bucket),
        by_category=_breakdown(requests, by="category"),
        by_channel=_breakdown(requests, by="channel"),
        memberships=_membership_statistics(memberships, period=period, bucket=bucket),
    )


# --- For the dashboard: what stands now, and each group's share ----------------------------------


def open_requests_now(*, viewer: User, group_id: UUID | None = None, channel_id: UUID | None = None) -> int:
    """Requests open at this moment, whenever they were posted, with the same filters and rights as above."""
    check_can_see_statistics(viewer=viewer, group_id=group_id, channel_id=channel_id)
    _check_known(viewer=viewer, group_id=group_id, channel_id=channel_id, category_id=None)
    requests = HelpRequest.objects.filter(state=RequestState.OPEN).order_by()
    return _filtered(requests, group_id=group_id, channel_id=channel_id, category_id=None).count()


class _SubqueryCount(Subquery):
    """The number of rows a subquery finds, as a column of the outer query."""

    template = "(SELECT count(*) FROM (%(subquery)s) _count)"
    output_field = IntegerField()


def _of_outer_group(requests: QuerySet[HelpRequest]) -> QuerySet[HelpRequest]:
    """The requests that the `group` filter keeps for the group of the outer query (same rule as _filtered)."""
    group = OuterRef(OuterRef("pk"))
    publishing = Channel.publishing_groups.through.objects.filter(channel_id=OuterRef("channel_id"), group_id=group)
    answering = Channel.answering_groups.through.objects.filter(channel_id=OuterRef("channel_id"), group_id=group)
    return requests.filter(Q(poster_group_id=OuterRef("pk")) | Q(Exists(publishing)) | Q(Exists(answering)))


def group_breakdown(*, viewer: User, period: Period) -> tuple[Breakdown, ...]:
    """For each group the viewer may follow (admins: every group in use; leaders: those they lead), in name order.

    Each row counts the requests posted in the period that the `group` filter keeps for that group, so a
    request shows in the row of the group that posted it and of every group of its channel. Groups with
    nothing posted are listed with zeros. One query, however many groups; two more for a leader's rights.
    """
    check_statistics_input(period=period, bucket="day")
    if is_tenant_admin(viewer):
        groups = Group.objects.filter(archived_at__isnull=True)
    elif viewer.is_authenticated and viewer.is_active and _led_groups(viewer).exists():
        groups = Group.objects.filter(pk__in=_led_groups(viewer))
    else:
        raise PermissionDenied(_("Only the tenant's admins and group leaders may see statistics."))
    since, until = _bounds(period)
    posted = _of_outer_group(HelpRequest.objects.filter(created_at__gte=since, created_at__lt=until).order_by())
    rows = (
        groups.order_by("name", "pk")
        .annotate(
            posted=_SubqueryCount(posted.values("pk")),
            agreed=_SubqueryCount(posted.filter(_AGREED).values("pk")),
            expired=_SubqueryCount(posted.filter(state=RequestState.EXPIRED).values("pk")),
        )
        .values_list("pk", "name", "posted", "agreed", "expired")
    )
    return tuple(
        Breakdown(id=pk, name=name, posted=n, agreed=agreed, expired=expired, expiry_rate=_rate(expired, n))
        for pk, name, n, agreed, expired in rows
    )
