"""REST endpoints of campaigns: managing them (admins, leaders), opening and joining them (anyone)."""

import uuid
from collections.abc import Iterable
from typing import Any, cast

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_serializer,
)
from rest_framework import serializers, status
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.parsers import BaseParser
from rest_framework.permissions import AllowAny
from rest_framework.renderers import BaseRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.accounts.models import User
from core.groups.models import Group
from core.groups.permissions import can_see_group
from core.pagination import NewestFirstCursor

from . import qr
from .models import Campaign
from .selectors import campaigns_managed_by, get_managed_campaign, get_open_campaign, with_stats
from .services import (
    CampaignJoin,
    do_archive_campaign,
    do_create_campaign,
    do_join_campaign,
    do_record_visit,
    do_update_campaign,
)

# The browser session remembers {campaign id: visit id}, so reloading the page is not a new visit,
# and the sign-up after logging in (login keeps the session's data) knows which visit led to it.
SESSION_VISITS = "campaign_visits"


def _user(request: Request) -> User:
    return cast("User", request.user)


def campaign_link(request: Request, campaign: Campaign) -> str:
    """The link people open: https://{tenant host}/c/{code} (the scheme follows the request)."""
    return request.build_absolute_uri(f"/c/{campaign.code}")


class CampaignGroupSerializer(serializers.Serializer[Group]):
    id = serializers.UUIDField()
    name = serializers.CharField()


class CampaignStatsSerializer(serializers.Serializer[Campaign]):
    visits = serializers.IntegerField(source="visit_count")
    signups = serializers.IntegerField(source="signup_count")
    new_accounts = serializers.IntegerField(source="new_account_count")
    approvals = serializers.IntegerField(source="approval_count")


class CampaignSerializer(serializers.Serializer[Campaign]):
    """A campaign as its managers see it, with the counts annotated by selectors.with_stats."""

    id = serializers.UUIDField()
    name = serializers.CharField()
    group = CampaignGroupSerializer()
    code = serializers.CharField()
    link = serializers.SerializerMethodField()
    is_active = serializers.BooleanField()
    starts_at = serializers.DateTimeField(allow_null=True)
    ends_at = serializers.DateTimeField(allow_null=True)
    created_at = serializers.DateTimeField()
    archived_at = serializers.DateTimeField(allow_null=True)
    stats = CampaignStatsSerializer(source="*")

    @extend_schema_field(OpenApiTypes.URI)
    def get_link(self, campaign: Campaign) -> str:
        return campaign_link(self.context["request"], campaign)


def _managed(request: Request, campaign_id: uuid.UUID) -> Campaign:
    return get_managed_campaign(user=_user(request), campaign_id=campaign_id)


def _campaign_response(request: Request, campaign_id: uuid.UUID, *, code: int = status.HTTP_200_OK) -> Response:
    campaign = _managed(request, campaign_id)
    return Response(CampaignSerializer(campaign, context={"request": request}).data, status=code)


class CampaignListApi(APIView):
    """GET: the campaigns the person manages, newest first. POST: create a campaign for a group."""

    class Pagination(NewestFirstCursor):
        pass

    @extend_schema_serializer(component_name="CampaignCreateInput")
    class CreateInputSerializer(serializers.Serializer[Any]):
        group = serializers.UUIDField()
        name = serializers.CharField(max_length=120)
        starts_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
        ends_at = serializers.DateTimeField(required=False, allow_null=True, default=None)

    @extend_schema(responses=CampaignSerializer(many=True))
    def get(self, request: Request) -> Response:
        campaigns = with_stats(campaigns_managed_by(_user(request))).select_related("group")
        paginator = self.Pagination()
        page = paginator.paginate_queryset(campaigns, request, view=self)
        data = CampaignSerializer(page, many=True, context={"request": request}).data  # type: ignore[arg-type]
        return paginator.get_paginated_response(data)

    @extend_schema(request=CreateInputSerializer, responses={201: CampaignSerializer})
    def post(self, request: Request) -> Response:
        given = self.CreateInputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        user = _user(request)
        group = Group.objects.get(pk=given.validated_data["group"])
        if not can_see_group(user, group):
            raise Group.DoesNotExist
        campaign = do_create_campaign(
            actor=user,
            group=group,
            name=given.validated_data["name"],
            starts_at=given.validated_data["starts_at"],
            ends_at=given.validated_data["ends_at"],
        )
        return _campaign_response(request, campaign.pk, code=status.HTTP_201_CREATED)


class CampaignDetailApi(APIView):
    """GET: one campaign with its link and counts. PATCH: rename, pause/resume or change its dates."""

    @extend_schema_serializer(component_name="CampaignUpdateInput")
    class UpdateInputSerializer(serializers.Serializer[Any]):
        name = serializers.CharField(max_length=120, required=False)
        is_active = serializers.BooleanField(required=False)
        starts_at = serializers.DateTimeField(required=False, allow_null=True)
        ends_at = serializers.DateTimeField(required=False, allow_null=True)

    @extend_schema(responses=CampaignSerializer)
    def get(self, request: Request, campaign_id: uuid.UUID) -> Response:
        return _campaign_response(request, campaign_id)

    @extend_schema(request=UpdateInputSerializer, responses=CampaignSerializer)
    def patch(self, request: Request, campaign_id: uuid.UUID) -> Response:
        campaign = _managed(request, campaign_id)
        given = self.UpdateInputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        # Fields left out keep their value; the service takes the whole wanted state.
        wanted = {field: getattr(campaign, field) for field in ("name", "is_active", "starts_at", "ends_at")}
        wanted.update(given.validated_data)
        do_update_campaign(actor=_user(request), campaign=campaign, **wanted)
        return _campaign_response(request, campaign_id)


class CampaignArchiveApi(APIView):
    """POST: close the campaign for good; its link then answers like an unknown code."""

    @extend_schema(request=None, responses=CampaignSerializer)
    def post(self, request: Request, campaign_id: uuid.UUID) -> Response:
        do_archive_campaign(actor=_user(request), campaign=_managed(request, campaign_id))
        return _campaign_response(request, campaign_id)


class _FirstRenderer(BaseContentNegotiation):
    """The image endpoints answer with their image whatever the client's Accept header says."""

    def select_parser(self, request: Request, parsers: Iterable[BaseParser]) -> BaseParser:
        return next(iter(parsers))

    def select_renderer(
        self, request: Request, renderers: Iterable[BaseRenderer], format_suffix: str | None = None
    ) -> tuple[BaseRenderer, str]:
        renderer = next(iter(renderers))
        return renderer, str(renderer.media_type)


class _QrApi(APIView):
    content_negotiation_class = _FirstRenderer
    media_type = ""
    extension = ""

    def get(self, request: Request, campaign_id: uuid.UUID) -> HttpResponse:
        campaign = _managed(request, campaign_id)
        response = HttpResponse(self.render(campaign_link(request, campaign)), content_type=self.media_type)
        response["Content-Disposition"] = f'inline; filename="campaign-{campaign.code}.{self.extension}"'
        return response

    def render(self, url: str) -> bytes:
        raise NotImplementedError


class CampaignQrSvgApi(_QrApi):
    """GET: the campaign link's QR code as SVG, for print."""

    media_type = "image/svg+xml"
    extension = "svg"

    @extend_schema(responses={(200, "image/svg+xml"): OpenApiTypes.BINARY})
    def get(self, request: Request, campaign_id: uuid.UUID) -> HttpResponse:
        return super().get(request, campaign_id)

    def render(self, url: str) -> bytes:
        return qr.qr_svg(url)


class CampaignQrPngApi(_QrApi):
    """GET: the campaign link's QR code as PNG, for screens."""

    media_type = "image/png"
    extension = "png"

    @extend_schema(responses={(200, "image/png"): OpenApiTypes.BINARY})
    def get(self, request: Request, campaign_id: uuid.UUID) -> HttpResponse:
        return super().get(request, campaign_id)

    def render(self, url: str) -> bytes:
        return qr.qr_png(url)


def _session_visits(request: Request) -> dict[str, str]:
    visits = request.session.get(SESSION_VISITS)
    return visits if isinstance(visits, dict) else {}


def _as_uuid(value: object) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


class CampaignByCodeApi(APIView):
    """GET (anyone): what the campaign invites to, and a visit counted once per browser session or app.

    Unknown, paused, expired and archived codes all answer the same 404.
    """

    permission_classes = (AllowAny,)
    authentication_classes = ()

    @extend_schema_serializer(component_name="CampaignPublic")
    class OutputSerializer(serializers.Serializer[Any]):
        @extend_schema_serializer(component_name="CampaignPublicGroup")
        class PublicGroupSerializer(serializers.Serializer[Group]):
            id = serializers.UUIDField()
            name = serializers.CharField()
            description = serializers.CharField()
            purpose = serializers.CharField()
            join_policy = serializers.CharField()
            area = serializers.CharField()
            categories = serializers.SerializerMethodField()

            def get_categories(self, group: Group) -> list[str]:
                return [category.name for category in group.categories.all()]

        name = serializers.CharField()
        group = PublicGroupSerializer()
        visit_id = serializers.UUIDField(help_text="Send it back when joining (apps without cookies).")

    @extend_schema(
        parameters=[
            OpenApiParameter("visit", OpenApiTypes.UUID, description="The visit id an app got before: not a new visit.")
        ],
        responses={200: OutputSerializer, 404: OpenApiResponse(description="No open campaign has this code.")},
    )
    def get(self, request: Request, code: str) -> Response:
        campaign = get_open_campaign(code=code)
        visits = _session_visits(request)
        known = _as_uuid(request.query_params.get("visit")) or _as_uuid(visits.get(str(campaign.pk)))
        visit = do_record_visit(campaign=campaign, known_visit_id=known)
        if visits.get(str(campaign.pk)) != str(visit.pk):
            request.session[SESSION_VISITS] = {**visits, str(campaign.pk): str(visit.pk)}
        shown = {"name": campaign.name, "group": campaign.group, "visit_id": visit.pk}
        return Response(self.OutputSerializer(shown).data)


class CampaignJoinApi(APIView):
    """POST (signed in): apply to the campaign's group; the campaign counts the sign-up once per person."""

    @extend_schema_serializer(component_name="CampaignJoinInput")
    class InputSerializer(serializers.Serializer[Any]):
        visit_id = serializers.UUIDField(required=False, allow_null=True, default=None)

    @extend_schema_serializer(component_name="CampaignJoinResult")
    class OutputSerializer(serializers.Serializer[Any]):
        membership_id = serializers.UUIDField(source="membership.id")
        status = serializers.CharField(source="membership.status")
        group = serializers.UUIDField(source="membership.group_id")
        signed_up = serializers.SerializerMethodField()
        new_account = serializers.SerializerMethodField()

        def get_signed_up(self, join: CampaignJoin) -> bool:
            return join.signup is not None

        def get_new_account(self, join: CampaignJoin) -> bool:
            return bool(join.signup is not None and join.signup.is_new_account)

    @extend_schema(
        request=InputSerializer,
        responses={200: OutputSerializer, 404: OpenApiResponse(description="No open campaign has this code.")},
    )
    def post(self, request: Request, code: str) -> Response:
        campaign = get_open_campaign(code=code)
        given = self.InputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        visit_id = given.validated_data["visit_id"] or _as_uuid(_session_visits(request).get(str(campaign.pk)))
        join = do_join_campaign(user=_user(request), campaign=campaign, visit_id=visit_id)
        return Response(self.OutputSerializer(join).data)
