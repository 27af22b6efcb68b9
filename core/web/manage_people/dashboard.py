"""The dashboard: key figures and charts of the statistics service, for admins and group leaders."""

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from core.groups.models import Group
from core.groups.permissions import is_tenant_admin
from core.groups.selectors import applicants_managed_by, groups_managed_by
from core.qualification.services import add_months
from core.requests.statistics import (
    Breakdown,
    Bucket,
    Period,
    RequestStatistics,
    group_breakdown,
    open_requests_now,
    request_statistics,
)

from .. import charts
from ..charts import Series
from ..pages import manager_required
from .common import duration_text, page, percent, person
from .forms import DashboardForm


@dataclass(frozen=True)
class Choice:
    period: Period
    bucket: Bucket


def period_for(choice: str, *, today: date) -> Choice:
    """The period a chooser value names, ending today, with buckets that keep a chart readable."""
    if choice == "12m":
        return Choice(Period(start=add_months(today.replace(day=1), -11), end=today), "month")
    if choice == "year":
        return Choice(Period(start=today.replace(month=1, day=1), end=today), "month")
    return Choice(Period(start=today - timedelta(days=29), end=today), "day")


def _bucket_label(start: date, bucket: Bucket) -> str:
    if bucket == "month":
        return formats.date_format(start, "M Y")
    return formats.date_format(start, "j M")


def _hours(value: float) -> str:
    return _("%(hours)s h") % {"hours": formats.number_format(round(value, 1), decimal_pos=1 if value % 1 else 0)}


def _charts(statistics: RequestStatistics, groups: tuple[Breakdown, ...]) -> dict[str, charts.Chart]:
    bucket = statistics.bucket
    heading = {"day": _("Day"), "week": _("Week starting"), "month": _("Month")}[bucket]
    labels = [_bucket_label(row.start, bucket) for row in statistics.series]
    sign_ups = statistics.memberships.series
    signups = [_bucket_label(row.start, bucket) for row in sign_ups]
    series = statistics.series
    result = {
        "signups": charts.line_chart(
            title=_("Applications and approvals"),
            label_heading=heading,
            labels=signups,
            series=[
                Series(
                    _("Applied or joined"), tuple(r.applications for r in statistics.memberships.series), charts.BLUE
                ),
                Series(_("Approved"), tuple(r.approvals for r in statistics.memberships.series), charts.GREEN, "6 4"),
            ],
        ),
        "states": charts.stacked_bar_chart(
            title=_("Requests by what became of them"),
            label_heading=heading,
            labels=labels,
            series=[
                Series(_("Completed"), tuple(r.completed for r in series), charts.GREEN),
                Series(_("Agreed"), tuple(r.in_agreement for r in series), charts.BLUE),
                Series(_("Open"), tuple(r.open for r in series), charts.AMBER),
                Series(_("Cancelled"), tuple(r.cancelled for r in series), charts.GREY),
                Series(_("Expired"), tuple(r.expired for r in series), charts.RED),
            ],
            total_heading=_("Posted"),
        ),
        "expiry": charts.line_chart(
            title=_("Expiry rate"),
            label_heading=heading,
            labels=labels,
            series=[Series(_("Expired of those posted"), tuple(r.expiry_rate for r in series), charts.RED)],
            fmt=percent,
            integer=False,
        ),
        "agreement": charts.line_chart(
            title=_("Median time to agreement"),
            label_heading=heading,
            labels=labels,
            series=[
                Series(
                    _("Hours from posting to agreement"),
                    tuple(
                        r.median_time_to_agreement.total_seconds() / 3600
                        if r.median_time_to_agreement is not None
                        else None
                        for r in series
                    ),
                    charts.PURPLE,
                )
            ],
            fmt=_hours,
            integer=False,
        ),
    }
    for key, rows, title, label_heading in (
        ("groups", groups, _("Requests per group"), _("Group")),
        ("channels", statistics.by_channel, _("Requests per channel"), _("Channel")),
    ):
        if rows:
            result[key] = charts.horizontal_bar_chart(
                title=title,
                label_heading=label_heading,
                labels=[row.name for row in rows],
                series=[
                    Series(_("Posted"), tuple(row.posted for row in rows), charts.BLUE),
                    Series(_("Agreed"), tuple(row.agreed for row in rows), charts.GREEN),
                    Series(_("Expired"), tuple(row.expired for row in rows), charts.RED),
                ],
            )
    return result


@require_GET
@manager_required
def dashboard(request: HttpRequest) -> HttpResponse:
    viewer = person(request)
    admin = is_tenant_admin(viewer)
    groups = groups_managed_by(viewer).filter(archived_at__isnull=True)
    form = DashboardForm(request.GET or None, groups=groups, whole_tenant=admin)
    status = 200
    chosen_period, group = "30d", None
    if form.is_bound:
        if form.is_valid():
            chosen_period = form.cleaned_data["period"] or "30d"
            group = form.cleaned_data["group"]
        else:
            status = 400
    if group is None and not admin:
        # Leaders follow one group at a time: the whole tenant's figures are the admins'.
        group = groups.first()
        form.initial = {"group": group}
    context: dict[str, Any] = {"form": form, "group": group, "no_group": group is None and not admin}
    if not context["no_group"]:
        choice = period_for(chosen_period, today=timezone.localdate())
        group_id = group.pk if isinstance(group, Group) else None
        statistics = request_statistics(viewer=viewer, period=choice.period, group_id=group_id, bucket=choice.bucket)
        breakdown = group_breakdown(viewer=viewer, period=choice.period)
        applicants = applicants_managed_by(viewer)
        if group_id is not None:
            applicants = applicants.filter(group_id=group_id)
        context.update(
            statistics=statistics,
            totals=statistics.totals,
            open_now=open_requests_now(viewer=viewer, group_id=group_id),
            applicants_waiting=applicants.count(),
            expiry_rate=percent(statistics.totals.expiry_rate),
            time_to_agreement=duration_text(statistics.totals.median_time_to_agreement),
            charts=_charts(statistics, breakdown),
            group_rows=[(row, percent(row.expiry_rate)) for row in breakdown],
        )
    return page(request, "web/manage/people/dashboard.html", context, status=status)
