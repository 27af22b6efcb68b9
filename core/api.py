"""REST endpoints about the tenant site itself and the signed-in person."""

from typing import cast

from drf_spectacular.utils import extend_schema, extend_schema_serializer
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.accounts.models import User
from tenants.models import Tenant


class TenantInfoApi(APIView):
    """Public facts about the tenant this host serves; the app shows them before sign-in."""

    permission_classes = (AllowAny,)
    authentication_classes = ()

    @extend_schema_serializer(component_name="TenantInfo")
    class OutputSerializer(serializers.Serializer[Tenant]):
        id = serializers.UUIDField(source="public_id")
        name = serializers.CharField()
        slug = serializers.CharField()
        kind = serializers.CharField()
        country = serializers.CharField()
        language = serializers.CharField()

    @extend_schema(responses=OutputSerializer)
    def get(self, request: Request) -> Response:
        return Response(self.OutputSerializer(request.tenant).data)  # type: ignore[attr-defined]


class MeApi(APIView):
    """The signed-in person's own account in this tenant."""

    @extend_schema_serializer(component_name="Me")
    class OutputSerializer(serializers.Serializer[User]):
        id = serializers.UUIDField()
        phone = serializers.CharField()
        name = serializers.CharField()
        email = serializers.EmailField()
        language = serializers.CharField()

    @extend_schema(responses=OutputSerializer)
    def get(self, request: Request) -> Response:
        return Response(self.OutputSerializer(cast("User", request.user)).data)
