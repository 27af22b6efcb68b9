"""REST endpoint of the follow-up statistics; the figures and who may see them are in statistics.py."""

from datetime import timedelta
from typing import Any, cast

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_serializer
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.accounts.models import User

from .statistics import (
    Breakdown,
    MembershipBucket,
    MembershipStatistics,
    Period,
    RequestBucket,
    RequestStatistics,
    RequestTotals,
    request_statistics,
)


@extend_schema_field(OpenApiTypes.DOUBLE)
class SecondsField(serializers.Field):  # type: ignore[type-arg]
    """A duration as a number of seconds, which a chart plots without parsing."""

    def to_representation(self, value: timedelta) -> float:
        return value.total_seconds()


@extend_schema_serializer(component_name="RequestStatisticsPeriod")
class PeriodSerializer(serializers.Serializer[Period]):
    start = serializers.DateField()
    end = serializers.DateField()


@extend_schema_serializer(component_name="RequestStatisticsTotals")
class TotalsSerializer(serializers.Serializer[RequestTotals]):
    posted = serializers.IntegerField(help_text="Requests posted in the period (created_at).")
    agreed = serializers.IntegerField(help_text="Of those, reached agreement at any time (agreed_at set).")
    open = serializers.IntegerField()
    in_agreement = serializers.IntegerField(help_text="Agreed and neither completed nor cancelled yet.")
    completed = serializers.IntegerField()
    cancelled = serializers.IntegerField()
    expired = serializers.IntegerField()
    agreement_rate = serializers.FloatField(allow_null=True, help_text="agreed / posted; null when none was posted.")
    expiry_rate = serializers.FloatField(allow_null=True, help_text="expired / posted; null when none was posted.")
    median_seconds_to_first_offer = SecondsField(source="median_time_to_first_offer", allow_null=True)
    median_seconds_to_agreement = SecondsField(source="median_time_to_agreement", allow_null=True)
    active_helpers = serializers.IntegerField(help_text="Distinct helpers with an accepted offer.")


@extend_schema_serializer(component_name="RequestStatisticsBucket")
class RequestBucketSerializer(serializers.Serializer[RequestBucket]):
    start = serializers.DateField(help_text="First day of the bucket (a Monday for weeks).")
    posted = serializers.IntegerField(help_text="Requests posted in the bucket.")
    agreed = serializers.IntegerField(help_text="Of those, reached agreement at any time.")
    completed = serializers.IntegerField()
    expired = serializers.IntegerField()
    open = serializers.IntegerField(
        help_text="Their current state: open, in_agreement, completed, cancelled and expired add up to posted."
    )
    in_agreement = serializers.IntegerField()
    cancelled = serializers.IntegerField()
    expiry_rate = serializers.FloatField(allow_null=True, help_text="expired / posted; null when none was posted.")
    median_seconds_to_agreement = SecondsField(
        source="median_time_to_agreement", allow_null=True, help_text="Over the bucket's requests that were agreed."
    )


@extend_schema_serializer(component_name="RequestStatisticsBreakdown")
class BreakdownSerializer(serializers.Serializer[Breakdown]):
    id = serializers.UUIDField(allow_null=True, help_text="Null for requests without a category.")
    name = serializers.CharField()
    posted = serializers.IntegerField()
    agreed = serializers.IntegerField()
    expired = serializers.IntegerField()
    expiry_rate = serializers.FloatField(allow_null=True)


@extend_schema_serializer(component_name="MembershipStatisticsBucket")
class MembershipBucketSerializer(serializers.Serializer[MembershipBucket]):
    start = serializers.DateField()
    applications = serializers.IntegerField()
    approvals = serializers.IntegerField()


@extend_schema_serializer(component_name="MembershipStatistics")
class MembershipStatisticsSerializer(serializers.Serializer[MembershipStatistics]):
    applications = serializers.IntegerField()
    approvals = serializers.IntegerField()
    series = MembershipBucketSerializer(many=True)


class StatisticsApi(APIView):
    """GET (admins; leaders for their group or its channels): follow-up figures for a period.

    Definitions of every figure: docs/statistics.md.
    """

    @extend_schema_serializer(component_name="RequestStatisticsQuery")
    class InputSerializer(serializers.Serializer[Any]):
        start = serializers.DateField(help_text="First day, in the tenant's time zone.")
        end = serializers.DateField(help_text="Last day (inclusive), at most three years after start.")
        group = serializers.UUIDField(required=False, help_text="Requests of this group, and its sign-ups.")
        channel = serializers.UUIDField(required=False)
        category = serializers.UUIDField(required=False)
        bucket = serializers.ChoiceField(
            choices=(("day", _("day")), ("week", _("week")), ("month", _("month"))), default="week"
        )

    @extend_schema_serializer(component_name="RequestStatistics")
    class OutputSerializer(serializers.Serializer[RequestStatistics]):
        period = PeriodSerializer()
        bucket = serializers.CharField()
        totals = TotalsSerializer()
        series = RequestBucketSerializer(many=True)
        by_category = BreakdownSerializer(many=True)
        by_channel = BreakdownSerializer(many=True)
        memberships = MembershipStatisticsSerializer()

    @extend_schema(parameters=[InputSerializer], responses=OutputSerializer)
    def get(self, request: Request) -> Response:
        given = self.InputSerializer(data=request.query_params)
        given.is_valid(raise_exception=True)
        query = given.validated_data
        statistics = request_statistics(
            viewer=cast("User", request.user),
            period=Period(start=query["start"], end=query["end"]),
            group_id=query.get("group"),
            channel_id=query.get("channel"),
            category_id=query.get("category"),
            bucket=query["bucket"],
        )
        return Response(self.OutputSerializer(statistics).data)
