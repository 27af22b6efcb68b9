"""GET/PUT /api/v1/me/notifications/: how I am told of each event, and my quiet hours."""

from typing import Any, cast

from drf_spectacular.utils import extend_schema, extend_schema_serializer
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.accounts.models import User

from .events import Channel, Event
from .services import Preferences, do_set_preferences, preferences_of


def _output(preferences: Preferences) -> dict[str, Any]:
    return {
        "events": [
            {"event": event.value, "title": str(event.label), "channel": preferences.channels[event.value]}
            for event in Event
        ],
        "quiet_start": preferences.quiet_start,
        "quiet_end": preferences.quiet_end,
    }


class NotificationPreferencesApi(APIView):
    """GET: every event with its title and my channel (defaults included), and quiet hours. PUT: change them."""

    @extend_schema_serializer(component_name="NotificationEventChoice")
    class EventSerializer(serializers.Serializer[Any]):
        event = serializers.ChoiceField(choices=Event.choices)
        title = serializers.CharField(read_only=True)
        channel = serializers.ChoiceField(choices=Channel.choices)

    @extend_schema_serializer(component_name="NotificationPreferences")
    class PreferencesSerializer(serializers.Serializer[Any]):
        events = serializers.ListField(child=serializers.DictField(), required=False)
        quiet_start = serializers.TimeField(allow_null=True, required=False, default=None)
        quiet_end = serializers.TimeField(allow_null=True, required=False, default=None)

        def validate_events(self, value: list[dict[str, Any]]) -> dict[str, str]:
            choices = NotificationPreferencesApi.EventSerializer(data=value, many=True)
            choices.is_valid(raise_exception=True)
            return {item["event"]: item["channel"] for item in cast("list[dict[str, str]]", choices.validated_data)}

    @extend_schema(responses=PreferencesSerializer)
    def get(self, request: Request) -> Response:
        return Response(self.PreferencesSerializer(_output(preferences_of(cast("User", request.user)))).data)

    @extend_schema(request=PreferencesSerializer, responses=PreferencesSerializer)
    def put(self, request: Request) -> Response:
        given = self.PreferencesSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = given.validated_data
        preferences = do_set_preferences(
            user=cast("User", request.user),
            channels=data.get("events", {}),
            quiet_start=data["quiet_start"],
            quiet_end=data["quiet_end"],
        )
        return Response(self.PreferencesSerializer(_output(preferences)).data)
