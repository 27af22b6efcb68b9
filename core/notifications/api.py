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
            {"event": event.value, "label": str(event.label), "channel": preferences.channels[event.value]}
            for event in Event
        ],
        "quiet_start": preferences.quiet_start,
        "quiet_end": preferences.quiet_end,
    }


@extend_schema_serializer(component_name="NotificationEventChannel")
class EventChannelOutputSerializer(serializers.Serializer[Any]):
    event = serializers.ChoiceField(choices=Event.choices)
    # DRF's metaclass moves declared fields off the class, so this does not shadow Field.label.
    label = serializers.CharField()  # type: ignore[assignment]
    channel = serializers.ChoiceField(choices=Channel.choices)


@extend_schema_serializer(component_name="NotificationEventChoice")
class EventChannelInputSerializer(serializers.Serializer[Any]):
    event = serializers.ChoiceField(choices=Event.choices)
    channel = serializers.ChoiceField(choices=Channel.choices)


class NotificationPreferencesApi(APIView):
    """GET: every event with its label and my channel (defaults included), and quiet hours. PUT: change them.

    PUT replaces the quiet hours (leave both times out or null to have none) and changes the
    channel of the events it lists; events it does not list keep theirs.
    """

    @extend_schema_serializer(component_name="NotificationPreferences")
    class OutputSerializer(serializers.Serializer[Any]):
        events = EventChannelOutputSerializer(many=True)
        quiet_start = serializers.TimeField(allow_null=True)
        quiet_end = serializers.TimeField(allow_null=True)

    @extend_schema_serializer(component_name="NotificationPreferencesInput")
    class InputSerializer(serializers.Serializer[Any]):
        events = EventChannelInputSerializer(many=True, required=False, default=list)
        quiet_start = serializers.TimeField(allow_null=True, required=False, default=None)
        quiet_end = serializers.TimeField(allow_null=True, required=False, default=None)

    @extend_schema(responses=OutputSerializer)
    def get(self, request: Request) -> Response:
        return Response(self.OutputSerializer(_output(preferences_of(cast("User", request.user)))).data)

    @extend_schema(request=InputSerializer, responses=OutputSerializer)
    def put(self, request: Request) -> Response:
        given = self.InputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = given.validated_data
        preferences = do_set_preferences(
            user=cast("User", request.user),
            channels={item["event"]: item["channel"] for item in data["events"]},
            quiet_start=data["quiet_start"],
            quiet_end=data["quiet_end"],
        )
        return Response(self.OutputSerializer(_output(preferences)).data)
