"""REST endpoints of requests, offers and conversations; every rule is enforced in services and selectors."""

import uuid
from typing import Any, cast

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_serializer
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.accounts.models import User
from core.clients.selectors import get_visible_client
from core.groups.models import Category
from core.groups.selectors import get_visible_channel, get_visible_group
from core.pagination import NewestFirstCursor

from . import selectors, services
from .models import Conversation, ConversationMessage, HelpRequest, Offer, RequestPolicy, Timing


def _user(request: Request) -> User:
    return cast("User", request.user)


def _visible_request(request: Request, request_id: uuid.UUID) -> HelpRequest:
    """The request the caller may see, or HelpRequest.DoesNotExist (404): every per-request view starts here."""
    return selectors.get_visible_request(user=_user(request), request_id=request_id)


def _uuid_param(request: Request, name: str) -> uuid.UUID | None:
    if name not in request.query_params:
        return None
    return cast("uuid.UUID", serializers.UUIDField().run_validation(request.query_params[name]))


class NamedSerializer(serializers.Serializer[Any]):
    id = serializers.UUIDField()
    name = serializers.CharField()


@extend_schema_serializer(component_name="RequestCategory")
class CategorySerializer(serializers.Serializer[Category]):
    id = serializers.UUIDField()
    key = serializers.CharField()
    name = serializers.CharField()


class RequestSerializer(serializers.Serializer[HelpRequest]):
    """A request as everyone who may see it sees it: the area, never the address or the client."""

    id = serializers.UUIDField()
    channel = NamedSerializer()
    title = serializers.CharField()
    description = serializers.CharField()
    category = CategorySerializer(allow_null=True)
    timing = serializers.CharField()
    starts_at = serializers.DateTimeField(allow_null=True)
    ends_at = serializers.DateTimeField(allow_null=True)
    area = serializers.CharField()
    helpers_needed = serializers.IntegerField()
    state = serializers.CharField()
    for_client = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField()
    expires_at = serializers.DateTimeField()
    agreed_at = serializers.DateTimeField(allow_null=True)
    closed_at = serializers.DateTimeField(allow_null=True)
    thanks = serializers.CharField()
    hidden = serializers.SerializerMethodField()

    def get_for_client(self, obj: HelpRequest) -> bool:
        return obj.client_id is not None

    def get_hidden(self, obj: HelpRequest) -> bool:
        return obj.hidden_at is not None


class OfferSerializer(serializers.Serializer[Offer]):
    id = serializers.UUIDField()
    request = serializers.UUIDField(source="request_id")
    helper = NamedSerializer()
    offered_by = NamedSerializer()
    via_group = NamedSerializer()
    message = serializers.CharField()
    status = serializers.CharField()
    created_at = serializers.DateTimeField()
    decided_at = serializers.DateTimeField(allow_null=True)
    end_reason = serializers.CharField()


class Feed(NewestFirstCursor):
    page_size = 30


class RequestFeedApi(APIView):
    """GET: open requests I can help with, newest first; filter by category and area."""

    pagination_class = Feed

    @extend_schema(
        parameters=[
            OpenApiParameter("category", OpenApiTypes.UUID, description="Only this category."),
            OpenApiParameter("area", OpenApiTypes.STR, description="Area contains this text."),
        ],
        responses=RequestSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        area = request.query_params.get("area", "")[:120]
        feed = selectors.feed_for(member=_user(request), category_id=_uuid_param(request, "category"), area=area)
        paginator = Feed()
        page = paginator.paginate_queryset(feed, request, view=self)
        return paginator.get_paginated_response(RequestSerializer(page, many=True).data)  # type: ignore[arg-type]


class RequestListApi(APIView):
    """GET: the requests I posted or keep for a client, newest first. POST: post a request."""

    @extend_schema_serializer(component_name="RequestPostInput")
    class InputSerializer(serializers.Serializer[Any]):
        channel = serializers.UUIDField()
        title = serializers.CharField(max_length=120)
        description = serializers.CharField(required=False, allow_blank=True, default="", max_length=4000)
        category = serializers.UUIDField(required=False, allow_null=True, default=None)
        timing = serializers.ChoiceField(choices=Timing.choices, default=Timing.FLEXIBLE)
        starts_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
        ends_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
        area = serializers.CharField(required=False, allow_blank=True, default="", max_length=120)
        address = serializers.CharField(required=False, allow_blank=True, default="", max_length=500)
        helpers_needed = serializers.IntegerField(required=False, default=1, min_value=1, max_value=50)
        open_days = serializers.IntegerField(required=False, allow_null=True, default=None, min_value=1, max_value=60)
        client = serializers.UUIDField(required=False, allow_null=True, default=None)
        group = serializers.UUIDField(required=False, allow_null=True, default=None)

    @extend_schema_serializer(component_name="MyRequest")
    class MineSerializer(RequestSerializer):
        pending_offers = serializers.IntegerField()
        client = NamedSerializer(allow_null=True)

    @extend_schema(responses=MineSerializer(many=True))
    def get(self, request: Request) -> Response:
        paginator = NewestFirstCursor()
        page = paginator.paginate_queryset(selectors.requests_posted_by(user=_user(request)), request, view=self)
        return paginator.get_paginated_response(self.MineSerializer(page, many=True).data)  # type: ignore[arg-type]

    @extend_schema(request=InputSerializer, responses={201: RequestSerializer})
    def post(self, request: Request) -> Response:
        user = _user(request)
        given = self.InputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = dict(given.validated_data)
        channel = get_visible_channel(user=user, channel_id=data.pop("channel"))
        category_id = data.pop("category")
        client_id = data.pop("client")
        group_id = data.pop("group")
        posted = services.do_post_request(
            actor=user,
            channel=channel,
            category=Category.objects.get(pk=category_id) if category_id else None,
            client=get_visible_client(user=user, client_id=client_id) if client_id else None,
            poster_group=get_visible_group(user=user, group_id=group_id) if group_id else None,
            **data,
        )
        return Response(RequestSerializer(posted).data, status=status.HTTP_201_CREATED)


class RequestDetailApi(APIView):
    """GET: one request I may see."""

    @extend_schema(responses=RequestSerializer)
    def get(self, request: Request, request_id: uuid.UUID) -> Response:
        found = _visible_request(request, request_id)
        return Response(RequestSerializer(found).data)


class RequestContactApi(APIView):
    """GET: the name, phone and address to go to, for accepted helpers only; every read is audited."""

    @extend_schema_serializer(component_name="RequestContact")
    class OutputSerializer(serializers.Serializer[Any]):
        name = serializers.CharField()
        phone = serializers.CharField()
        address = serializers.CharField()

    @extend_schema(responses=OutputSerializer)
    def get(self, request: Request, request_id: uuid.UUID) -> Response:
        contact = selectors.get_request_contact(viewer=_user(request), request_id=request_id)
        return Response(self.OutputSerializer(contact).data)


class RequestCancelApi(APIView):
    """POST: cancel the request (the poster's side); waiting and accepted helpers are told."""

    @extend_schema_serializer(component_name="RequestCancelInput")
    class InputSerializer(serializers.Serializer[Any]):
        reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=1000)

    @extend_schema(request=InputSerializer, responses=RequestSerializer)
    def post(self, request: Request, request_id: uuid.UUID) -> Response:
        user = _user(request)
        found = _visible_request(request, request_id)
        given = self.InputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        found = services.do_cancel_request(actor=user, request=found, reason=given.validated_data["reason"])
        return Response(RequestSerializer(found).data)


class RequestCompleteApi(APIView):
    """POST: mark an agreed request done (the poster's side)."""

    @extend_schema(request=None, responses=RequestSerializer)
    def post(self, request: Request, request_id: uuid.UUID) -> Response:
        user = _user(request)
        found = _visible_request(request, request_id)
        return Response(RequestSerializer(services.do_complete_request(actor=user, request=found)).data)


class RequestThankApi(APIView):
    """POST: thank the helpers of a completed request, once."""

    @extend_schema_serializer(component_name="RequestThankInput")
    class InputSerializer(serializers.Serializer[Any]):
        text = serializers.CharField(max_length=1000)

    @extend_schema(request=InputSerializer, responses=RequestSerializer)
    def post(self, request: Request, request_id: uuid.UUID) -> Response:
        user = _user(request)
        found = _visible_request(request, request_id)
        given = self.InputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        found = services.do_thank_helpers(actor=user, request=found, text=given.validated_data["text"])
        return Response(RequestSerializer(found).data)


class RequestOffersApi(APIView):
    """GET: the offers on a request (all for the poster's side, my own for others). POST: offer to help."""

    @extend_schema_serializer(component_name="OfferInput")
    class InputSerializer(serializers.Serializer[Any]):
        message = serializers.CharField(required=False, allow_blank=True, default="", max_length=1000)
        on_behalf_of = serializers.UUIDField(required=False, allow_null=True, default=None)

    @extend_schema(responses=OfferSerializer(many=True))
    def get(self, request: Request, request_id: uuid.UUID) -> Response:
        user = _user(request)
        found = _visible_request(request, request_id)
        return Response(OfferSerializer(selectors.offers_on(user=user, request=found), many=True).data)  # type: ignore[arg-type]

    @extend_schema(request=InputSerializer, responses={201: OfferSerializer})
    def post(self, request: Request, request_id: uuid.UUID) -> Response:
        user = _user(request)
        found = _visible_request(request, request_id)
        given = self.InputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        resident_id = given.validated_data["on_behalf_of"]
        resident = User.objects.get(pk=resident_id, is_active=True) if resident_id else None
        offer = services.do_offer(
            actor=user, request=found, message=given.validated_data["message"], on_behalf_of=resident
        )
        return Response(OfferSerializer(offer).data, status=status.HTTP_201_CREATED)


class MyOffersApi(APIView):
    """GET: my offers, as the helper or for a resident, newest first."""

    @extend_schema(responses=OfferSerializer(many=True))
    def get(self, request: Request) -> Response:
        paginator = NewestFirstCursor()
        page = paginator.paginate_queryset(selectors.offers_made_by(user=_user(request)), request, view=self)
        return paginator.get_paginated_response(OfferSerializer(page, many=True).data)  # type: ignore[arg-type]


class _OfferAction(APIView):
    def _offer(self, request: Request, offer_id: uuid.UUID) -> Offer:
        return selectors.get_visible_offer(user=_user(request), offer_id=offer_id)


class OfferAcceptApi(_OfferAction):
    """POST: accept an offer (the poster's side)."""

    @extend_schema(request=None, responses=OfferSerializer)
    def post(self, request: Request, offer_id: uuid.UUID) -> Response:
        offer = services.do_accept_offer(actor=_user(request), offer=self._offer(request, offer_id))
        return Response(OfferSerializer(offer).data)


class OfferDeclineApi(_OfferAction):
    """POST: decline an offer kindly (the poster's side)."""

    @extend_schema(request=None, responses=OfferSerializer)
    def post(self, request: Request, offer_id: uuid.UUID) -> Response:
        offer = services.do_decline_offer(actor=_user(request), offer=self._offer(request, offer_id))
        return Response(OfferSerializer(offer).data)


class OfferWithdrawApi(_OfferAction):
    """POST: withdraw my offer while the request is open."""

    @extend_schema(request=None, responses=OfferSerializer)
    def post(self, request: Request, offer_id: uuid.UUID) -> Response:
        offer = services.do_withdraw_offer(actor=_user(request), offer=self._offer(request, offer_id))
        return Response(OfferSerializer(offer).data)


class OfferCancelAgreementApi(_OfferAction):
    """POST: either side cancels an accepted offer with a reason; the request may reopen."""

    @extend_schema_serializer(component_name="CancelAgreementInput")
    class InputSerializer(serializers.Serializer[Any]):
        reason = serializers.CharField(max_length=1000)

    @extend_schema(request=InputSerializer, responses=OfferSerializer)
    def post(self, request: Request, offer_id: uuid.UUID) -> Response:
        offer = self._offer(request, offer_id)
        given = self.InputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        offer = services.do_cancel_agreement(actor=_user(request), offer=offer, reason=given.validated_data["reason"])
        return Response(OfferSerializer(offer).data)


class MessageSerializer(serializers.Serializer[ConversationMessage]):
    """A message; a hidden one keeps its place but not its text (moderators see it in the queue)."""

    id = serializers.UUIDField()
    author = NamedSerializer()
    body = serializers.SerializerMethodField()
    hidden = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField()

    def get_body(self, obj: ConversationMessage) -> str:
        return "" if obj.hidden_at else obj.body

    def get_hidden(self, obj: ConversationMessage) -> bool:
        return obj.hidden_at is not None


class ConversationSerializer(serializers.Serializer[Conversation]):
    id = serializers.UUIDField()
    request = serializers.UUIDField(source="request_id")
    request_title = serializers.CharField(source="request.title")
    kind = serializers.CharField()
    last_message_at = serializers.DateTimeField(allow_null=True)
    unread = serializers.IntegerField(default=0)


class MessageInputSerializer(serializers.Serializer[Any]):
    body = serializers.CharField(max_length=services.MAX_MESSAGE_LENGTH)


class RequestQuestionApi(APIView):
    """POST: ask the poster's side a private question before agreement."""

    @extend_schema(request=MessageInputSerializer, responses={201: MessageSerializer})
    def post(self, request: Request, request_id: uuid.UUID) -> Response:
        user = _user(request)
        found = _visible_request(request, request_id)
        given = MessageInputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        message = services.do_ask_question(actor=user, request=found, body=given.validated_data["body"])
        return Response(MessageSerializer(message).data, status=status.HTTP_201_CREATED)


class ConversationListApi(APIView):
    """GET: my conversations, latest first, with unread counts."""

    @extend_schema(responses=ConversationSerializer(many=True))
    def get(self, request: Request) -> Response:
        conversations = selectors.conversations_visible_to(_user(request))[:200]
        return Response(ConversationSerializer(conversations, many=True).data)  # type: ignore[arg-type]


class ConversationMessagesApi(APIView):
    """GET: the messages, oldest first (marks the conversation read). POST: send a message."""

    @extend_schema(responses=MessageSerializer(many=True))
    def get(self, request: Request, conversation_id: uuid.UUID) -> Response:
        user = _user(request)
        conversation = selectors.get_visible_conversation(user=user, conversation_id=conversation_id)
        messages = list(selectors.messages_of(conversation=conversation))
        services.do_mark_read(actor=user, conversation=conversation)
        return Response(MessageSerializer(messages, many=True).data)  # type: ignore[arg-type]

    @extend_schema(request=MessageInputSerializer, responses={201: MessageSerializer})
    def post(self, request: Request, conversation_id: uuid.UUID) -> Response:
        user = _user(request)
        conversation = selectors.get_visible_conversation(user=user, conversation_id=conversation_id)
        given = MessageInputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        message = services.do_send_message(actor=user, conversation=conversation, body=given.validated_data["body"])
        return Response(MessageSerializer(message).data, status=status.HTTP_201_CREATED)


class RequestPolicyApi(APIView):
    """GET: the tenant's request defaults. PUT: change them (admins)."""

    @extend_schema_serializer(component_name="RequestPolicy")
    class PolicySerializer(serializers.Serializer[RequestPolicy]):
        default_open_days = serializers.IntegerField(min_value=1, max_value=services.MAX_OPEN_DAYS)
        expiry_reminder_hours = serializers.IntegerField(min_value=1, max_value=168)

    @extend_schema(responses=PolicySerializer)
    def get(self, request: Request) -> Response:
        return Response(self.PolicySerializer(services.policy()).data)

    @extend_schema(request=PolicySerializer, responses=PolicySerializer)
    def put(self, request: Request) -> Response:
        given = self.PolicySerializer(data=request.data)
        given.is_valid(raise_exception=True)
        policy = services.do_update_policy(actor=_user(request), **given.validated_data)
        return Response(self.PolicySerializer(policy).data)
