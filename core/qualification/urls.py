"""API routes of qualification, mounted under /api/v1/."""

from django.urls import URLPattern, URLResolver, path

from . import api

urlpatterns: list[URLPattern | URLResolver] = [
    path("groups/<uuid:group_id>/requirements", api.RequirementListApi.as_view(), name="requirement-list"),
    path("requirements/<uuid:requirement_id>", api.RequirementDetailApi.as_view(), name="requirement-detail"),
    path("declarations", api.DeclarationListApi.as_view(), name="declaration-list"),
    path("declarations/<uuid:declaration_id>", api.DeclarationDetailApi.as_view(), name="declaration-detail"),
    path(
        "declarations/<uuid:declaration_id>/versions",
        api.DeclarationVersionListApi.as_view(),
        name="declaration-versions",
    ),
    path("declarations/<uuid:declaration_id>/sign", api.DeclarationSignApi.as_view(), name="declaration-sign"),
    path("memberships/<uuid:membership_id>/checklist", api.ChecklistApi.as_view(), name="membership-checklist"),
    path(
        "memberships/<uuid:membership_id>/checks/police-certificate",
        api.PoliceCertificateCheckApi.as_view(),
        name="check-police-certificate",
    ),
    path("memberships/<uuid:membership_id>/checks/training", api.TrainingCheckApi.as_view(), name="check-training"),
    path("memberships/<uuid:membership_id>/checks/id", api.IdCheckApi.as_view(), name="check-id"),
    path("memberships/<uuid:membership_id>/checks/custom", api.CustomCheckApi.as_view(), name="check-custom"),
    path("me/birth-date", api.BirthDateApi.as_view(), name="me-birth-date"),
]
