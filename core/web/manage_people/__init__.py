"""Management pages about people and structure, for tenant admins and group leaders: the dashboard, groups,
channels, requirements and declarations, the applicant queue, members and clients."""

from django.urls import URLPattern, path

from . import applicants, channels, clients, dashboard, groups, members, requirements

urlpatterns: list[URLPattern] = [
    path("manage/", dashboard.dashboard, name="dashboard"),
    # Groups, and what is done to one group's requirements, invitations and memberships
    path("manage/groups/", groups.group_list, name="manage-groups"),
    path("manage/groups/<uuid:pk>", groups.group_detail, name="manage-group"),
    path("manage/groups/<uuid:pk>/archive", groups.group_archive, name="manage-group-archive"),
    path("manage/groups/<uuid:pk>/requirements", groups.group_add_requirement, name="manage-group-requirement"),
    path("manage/groups/<uuid:pk>/invite", groups.group_invite, name="manage-group-invite"),
    path("manage/requirements/<uuid:pk>/remove", groups.requirement_remove, name="manage-requirement-remove"),
    path("manage/invitations/<uuid:pk>/revoke", groups.invitation_revoke, name="manage-invitation-revoke"),
    path("manage/memberships/<uuid:pk>/role", groups.membership_role, name="manage-membership-role"),
    path("manage/memberships/<uuid:pk>/remove", groups.membership_remove, name="manage-membership-remove"),
    # Channels
    path("manage/channels/", channels.channel_list, name="manage-channels"),
    path("manage/channels/<uuid:pk>", channels.channel_detail, name="manage-channel"),
    path("manage/channels/<uuid:pk>/archive", channels.channel_archive, name="manage-channel-archive"),
    # Requirements and declarations
    path("manage/requirements/", requirements.requirement_list, name="manage-requirements"),
    path("manage/declarations/new", requirements.declaration_create, name="manage-declaration-create"),
    path("manage/declarations/<uuid:pk>", requirements.declaration_detail, name="manage-declaration"),
    # Applicants
    path("manage/applicants/", applicants.applicant_list, name="manage-applicants"),
    path("manage/applicants/<uuid:membership_pk>", applicants.applicant_detail, name="manage-applicant"),
    path(
        "manage/applicants/<uuid:membership_pk>/checks/<uuid:requirement_pk>",
        applicants.applicant_check,
        name="manage-applicant-check",
    ),
    path(
        "manage/applicants/<uuid:membership_pk>/approve", applicants.applicant_approve, name="manage-applicant-approve"
    ),
    path("manage/applicants/<uuid:membership_pk>/reject", applicants.applicant_reject, name="manage-applicant-reject"),
    # Members
    path("manage/members/", members.member_list, name="manage-members"),
    path("manage/members/<uuid:user_pk>", members.member_detail, name="manage-member"),
    path("manage/members/<uuid:user_pk>/admin", members.member_set_admin, name="manage-member-admin"),
    # Clients
    path("manage/clients/", clients.client_list, name="manage-clients"),
    path("manage/clients/<uuid:pk>", clients.client_detail, name="manage-client"),
    path("manage/clients/<uuid:pk>/archive", clients.client_archive, name="manage-client-archive"),
]
