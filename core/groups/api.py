"""REST endpoints of groups, memberships, categories, channels, invitations and tenant admins.

One view per operation; serializers check the shape, the services enforce every rule.
"""

from typing import TYPE_CHECKING, Any, cast
from uuid import UUID

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_serializer
from rest_framework import serializers
from rest_framework.pagination import CursorPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.accounts.models import User
from core.pagination import NewestFirstCursor

from . import selectors, services
from .models import (
    Category,
    Channel,
    Group,
    Invitation,
    InvitationRole,
    JoinPolicy,
    Membership,
    MembershipStatus,
    Purpose,
    Role,
    Visibility,
)
from .permissions import can_manage_group, check_tenant_admin, is_tenant_admin

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise as StrPromise


def _viewer(request: Request) -> User:
    return cast("User", request.user)


def _cursor(field: str, size: int = 50) -> type[CursorPagination]:
    """A cursor pagination ordered by `field` (stable pages while rows arrive)."""
    return type(
        f"{field.strip('-').title()}Cursor",
        (CursorPagination,),
        {"page_size": size, "max_page_size": 200, "page_size_query_param": "page_size", "ordering": field},
    )


class _ListApi(APIView):
    pagination_class: type[CursorPagination] = NewestFirstCursor

    def paginated(self, request: Request, queryset: Any, serializer: type[serializers.BaseSerializer[Any]]) -> Response:
        paginator = self.pagination_class()
        page: list[Any] | None = paginator.paginate_queryset(queryset, request, view=self)
        return paginator.get_paginated_response(serializer(page, many=True, context={"request": request}).data)


# --- Shared output shapes ----------------------------------------------------------------------


@extend_schema_serializer(component_name="PersonRef")
class PersonRefSerializer(serializers.Serializer[User]):
    id = serializers.UUIDField()
    name = serializers.CharField()


@extend_schema_serializer(component_name="PersonContact")
class PersonContactSerializer(serializers.Serializer[User]):
    """Contact details: for a group's leaders and the admins only."""

    id = serializers.UUIDField()
    name = serializers.CharField()
    phone = serializers.CharField()
    email = serializers.EmailField()


@extend_schema_serializer(component_name="GroupRef")
class GroupRefSerializer(serializers.Serializer[Group]):
    id = serializers.UUIDField()
    name = serializers.CharField()


@extend_schema_serializer(component_name="Category")
class CategorySerializer(serializers.Serializer[Category]):
    id = serializers.UUIDField()
    key = serializers.CharField()
    name = serializers.CharField()
    position = serializers.IntegerField()


@extend_schema_serializer(component_name="Group")
class GroupSerializer(serializers.Serializer[Group]):
    """A group as the viewer may see it (from selectors.groups_visible_to)."""

    id = serializers.UUIDField()
    name = serializers.CharField()
    description = serializers.CharField()
    purpose = serializers.CharField()
    join_policy = serializers.CharField()
    visibility = serializers.CharField()
    area = serializers.CharField()
    categories = CategorySerializer(many=True)
    welcome_text = serializers.SerializerMethodField(help_text="Shown to approved members, leaders and admins.")
    approved_count = serializers.SerializerMethodField(help_text="Public groups, or members of the group.")
    my_status = serializers.CharField(allow_null=True, help_text="The viewer's membership status, if any.")
    my_role = serializers.CharField(allow_null=True)
    my_membership_id = serializers.SerializerMethodField()
    archived_at = serializers.DateTimeField(allow_null=True)

    def _insider(self, group: Group) -> bool:
        viewer = _viewer(self.context["request"])
        return getattr(group, "my_status", None) == MembershipStatus.APPROVED or is_tenant_admin(viewer)

    def get_welcome_text(self, group: Group) -> str:
        return group.welcome_text if self._insider(group) else ""

    def get_approved_count(self, group: Group) -> int | None:
        if group.visibility == Visibility.PUBLIC or self._insider(group):
            return int(getattr(group, "approved_count", 0))
        return None

    def get_my_membership_id(self, group: Group) -> UUID | None:
        return cast("UUID | None", getattr(group, "my_membership_id", None))


@extend_schema_serializer(component_name="OwnMembership")
class OwnMembershipSerializer(serializers.Serializer[Membership]):
    """A membership as its member sees it: never the leader notes."""

    id = serializers.UUIDField()
    group = GroupRefSerializer()
    role = serializers.CharField()
    status = serializers.CharField()
    applied_at = serializers.DateTimeField()
    status_changed_at = serializers.DateTimeField()


@extend_schema_serializer(component_name="ManagedMembership")
class ManagedMembershipSerializer(serializers.Serializer[Membership]):
    """A membership as the group's leaders and the admins see it, with contact details and notes."""

    id = serializers.UUIDField()
    user = PersonContactSerializer()
    role = serializers.CharField()
    status = serializers.CharField()
    leader_notes = serializers.CharField()
    applied_at = serializers.DateTimeField()
    status_changed_at = serializers.DateTimeField()


@extend_schema_serializer(component_name="FellowMember")
class FellowMemberSerializer(serializers.Serializer[Membership]):
    """Another approved member as a member sees them: a name and a role."""

    id = serializers.UUIDField()
    user = PersonRefSerializer()
    role = serializers.CharField()


@extend_schema_serializer(component_name="Channel")
class ChannelSerializer(serializers.Serializer[Channel]):
    id = serializers.UUIDField()
    name = serializers.CharField()
    description = serializers.CharField()
    publishing_groups = GroupRefSerializer(many=True)
    answering_groups = GroupRefSerializer(many=True)
    own_group_id = serializers.UUIDField(allow_null=True, help_text="Set when this is an open group's own channel.")
    archived_at = serializers.DateTimeField(allow_null=True)


@extend_schema_serializer(component_name="Invitation")
class InvitationSerializer(serializers.Serializer[Invitation]):
    id = serializers.UUIDField()
    role = serializers.CharField()
    group = GroupRefSerializer(allow_null=True)
    phone = serializers.CharField()
    email = serializers.EmailField()
    state = serializers.CharField(help_text="pending, accepted, revoked or expired")
    created_by = PersonRefSerializer(allow_null=True)
    created_at = serializers.DateTimeField()
    expires_at = serializers.DateTimeField()
    accepted_by = PersonRefSerializer(allow_null=True)
    accepted_at = serializers.DateTimeField(allow_null=True)
    revoked_at = serializers.DateTimeField(allow_null=True)


# Unknown ids are not echoed back: an error message must not become a way to probe for rows.
def _unknown(thing: "StrPromise", what_to_give: "StrPromise") -> "dict[str, str | StrPromise]":
    return {"does_not_exist": thing, "incorrect_type": what_to_give}


_UNKNOWN_GROUP = _unknown(_("No such group."), _("Give the group's id."))
_UNKNOWN_CATEGORY = _unknown(_("No such category."), _("Give the category's id."))
_UNKNOWN_PERSON = _unknown(_("No such person."), _("Give the person's id."))


def _group_ids_field(**kwargs: Any) -> serializers.PrimaryKeyRelatedField[Group]:
    return serializers.PrimaryKeyRelatedField(
        queryset=Group.objects.all(), many=True, allow_empty=False, error_messages=_UNKNOWN_GROUP, **kwargs
    )


def _category_ids_field() -> serializers.PrimaryKeyRelatedField[Category]:
    return serializers.PrimaryKeyRelatedField(
        queryset=Category.objects.all(), many=True, required=False, error_messages=_UNKNOWN_CATEGORY
    )


# --- Groups ------------------------------------------------------------------------------------


class GroupListApi(_ListApi):
    """GET: the groups the signed-in person may see, by name."""

    pagination_class = _cursor("name")

    @extend_schema(responses=GroupSerializer(many=True))
    def get(self, request: Request) -> Response:
        return self.paginated(request, selectors.groups_visible_to(_viewer(request)), GroupSerializer)


def _visible_group(request: Request, group_id: UUID) -> Group:
    return selectors.get_visible_group(user=_viewer(request), group_id=group_id)


class GroupDetailApi(APIView):
    """GET: one group; a secret group is not found for anyone outside it."""

    @extend_schema(responses=GroupSerializer)
    def get(self, request: Request, group_id: UUID) -> Response:
        return Response(GroupSerializer(_visible_group(request, group_id), context={"request": request}).data)


class GroupCreateApi(APIView):
    """POST (admins): create a group; an open group gets its own channel."""

    @extend_schema_serializer(component_name="GroupCreateInput")
    class InputSerializer(serializers.Serializer[Any]):
        name = serializers.CharField(max_length=120)
        purpose = serializers.ChoiceField(choices=Purpose.choices)
        description = serializers.CharField(required=False, allow_blank=True, default="")
        join_policy = serializers.ChoiceField(choices=JoinPolicy.choices, default=JoinPolicy.APPROVAL)
        visibility = serializers.ChoiceField(choices=Visibility.choices, default=Visibility.PUBLIC)
        welcome_text = serializers.CharField(required=False, allow_blank=True, default="")
        categories = _category_ids_field()
        area = serializers.CharField(required=False, allow_blank=True, max_length=120, default="")

    @extend_schema(request=InputSerializer, responses={201: GroupSerializer})
    def post(self, request: Request) -> Response:
        viewer = _viewer(request)
        check_tenant_admin(viewer)
        given = self.InputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        group = services.do_create_group(actor=viewer, **given.validated_data)
        shown = selectors.get_visible_group(user=viewer, group_id=group.pk)
        return Response(GroupSerializer(shown, context={"request": request}).data, status=201)


class GroupUpdateApi(APIView):
    """POST: change the given fields (admins: all; the group's leaders: description and welcome text)."""

    @extend_schema_serializer(component_name="GroupUpdateInput")
    class InputSerializer(serializers.Serializer[Any]):
        name = serializers.CharField(required=False, max_length=120)
        purpose = serializers.ChoiceField(choices=Purpose.choices, required=False)
        description = serializers.CharField(required=False, allow_blank=True)
        join_policy = serializers.ChoiceField(choices=JoinPolicy.choices, required=False)
        visibility = serializers.ChoiceField(choices=Visibility.choices, required=False)
        welcome_text = serializers.CharField(required=False, allow_blank=True)
        categories = _category_ids_field()
        area = serializers.CharField(required=False, allow_blank=True, max_length=120)

    @extend_schema(request=InputSerializer, responses=GroupSerializer)
    def post(self, request: Request, group_id: UUID) -> Response:
        viewer = _viewer(request)
        group = _visible_group(request, group_id)
        given = self.InputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        services.do_update_group(actor=viewer, group=group, **given.validated_data)
        shown = selectors.get_visible_group(user=viewer, group_id=group.pk)
        return Response(GroupSerializer(shown, context={"request": request}).data)


class GroupArchiveApi(APIView):
    """POST (admins): archive a group."""

    @extend_schema(request=None, responses=GroupSerializer)
    def post(self, request: Request, group_id: UUID) -> Response:
        viewer = _viewer(request)
        group = services.do_archive_group(actor=viewer, group=_visible_group(request, group_id))
        shown = selectors.get_visible_group(user=viewer, group_id=group.pk)
        return Response(GroupSerializer(shown, context={"request": request}).data)


class GroupApplyApi(APIView):
    """POST: apply to (or join) a group according to its join policy."""

    @extend_schema(request=None, responses=OwnMembershipSerializer)
    def post(self, request: Request, group_id: UUID) -> Response:
        membership = services.do_apply(user=_viewer(request), group=_visible_group(request, group_id))
        return Response(OwnMembershipSerializer(membership).data)


class GroupMemberListApi(_ListApi):
    """GET: the group's members as the viewer may see them.

    Leaders and admins get every status with contact details and leader notes; approved members
    get the other approved members' names; everyone else is refused.
    """

    pagination_class = _cursor("-applied_at")

    @extend_schema(responses=ManagedMembershipSerializer(many=True))
    def get(self, request: Request, group_id: UUID) -> Response:
        viewer = _viewer(request)
        group = Group.objects.get(pk=group_id)
        members = selectors.members_of(group, viewer)
        shape = ManagedMembershipSerializer if can_manage_group(viewer, group) else FellowMemberSerializer
        return self.paginated(request, members, shape)


class GroupApplicantListApi(_ListApi):
    """GET (leaders, admins): pending applications, oldest first."""

    pagination_class = _cursor("applied_at")

    @extend_schema(responses=ManagedMembershipSerializer(many=True))
    def get(self, request: Request, group_id: UUID) -> Response:
        group = Group.objects.get(pk=group_id)
        return self.paginated(request, selectors.applicants_for(group, _viewer(request)), ManagedMembershipSerializer)


# --- Memberships -------------------------------------------------------------------------------


class MyMembershipListApi(_ListApi):
    """GET: the signed-in person's own memberships."""

    pagination_class = _cursor("-applied_at")

    @extend_schema(responses=OwnMembershipSerializer(many=True))
    def get(self, request: Request) -> Response:
        return self.paginated(request, selectors.memberships_of(_viewer(request)), OwnMembershipSerializer)


def _membership(request: Request, membership_id: UUID) -> Membership:
    return selectors.get_membership_for(viewer=_viewer(request), membership_id=membership_id)


class MembershipApproveApi(APIView):
    """POST (leaders, admins): approve an application once every requirement is met."""

    @extend_schema(request=None, responses=ManagedMembershipSerializer)
    def post(self, request: Request, membership_id: UUID) -> Response:
        membership = services.do_approve_membership(
            actor=_viewer(request), membership=_membership(request, membership_id)
        )
        return Response(ManagedMembershipSerializer(membership).data)


class MembershipRejectApi(APIView):
    """POST (leaders, admins): turn down an application; notes stay internal."""

    @extend_schema_serializer(component_name="MembershipRejectInput")
    class InputSerializer(serializers.Serializer[Any]):
        notes = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)

    @extend_schema(request=InputSerializer, responses=ManagedMembershipSerializer)
    def post(self, request: Request, membership_id: UUID) -> Response:
        given = self.InputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        membership = services.do_reject_membership(
            actor=_viewer(request), membership=_membership(request, membership_id), **given.validated_data
        )
        return Response(ManagedMembershipSerializer(membership).data)


class MembershipWithdrawApi(APIView):
    """POST: leave a group (or withdraw an application), or, for leaders and admins, remove someone."""

    @extend_schema(request=None, responses=OwnMembershipSerializer)
    def post(self, request: Request, membership_id: UUID) -> Response:
        membership = services.do_withdraw_membership(
            actor=_viewer(request), membership=_membership(request, membership_id)
        )
        return Response(OwnMembershipSerializer(membership).data)


class MembershipSetRoleApi(APIView):
    """POST: set a member's role (admins: any; the group's leaders: member or staff)."""

    @extend_schema_serializer(component_name="MembershipSetRoleInput")
    class InputSerializer(serializers.Serializer[Any]):
        role = serializers.ChoiceField(choices=Role.choices)

    @extend_schema(request=InputSerializer, responses=ManagedMembershipSerializer)
    def post(self, request: Request, membership_id: UUID) -> Response:
        given = self.InputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        membership = services.do_set_role(
            actor=_viewer(request), membership=_membership(request, membership_id), role=given.validated_data["role"]
        )
        return Response(ManagedMembershipSerializer(membership).data)


class MembershipLeaderNotesApi(APIView):
    """POST (leaders, admins): replace the internal notes about a member."""

    @extend_schema_serializer(component_name="MembershipLeaderNotesInput")
    class InputSerializer(serializers.Serializer[Any]):
        notes = serializers.CharField(allow_blank=True, max_length=10000)

    @extend_schema(request=InputSerializer, responses=ManagedMembershipSerializer)
    def post(self, request: Request, membership_id: UUID) -> Response:
        given = self.InputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        membership = services.do_set_leader_notes(
            actor=_viewer(request), membership=_membership(request, membership_id), notes=given.validated_data["notes"]
        )
        return Response(ManagedMembershipSerializer(membership).data)


# --- Categories --------------------------------------------------------------------------------


class CategoryListApi(_ListApi):
    """GET: the categories of help of this tenant."""

    pagination_class = _cursor("position", size=100)

    @extend_schema(responses=CategorySerializer(many=True))
    def get(self, request: Request) -> Response:
        return self.paginated(request, selectors.categories(), CategorySerializer)


class CategoryCreateApi(APIView):
    """POST (admins): add a category of help."""

    @extend_schema_serializer(component_name="CategoryCreateInput")
    class InputSerializer(serializers.Serializer[Any]):
        key = serializers.SlugField(max_length=40)
        name = serializers.CharField(max_length=80)
        position = serializers.IntegerField(min_value=0, max_value=32767, default=0)

    @extend_schema(request=InputSerializer, responses={201: CategorySerializer})
    def post(self, request: Request) -> Response:
        viewer = _viewer(request)
        check_tenant_admin(viewer)
        given = self.InputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        category = services.do_create_category(actor=viewer, **given.validated_data)
        return Response(CategorySerializer(category).data, status=201)


class CategoryUpdateApi(APIView):
    """POST (admins): rename or reorder a category."""

    @extend_schema_serializer(component_name="CategoryUpdateInput")
    class InputSerializer(serializers.Serializer[Any]):
        name = serializers.CharField(max_length=80, required=False)
        position = serializers.IntegerField(min_value=0, max_value=32767, required=False)

    @extend_schema(request=InputSerializer, responses=CategorySerializer)
    def post(self, request: Request, category_id: UUID) -> Response:
        viewer = _viewer(request)
        check_tenant_admin(viewer)
        given = self.InputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        category = services.do_update_category(
            actor=viewer, category=Category.objects.get(pk=category_id), **given.validated_data
        )
        return Response(CategorySerializer(category).data)


class CategoryDeleteApi(APIView):
    """POST (admins): remove a category."""

    @extend_schema(request=None, responses={204: None})
    def post(self, request: Request, category_id: UUID) -> Response:
        viewer = _viewer(request)
        check_tenant_admin(viewer)
        services.do_delete_category(actor=viewer, category=Category.objects.get(pk=category_id))
        return Response(status=204)


# --- Channels ----------------------------------------------------------------------------------


class ChannelListApi(_ListApi):
    """GET: channels the person may post in or answer (admins: all)."""

    pagination_class = _cursor("name")

    @extend_schema(responses=ChannelSerializer(many=True))
    def get(self, request: Request) -> Response:
        return self.paginated(request, selectors.channels_visible_to(_viewer(request)), ChannelSerializer)


def _visible_channel(request: Request, channel_id: UUID) -> Channel:
    return selectors.get_visible_channel(user=_viewer(request), channel_id=channel_id)


class ChannelDetailApi(APIView):
    """GET: one channel the person may post in or answer."""

    @extend_schema(responses=ChannelSerializer)
    def get(self, request: Request, channel_id: UUID) -> Response:
        return Response(ChannelSerializer(_visible_channel(request, channel_id)).data)


class ChannelCreateApi(APIView):
    """POST (admins): bind publishing groups to answering groups."""

    @extend_schema_serializer(component_name="ChannelCreateInput")
    class InputSerializer(serializers.Serializer[Any]):
        name = serializers.CharField(max_length=120)
        description = serializers.CharField(required=False, allow_blank=True, default="")
        publishing_groups = _group_ids_field()
        answering_groups = _group_ids_field()

    @extend_schema(request=InputSerializer, responses={201: ChannelSerializer})
    def post(self, request: Request) -> Response:
        viewer = _viewer(request)
        check_tenant_admin(viewer)
        given = self.InputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        channel = services.do_create_channel(actor=viewer, **given.validated_data)
        return Response(ChannelSerializer(_visible_channel(request, channel.pk)).data, status=201)


class ChannelUpdateApi(APIView):
    """POST (admins): rename a channel or change its groups."""

    @extend_schema_serializer(component_name="ChannelUpdateInput")
    class InputSerializer(serializers.Serializer[Any]):
        name = serializers.CharField(max_length=120, required=False)
        description = serializers.CharField(required=False, allow_blank=True)
        publishing_groups = _group_ids_field(required=False)
        answering_groups = _group_ids_field(required=False)

    @extend_schema(request=InputSerializer, responses=ChannelSerializer)
    def post(self, request: Request, channel_id: UUID) -> Response:
        viewer = _viewer(request)
        check_tenant_admin(viewer)
        channel = _visible_channel(request, channel_id)
        given = self.InputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        services.do_update_channel(actor=viewer, channel=channel, **given.validated_data)
        return Response(ChannelSerializer(_visible_channel(request, channel_id)).data)


class ChannelArchiveApi(APIView):
    """POST (admins): archive a channel."""

    @extend_schema(request=None, responses=ChannelSerializer)
    def post(self, request: Request, channel_id: UUID) -> Response:
        viewer = _viewer(request)
        check_tenant_admin(viewer)
        services.do_archive_channel(actor=viewer, channel=_visible_channel(request, channel_id))
        return Response(ChannelSerializer(_visible_channel(request, channel_id)).data)


# --- Invitations -------------------------------------------------------------------------------


class InvitationListApi(_ListApi):
    """GET: invitations the person sent or may manage (admins: all), newest first."""

    @extend_schema(responses=InvitationSerializer(many=True))
    def get(self, request: Request) -> Response:
        return self.paginated(request, selectors.invitations_visible_to(_viewer(request)), InvitationSerializer)


class InvitationCreateApi(APIView):
    """POST: send a single-use invitation link by SMS or e-mail.

    Admins invite admins, leaders, staff and members; a group's leaders invite members. The link
    goes to the invitee only, never into the response.
    """

    @extend_schema_serializer(component_name="InvitationCreateInput")
    class InputSerializer(serializers.Serializer[Any]):
        role = serializers.ChoiceField(choices=InvitationRole.choices)
        group = serializers.PrimaryKeyRelatedField(
            queryset=Group.objects.all(), required=False, allow_null=True, error_messages=_UNKNOWN_GROUP
        )
        phone = serializers.CharField(required=False, allow_blank=True, max_length=32, default="")
        email = serializers.EmailField(required=False, allow_blank=True, default="")

    @extend_schema(request=InputSerializer, responses={201: InvitationSerializer})
    def post(self, request: Request) -> Response:
        given = self.InputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        invitation, _token = services.do_invite(actor=_viewer(request), **given.validated_data)
        return Response(InvitationSerializer(invitation).data, status=201)


class InvitationRevokeApi(APIView):
    """POST: withdraw an unused invitation."""

    @extend_schema(request=None, responses=InvitationSerializer)
    def post(self, request: Request, invitation_id: UUID) -> Response:
        viewer = _viewer(request)
        invitation = selectors.get_visible_invitation(user=viewer, invitation_id=invitation_id)
        return Response(InvitationSerializer(services.do_revoke_invitation(actor=viewer, invitation=invitation)).data)


class InvitationAcceptApi(APIView):
    """POST: use an invitation link's token (from the body, never the URL, so it stays out of logs)."""

    @extend_schema_serializer(component_name="InvitationAcceptInput")
    class InputSerializer(serializers.Serializer[Any]):
        token = serializers.CharField(max_length=200)

    @extend_schema_serializer(component_name="InvitationAccepted")
    class OutputSerializer(serializers.Serializer[Any]):
        membership = OwnMembershipSerializer(allow_null=True)
        is_tenant_admin = serializers.BooleanField()

    @extend_schema(request=InputSerializer, responses=OutputSerializer)
    def post(self, request: Request) -> Response:
        viewer = _viewer(request)
        given = self.InputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        membership = services.do_accept_invitation(user=viewer, token=given.validated_data["token"])
        return Response(
            self.OutputSerializer({"membership": membership, "is_tenant_admin": viewer.is_tenant_admin}).data
        )


# --- Tenant admins -----------------------------------------------------------------------------


class TenantAdminListApi(_ListApi):
    """GET (admins): the tenant's admins."""

    pagination_class = _cursor("name")

    @extend_schema(responses=PersonContactSerializer(many=True))
    def get(self, request: Request) -> Response:
        return self.paginated(request, selectors.tenant_admins(_viewer(request)), PersonContactSerializer)


class TenantAdminSetApi(APIView):
    """POST (admins): make a person admin, or stop them being one (one admin always remains)."""

    @extend_schema_serializer(component_name="TenantAdminSetInput")
    class InputSerializer(serializers.Serializer[Any]):
        user = serializers.PrimaryKeyRelatedField(queryset=User.objects.all(), error_messages=_UNKNOWN_PERSON)
        is_admin = serializers.BooleanField()

    @extend_schema(request=InputSerializer, responses=PersonContactSerializer)
    def post(self, request: Request) -> Response:
        viewer = _viewer(request)
        check_tenant_admin(viewer)  # before reading the body: others learn nothing about who exists
        given = self.InputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        user = services.do_set_tenant_admin(actor=viewer, **given.validated_data)
        return Response(PersonContactSerializer(user).data)
