"""REST endpoints of clients: names in lists, contact details only from the audited detail read."""

import uuid
from typing import Any, cast

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_serializer
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.accounts.models import User
from core.groups.models import Group
from core.groups.permissions import can_see_group
from core.pagination import NewestFirstCursor

from .models import Client, ConsentMethod
from .selectors import client_names_for, get_client_contact, get_visible_client
from .services import do_archive_client, do_create_client, do_update_client


def _user(request: Request) -> User:
    return cast("User", request.user)


class ClientGroupSerializer(serializers.Serializer[Group]):
    id = serializers.UUIDField()
    name = serializers.CharField()


class ClientSummarySerializer(serializers.Serializer[Client]):
    """A client as lists show it: no phone, address or notes."""

    id = serializers.UUIDField()
    name = serializers.CharField()
    group = ClientGroupSerializer()
    created_at = serializers.DateTimeField()


class ClientListApi(APIView):
    """GET: the clients the person may see (names only), newest first. POST: a new client record."""

    class Pagination(NewestFirstCursor):
        pass

    @extend_schema_serializer(component_name="ClientCreateInput")
    class CreateInputSerializer(serializers.Serializer[Any]):
        group = serializers.UUIDField()
        name = serializers.CharField(max_length=150)
        phone = serializers.CharField(max_length=32, required=False, allow_blank=True, default="")
        address = serializers.CharField(required=False, allow_blank=True, default="")
        notes = serializers.CharField(required=False, allow_blank=True, default="")
        consent_method = serializers.ChoiceField(choices=ConsentMethod.choices)
        consent_date = serializers.DateField()

    @extend_schema(
        parameters=[OpenApiParameter("group", OpenApiTypes.UUID, description="Only the clients of this group.")],
        responses=ClientSummarySerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        group_id: uuid.UUID | None = None
        if "group" in request.query_params:
            group_id = serializers.UUIDField().run_validation(request.query_params["group"])
        clients = client_names_for(_user(request), group_id=group_id)
        paginator = self.Pagination()
        page = paginator.paginate_queryset(clients, request, view=self)
        return paginator.get_paginated_response(ClientSummarySerializer(page, many=True).data)  # type: ignore[arg-type]

    @extend_schema(request=CreateInputSerializer, responses={201: ClientSummarySerializer})
    def post(self, request: Request) -> Response:
        given = self.CreateInputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        user = _user(request)
        data = dict(given.validated_data)
        group = Group.objects.get(pk=data.pop("group"))
        if not can_see_group(user, group):
            raise Group.DoesNotExist
        client = do_create_client(actor=user, group=group, **data)
        return Response(ClientSummarySerializer(client).data, status=status.HTTP_201_CREATED)


class ClientDetailApi(APIView):
    """GET: the client with contact details (each read is written to the audit log). PATCH: change the record."""

    @extend_schema_serializer(component_name="ClientContact")
    class OutputSerializer(ClientSummarySerializer):
        phone = serializers.CharField()
        address = serializers.CharField()
        notes = serializers.CharField()
        consent_method = serializers.CharField()
        consent_date = serializers.DateField()

    @extend_schema_serializer(component_name="ClientUpdateInput")
    class UpdateInputSerializer(serializers.Serializer[Any]):
        name = serializers.CharField(max_length=150, required=False)
        phone = serializers.CharField(max_length=32, required=False, allow_blank=True)
        address = serializers.CharField(required=False, allow_blank=True)
        notes = serializers.CharField(required=False, allow_blank=True)
        consent_method = serializers.ChoiceField(choices=ConsentMethod.choices, required=False)
        consent_date = serializers.DateField(required=False)

    @extend_schema(responses=OutputSerializer)
    def get(self, request: Request, client_id: uuid.UUID) -> Response:
        client = get_client_contact(viewer=_user(request), client_id=client_id)
        return Response(self.OutputSerializer(client).data)

    @extend_schema(request=UpdateInputSerializer, responses=ClientSummarySerializer)
    def patch(self, request: Request, client_id: uuid.UUID) -> Response:
        user = _user(request)
        client = get_visible_client(user=user, client_id=client_id)
        given = self.UpdateInputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        client = do_update_client(actor=user, client=client, **given.validated_data)
        return Response(ClientSummarySerializer(client).data)


class ClientArchiveApi(APIView):
    """POST: take the client out of use; the record then disappears from every read."""

    @extend_schema(request=None, responses={204: None})
    def post(self, request: Request, client_id: uuid.UUID) -> Response:
        user = _user(request)
        do_archive_client(actor=user, client=get_visible_client(user=user, client_id=client_id))
        return Response(status=status.HTTP_204_NO_CONTENT)
