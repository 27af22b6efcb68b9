"""REST endpoints of announcements."""

import uuid
from typing import Any, cast

from drf_spectacular.utils import extend_schema, extend_schema_serializer
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.accounts.models import User
from core.groups.selectors import get_visible_group
from core.pagination import NewestFirstCursor

from .models import Announcement
from .selectors import announcements_for
from .services import do_post_announcement


def _user(request: Request) -> User:
    return cast("User", request.user)


class AnnouncementSerializer(serializers.Serializer[Announcement]):
    id = serializers.UUIDField()
    group = serializers.UUIDField(source="group_id")
    group_name = serializers.CharField(source="group.name")
    author = serializers.CharField(source="author.name")
    title = serializers.CharField()
    body = serializers.CharField()
    created_at = serializers.DateTimeField()


class MyAnnouncementsApi(APIView):
    """GET: announcements of my groups, newest first."""

    @extend_schema(responses=AnnouncementSerializer(many=True))
    def get(self, request: Request) -> Response:
        paginator = NewestFirstCursor()
        page = paginator.paginate_queryset(announcements_for(_user(request)), request, view=self)
        return paginator.get_paginated_response(AnnouncementSerializer(page, many=True).data)  # type: ignore[arg-type]


class GroupAnnouncementsApi(APIView):
    """GET: a group's announcements (its members, leaders, admins). POST: announce to its members (leaders)."""

    @extend_schema_serializer(component_name="AnnouncementInput")
    class InputSerializer(serializers.Serializer[Any]):
        title = serializers.CharField(max_length=120)
        body = serializers.CharField(max_length=4000)

    @extend_schema(responses=AnnouncementSerializer(many=True))
    def get(self, request: Request, group_id: uuid.UUID) -> Response:
        user = _user(request)
        group = get_visible_group(user=user, group_id=group_id)
        paginator = NewestFirstCursor()
        page = paginator.paginate_queryset(announcements_for(user, group=group), request, view=self)
        return paginator.get_paginated_response(AnnouncementSerializer(page, many=True).data)  # type: ignore[arg-type]

    @extend_schema(request=InputSerializer, responses={201: AnnouncementSerializer})
    def post(self, request: Request, group_id: uuid.UUID) -> Response:
        user = _user(request)
        group = get_visible_group(user=user, group_id=group_id)
        given = self.InputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        announcement = do_post_announcement(actor=user, group=group, **given.validated_data)
        return Response(AnnouncementSerializer(announcement).data, status=status.HTTP_201_CREATED)
