"""API routes of groups, mounted under /api/v1/."""

from django.urls import URLPattern, URLResolver, path

from . import api

urlpatterns: list[URLPattern | URLResolver] = [
    path("groups/", api.GroupListApi.as_view(), name="group-list"),
    path("groups/create/", api.GroupCreateApi.as_view(), name="group-create"),
    path("groups/<uuid:group_id>/", api.GroupDetailApi.as_view(), name="group-detail"),
    path("groups/<uuid:group_id>/update/", api.GroupUpdateApi.as_view(), name="group-update"),
    path("groups/<uuid:group_id>/archive/", api.GroupArchiveApi.as_view(), name="group-archive"),
    path("groups/<uuid:group_id>/apply/", api.GroupApplyApi.as_view(), name="group-apply"),
    path("groups/<uuid:group_id>/members/", api.GroupMemberListApi.as_view(), name="group-members"),
    path("groups/<uuid:group_id>/applicants/", api.GroupApplicantListApi.as_view(), name="group-applicants"),
    path("memberships/", api.MyMembershipListApi.as_view(), name="membership-list"),
    path("memberships/<uuid:membership_id>/approve/", api.MembershipApproveApi.as_view(), name="membership-approve"),
    path("memberships/<uuid:membership_id>/reject/", api.MembershipRejectApi.as_view(), name="membership-reject"),
    path("memberships/<uuid:membership_id>/withdraw/", api.MembershipWithdrawApi.as_view(), name="membership-withdraw"),
    path("memberships/<uuid:membership_id>/role/", api.MembershipSetRoleApi.as_view(), name="membership-role"),
    path("memberships/<uuid:membership_id>/notes/", api.MembershipLeaderNotesApi.as_view(), name="membership-notes"),
    path("categories/", api.CategoryListApi.as_view(), name="category-list"),
    path("categories/create/", api.CategoryCreateApi.as_view(), name="category-create"),
    path("categories/<uuid:category_id>/update/", api.CategoryUpdateApi.as_view(), name="category-update"),
    path("categories/<uuid:category_id>/delete/", api.CategoryDeleteApi.as_view(), name="category-delete"),
    path("channels/", api.ChannelListApi.as_view(), name="channel-list"),
    path("channels/create/", api.ChannelCreateApi.as_view(), name="channel-create"),
    path("channels/<uuid:channel_id>/", api.ChannelDetailApi.as_view(), name="channel-detail"),
    path("channels/<uuid:channel_id>/update/", api.ChannelUpdateApi.as_view(), name="channel-update"),
    path("channels/<uuid:channel_id>/archive/", api.ChannelArchiveApi.as_view(), name="channel-archive"),
    path("invitations/", api.InvitationListApi.as_view(), name="invitation-list"),
    path("invitations/create/", api.InvitationCreateApi.as_view(), name="invitation-create"),
    # The token travels in the body, never in a URL: URLs end up in logs and browser history.
    path("invitations/accept/", api.InvitationAcceptApi.as_view(), name="invitation-accept"),
    path("invitations/<uuid:invitation_id>/revoke/", api.InvitationRevokeApi.as_view(), name="invitation-revoke"),
    path("tenant-admins/", api.TenantAdminListApi.as_view(), name="tenant-admin-list"),
    path("tenant-admins/set/", api.TenantAdminSetApi.as_view(), name="tenant-admin-set"),
]
