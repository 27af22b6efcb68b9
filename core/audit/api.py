"""REST endpoint of the audit log: the tenant's admins read and filter it."""

from typing import Any, cast

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_serializer
from rest_framework import serializers
from rest_framework.pagination import CursorPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.accounts.models import User
from core.groups.permissions import check_tenant_admin

from .models import AuditEvent
from .selectors import AuditFilters, audit_events_for


class AuditEventListApi(APIView):
    """GET (tenant admins): the audit log, newest first, filtered by the query parameters."""

    class Pagination(CursorPagination):
        page_size = 50
        max_page_size = 200
        page_size_query_param = "page_size"
        ordering = "-at"

    class FilterSerializer(serializers.Serializer[Any]):
        actor = serializers.UUIDField(required=False, help_text="The id of the person who acted.")
        action = serializers.CharField(required=False, max_length=64, help_text="Exact action, e.g. client.updated.")
        action_prefix = serializers.CharField(
            required=False, max_length=64, help_text="Actions starting with this, e.g. 'client.'."
        )
        target_type = serializers.CharField(required=False, max_length=64, help_text="e.g. client, membership.")
        target_id = serializers.CharField(required=False, max_length=64)
        on_behalf_of_type = serializers.CharField(required=False, max_length=64)
        on_behalf_of_id = serializers.CharField(required=False, max_length=64)
        since = serializers.DateTimeField(required=False, help_text="From this time, inclusive.")
        until = serializers.DateTimeField(required=False, help_text="Before this time.")

        def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
            since, until = attrs.get("since"), attrs.get("until")
            if since is not None and until is not None and until <= since:
                raise serializers.ValidationError({"until": _("The end must be later than the start.")})
            return attrs

    @extend_schema_serializer(component_name="AuditEvent")
    class OutputSerializer(serializers.Serializer[AuditEvent]):
        @extend_schema_serializer(component_name="AuditActor")
        class ActorSerializer(serializers.Serializer[User]):
            id = serializers.UUIDField()
            name = serializers.CharField()

        id = serializers.IntegerField()
        at = serializers.DateTimeField()
        actor = ActorSerializer(allow_null=True)
        action = serializers.CharField()
        target_type = serializers.CharField()
        target_id = serializers.CharField()
        on_behalf_of_type = serializers.CharField()
        on_behalf_of_id = serializers.CharField()
        ip = serializers.IPAddressField(allow_null=True)
        details = serializers.JSONField(source="data")

    @extend_schema(parameters=[FilterSerializer], responses=OutputSerializer(many=True))
    def get(self, request: Request) -> Response:
        viewer = cast("User", request.user)
        check_tenant_admin(viewer)  # before reading the filters: others learn nothing, not even about them
        given = self.FilterSerializer(data=request.query_params)
        given.is_valid(raise_exception=True)
        events = audit_events_for(viewer=viewer, filters=AuditFilters(**given.validated_data))
        paginator = self.Pagination()
        page = paginator.paginate_queryset(events, request, view=self)
        return paginator.get_paginated_response(self.OutputSerializer(page, many=True).data)  # type: ignore[arg-type]
