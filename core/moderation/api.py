"""REST endpoints of moderation: reporting content, the moderators' queue, hiding, warnings and suspensions."""

import uuid
from typing import Any, cast

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_serializer
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.accounts.models import User
from core.pagination import NewestFirstCursor
from core.requests.models import ConversationMessage, HelpRequest

from .models import Report, Sanction, SanctionKind
from .selectors import (
    get_report_for_moderation,
    get_request_for_moderation,
    get_visible_sanction,
    moderation_queue,
    sanctions_visible_to,
)
from .services import (
    do_dismiss_report,
    do_hide_content,
    do_hide_request,
    do_lift_suspension,
    do_report,
    do_suspend,
    do_unhide,
    do_warn,
)


def _user(request: Request) -> User:
    return cast("User", request.user)


class OldestFirstCursor(NewestFirstCursor):
    """The queue is worked from its oldest report."""

    ordering = "created_at"


@extend_schema_serializer(component_name="ReportedRequest")
class ReportedRequestSerializer(serializers.Serializer[HelpRequest]):
    id = serializers.UUIDField()
    title = serializers.CharField()
    description = serializers.CharField()
    channel = serializers.CharField(source="channel.name")
    poster_group = serializers.CharField(source="poster_group.name")
    hidden_at = serializers.DateTimeField(allow_null=True)


@extend_schema_serializer(component_name="ReportedMessage")
class ReportedMessageSerializer(serializers.Serializer[ConversationMessage]):
    id = serializers.UUIDField()
    body = serializers.CharField()
    author = serializers.CharField(source="author.name")
    request = serializers.UUIDField(source="conversation.request_id")
    request_title = serializers.CharField(source="conversation.request.title")
    hidden_at = serializers.DateTimeField(allow_null=True)


@extend_schema_serializer(component_name="ModerationReport")
class ReportSerializer(serializers.Serializer[Report]):
    """A report as its moderators see it: the reason and the content, not who reported it."""

    id = serializers.UUIDField()
    status = serializers.CharField()
    reason = serializers.CharField()
    created_at = serializers.DateTimeField()
    resolved_at = serializers.DateTimeField(allow_null=True)
    request = ReportedRequestSerializer(allow_null=True)
    message = ReportedMessageSerializer(allow_null=True)


@extend_schema_serializer(component_name="SanctionPerson")
class PersonSerializer(serializers.Serializer[User]):
    id = serializers.UUIDField()
    name = serializers.CharField()


@extend_schema_serializer(component_name="Sanction")
class SanctionSerializer(serializers.Serializer[Sanction]):
    id = serializers.UUIDField()
    user = PersonSerializer()
    kind = serializers.CharField()
    reason = serializers.CharField()
    given_by = PersonSerializer(allow_null=True)
    created_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField(allow_null=True)
    lifted_at = serializers.DateTimeField(allow_null=True)


class ReportCreateApi(APIView):
    """POST: report a request or a message one can see. Reporting it again while open returns the open report."""

    @extend_schema_serializer(component_name="ReportCreateInput")
    class InputSerializer(serializers.Serializer[Any]):
        request = serializers.UUIDField(required=False)
        message = serializers.UUIDField(required=False)
        # Blank and overlong reasons are refused by the service, with its field message.
        reason = serializers.CharField(allow_blank=True)

        def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
            if ("request" in attrs) == ("message" in attrs):
                raise serializers.ValidationError(_("Give either a request or a message."))
            return attrs

    @extend_schema_serializer(component_name="ReportCreated")
    class OutputSerializer(serializers.Serializer[Report]):
        id = serializers.UUIDField()
        status = serializers.CharField()
        created_at = serializers.DateTimeField()

    @extend_schema(request=InputSerializer, responses={201: OutputSerializer})
    def post(self, request: Request) -> Response:
        given = self.InputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = given.validated_data
        user = _user(request)
        if "request" in data:
            report = do_report(
                reporter=user, request=HelpRequest.objects.get(pk=data["request"]), reason=data["reason"]
            )
        else:
            report = do_report(
                reporter=user, message=ConversationMessage.objects.get(pk=data["message"]), reason=data["reason"]
            )
        return Response(self.OutputSerializer(report).data, status=status.HTTP_201_CREATED)


class ModerationQueueApi(APIView):
    """GET: the open reports of content the person moderates, oldest first."""

    class Pagination(OldestFirstCursor):
        pass

    @extend_schema(responses=ReportSerializer(many=True))
    def get(self, request: Request) -> Response:
        reports = moderation_queue(user=_user(request))
        paginator = self.Pagination()
        page = paginator.paginate_queryset(reports, request, view=self)
        return paginator.get_paginated_response(ReportSerializer(page, many=True).data)  # type: ignore[arg-type]


class ReportHideApi(APIView):
    """POST: hide the reported content; every open report of it is closed as actioned."""

    @extend_schema(request=None, responses=ReportSerializer)
    def post(self, request: Request, report_id: uuid.UUID) -> Response:
        user = _user(request)
        report = do_hide_content(actor=user, report=get_report_for_moderation(user=user, report_id=report_id))
        return Response(ReportSerializer(get_report_for_moderation(user=user, report_id=report.pk)).data)


class ReportDismissApi(APIView):
    """POST: leave the content as it is and close this report."""

    @extend_schema(request=None, responses=ReportSerializer)
    def post(self, request: Request, report_id: uuid.UUID) -> Response:
        user = _user(request)
        report = do_dismiss_report(actor=user, report=get_report_for_moderation(user=user, report_id=report_id))
        return Response(ReportSerializer(get_report_for_moderation(user=user, report_id=report.pk)).data)


@extend_schema_serializer(component_name="ModeratedRequest")
class ModeratedRequestSerializer(serializers.Serializer[HelpRequest]):
    id = serializers.UUIDField()
    hidden_at = serializers.DateTimeField(allow_null=True)


class RequestHideApi(APIView):
    """POST: a moderator hides a request without a report."""

    @extend_schema(request=None, responses=ModeratedRequestSerializer)
    def post(self, request: Request, request_id: uuid.UUID) -> Response:
        user = _user(request)
        hidden = do_hide_request(actor=user, request=get_request_for_moderation(user=user, request_id=request_id))
        return Response(ModeratedRequestSerializer(hidden).data)


class RequestUnhideApi(APIView):
    """POST: show a hidden request again."""

    @extend_schema(request=None, responses=ModeratedRequestSerializer)
    def post(self, request: Request, request_id: uuid.UUID) -> Response:
        user = _user(request)
        shown = do_unhide(actor=user, request=get_request_for_moderation(user=user, request_id=request_id))
        assert isinstance(shown, HelpRequest)  # noqa: S101 - do_unhide returns what it was given
        return Response(ModeratedRequestSerializer(shown).data)


class SanctionListApi(APIView):
    """GET: sanctions, newest first (admins all; leaders their groups' members'; everyone their own).
    POST: a warning or a suspension."""

    class Pagination(NewestFirstCursor):
        pass

    @extend_schema_serializer(component_name="SanctionCreateInput")
    class InputSerializer(serializers.Serializer[Any]):
        user = serializers.UUIDField()
        kind = serializers.ChoiceField(choices=SanctionKind.choices)
        reason = serializers.CharField(allow_blank=True)
        ends_at = serializers.DateTimeField(required=False, allow_null=True, default=None)

        def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
            if attrs["kind"] == SanctionKind.WARNING and attrs.get("ends_at") is not None:
                raise serializers.ValidationError({"ends_at": _("A warning has no end date.")})
            return attrs

    @extend_schema(
        parameters=[OpenApiParameter("user", OpenApiTypes.UUID, description="Only the sanctions of this person.")],
        responses=SanctionSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        sanctions = sanctions_visible_to(viewer=_user(request))
        if "user" in request.query_params:
            sanctions = sanctions.filter(user_id=serializers.UUIDField().run_validation(request.query_params["user"]))
        paginator = self.Pagination()
        page = paginator.paginate_queryset(sanctions, request, view=self)
        return paginator.get_paginated_response(SanctionSerializer(page, many=True).data)  # type: ignore[arg-type]

    @extend_schema(request=InputSerializer, responses={201: SanctionSerializer})
    def post(self, request: Request) -> Response:
        given = self.InputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = given.validated_data
        actor = _user(request)
        member = User.objects.get(pk=data["user"])
        if data["kind"] == SanctionKind.WARNING:
            sanction = do_warn(actor=actor, user=member, reason=data["reason"])
        else:
            sanction = do_suspend(actor=actor, user=member, reason=data["reason"], ends_at=data["ends_at"])
        return Response(SanctionSerializer(sanction).data, status=status.HTTP_201_CREATED)


class SanctionLiftApi(APIView):
    """POST: end a suspension now."""

    @extend_schema(request=None, responses=SanctionSerializer)
    def post(self, request: Request, sanction_id: uuid.UUID) -> Response:
        actor = _user(request)
        sanction = do_lift_suspension(actor=actor, sanction=get_visible_sanction(viewer=actor, sanction_id=sanction_id))
        return Response(SanctionSerializer(sanction).data)
