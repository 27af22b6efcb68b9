"""REST endpoints of qualification: requirements, declarations and signatures, checks and checklists."""

import uuid
from typing import Any, cast

from django.core.exceptions import ValidationError
from django.db.models import Max, QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_serializer
from rest_framework import serializers, status
from rest_framework.pagination import CursorPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.accounts.models import User
from core.groups.models import Membership, MembershipStatus

from .models import (
    Declaration,
    IdMethod,
    LegalBasis,
    QualificationRecord,
    Requirement,
    RequirementKind,
)
from .selectors import (
    current_version,
    declarations,
    get_visible_group,
    get_visible_membership,
    get_visible_requirement,
    requirement_checklist,
    requirements_of,
    versions_of,
)
from .services import (
    do_add_requirement,
    do_confirm_custom,
    do_create_declaration,
    do_publish_declaration_version,
    do_record_police_certificate,
    do_record_training,
    do_remove_requirement,
    do_set_birth_date,
    do_sign_declaration,
    do_verify_id,
)


def _user(request: Request) -> User:
    return cast("User", request.user)


class OldestFirstCursor(CursorPagination):
    page_size = 50
    max_page_size = 200
    page_size_query_param = "page_size"
    ordering = ("created_at", "id")


# --- Requirements ----------------------------------------------------------------------------------------------


@extend_schema_serializer(component_name="Requirement")
class RequirementSerializer(serializers.Serializer[Any]):
    id = serializers.UUIDField()
    kind = serializers.CharField()
    name = serializers.CharField(source="label")
    declaration = serializers.UUIDField(source="declaration_id", allow_null=True)
    # Shown to members too: people have a right to know why a police certificate is asked for.
    legal_basis = serializers.CharField()
    legal_reference = serializers.CharField()
    validity_months = serializers.IntegerField(allow_null=True)
    max_certificate_age_months = serializers.IntegerField(allow_null=True)
    training_name = serializers.CharField()
    min_age_years = serializers.IntegerField(allow_null=True)
    title = serializers.CharField()
    description = serializers.CharField()
    created_at = serializers.DateTimeField()


class RequirementListApi(APIView):
    """GET: what a group requires (anyone who can see the group). POST: add a requirement (leaders, admins)."""

    class Pagination(OldestFirstCursor):
        pass

    @extend_schema_serializer(component_name="RequirementAddInput")
    class InputSerializer(serializers.Serializer[Any]):
        kind = serializers.ChoiceField(choices=RequirementKind.choices)
        declaration = serializers.UUIDField(required=False, allow_null=True, default=None)
        legal_basis = serializers.ChoiceField(choices=LegalBasis.choices, required=False, allow_blank=True, default="")
        legal_reference = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
        validity_months = serializers.IntegerField(min_value=1, max_value=240, required=False, allow_null=True)
        max_certificate_age_months = serializers.IntegerField(
            min_value=1, max_value=120, required=False, allow_null=True
        )
        training_name = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
        min_age_years = serializers.IntegerField(min_value=1, max_value=120, required=False, allow_null=True)
        title = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
        description = serializers.CharField(required=False, allow_blank=True, default="")

    @extend_schema(responses=RequirementSerializer(many=True))
    def get(self, request: Request, group_id: uuid.UUID) -> Response:
        group = get_visible_group(viewer=_user(request), group_id=group_id)
        paginator = self.Pagination()
        page = paginator.paginate_queryset(requirements_of(group=group), request, view=self)
        return paginator.get_paginated_response(RequirementSerializer(page, many=True).data)

    @extend_schema(request=InputSerializer, responses={201: RequirementSerializer})
    def post(self, request: Request, group_id: uuid.UUID) -> Response:
        group = get_visible_group(viewer=_user(request), group_id=group_id)
        given = self.InputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = dict(given.validated_data)
        declaration_id = data.pop("declaration")
        declaration = None
        if declaration_id is not None:
            declaration = Declaration.objects.filter(pk=declaration_id).first()
            if declaration is None:
                raise ValidationError({"declaration": _("No such declaration.")})
        requirement = do_add_requirement(actor=_user(request), group=group, declaration=declaration, **data)
        return Response(RequirementSerializer(requirement).data, status=status.HTTP_201_CREATED)


class RequirementDetailApi(APIView):
    """DELETE: remove a requirement and every check recorded against it (leaders, admins)."""

    @extend_schema(responses={204: None})
    def delete(self, request: Request, requirement_id: uuid.UUID) -> Response:
        requirement = get_visible_requirement(viewer=_user(request), requirement_id=requirement_id)
        do_remove_requirement(actor=_user(request), requirement=requirement)
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- Declarations ------------------------------------------------------------------------------------------------


@extend_schema_serializer(component_name="Declaration")
class DeclarationSerializer(serializers.Serializer[Any]):
    id = serializers.UUIDField()
    title = serializers.CharField()
    current_version = serializers.IntegerField(source="current_number")
    created_at = serializers.DateTimeField()


@extend_schema_serializer(component_name="DeclarationVersion")
class VersionSerializer(serializers.Serializer[Any]):
    id = serializers.UUIDField()
    number = serializers.IntegerField()
    text = serializers.CharField()
    sha256 = serializers.CharField()
    published_at = serializers.DateTimeField()
    resign_deadline = serializers.DateField(allow_null=True)


def _with_current_number(queryset: QuerySet[Declaration]) -> QuerySet[Declaration]:
    return queryset.annotate(current_number=Max("versions__number"))


def _declaration_response(declaration_id: uuid.UUID, *, code: int = status.HTTP_200_OK) -> Response:
    declaration = _with_current_number(declarations()).get(pk=declaration_id)
    return Response(DeclarationSerializer(declaration).data, status=code)


class DeclarationListApi(APIView):
    """GET: the tenant's declarations (everyone signed in). POST: a new declaration with its first text (admins)."""

    class Pagination(CursorPagination):
        page_size = 50
        ordering = "title"

    @extend_schema_serializer(component_name="DeclarationCreateInput")
    class InputSerializer(serializers.Serializer[Any]):
        title = serializers.CharField(max_length=200)
        text = serializers.CharField(trim_whitespace=False)

    @extend_schema(responses=DeclarationSerializer(many=True))
    def get(self, request: Request) -> Response:
        paginator = self.Pagination()
        page = paginator.paginate_queryset(_with_current_number(declarations()), request, view=self)
        return paginator.get_paginated_response(DeclarationSerializer(page, many=True).data)

    @extend_schema(request=InputSerializer, responses={201: DeclarationSerializer})
    def post(self, request: Request) -> Response:
        given = self.InputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        declaration = do_create_declaration(actor=_user(request), **given.validated_data)
        return _declaration_response(declaration.pk, code=status.HTTP_201_CREATED)


class DeclarationDetailApi(APIView):
    """GET: a declaration's current text and its hash, which the app sends back when the person signs."""

    @extend_schema_serializer(component_name="DeclarationDetail")
    class OutputSerializer(serializers.Serializer[Any]):
        id = serializers.UUIDField()
        title = serializers.CharField()
        version = VersionSerializer()
        signed_current_version = serializers.BooleanField()

    @extend_schema(responses=OutputSerializer)
    def get(self, request: Request, declaration_id: uuid.UUID) -> Response:
        declaration = declarations().get(pk=declaration_id)
        version = current_version(declaration=declaration)
        signed = version.signatures.filter(user=_user(request)).exists()
        data = {"id": declaration.pk, "title": declaration.title, "version": version, "signed_current_version": signed}
        return Response(self.OutputSerializer(data).data)


class DeclarationVersionListApi(APIView):
    """GET: every published text of a declaration, newest first. POST: publish a new text (admins)."""

    class Pagination(CursorPagination):
        page_size = 20
        ordering = "-number"

    @extend_schema_serializer(component_name="DeclarationPublishInput")
    class InputSerializer(serializers.Serializer[Any]):
        text = serializers.CharField(trim_whitespace=False)
        grace_days = serializers.IntegerField(min_value=0, max_value=365, required=False, default=30)

    @extend_schema(responses=VersionSerializer(many=True))
    def get(self, request: Request, declaration_id: uuid.UUID) -> Response:
        declaration = declarations().get(pk=declaration_id)
        paginator = self.Pagination()
        page = paginator.paginate_queryset(versions_of(declaration=declaration), request, view=self)
        return paginator.get_paginated_response(VersionSerializer(page, many=True).data)

    @extend_schema(request=InputSerializer, responses={201: VersionSerializer})
    def post(self, request: Request, declaration_id: uuid.UUID) -> Response:
        declaration = declarations().get(pk=declaration_id)
        given = self.InputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        version = do_publish_declaration_version(actor=_user(request), declaration=declaration, **given.validated_data)
        return Response(VersionSerializer(version).data, status=status.HTTP_201_CREATED)


class DeclarationSignApi(APIView):
    """POST: the signed-in person signs the version they were shown, sending back the hash of its text."""

    @extend_schema_serializer(component_name="DeclarationSignInput")
    class InputSerializer(serializers.Serializer[Any]):
        version = serializers.IntegerField(min_value=1)
        full_name = serializers.CharField(max_length=200, allow_blank=True)
        consent = serializers.BooleanField()
        text_sha256 = serializers.CharField(max_length=64, allow_blank=True)

    @extend_schema_serializer(component_name="DeclarationSignature")
    class OutputSerializer(serializers.Serializer[Any]):
        id = serializers.UUIDField()
        version = serializers.IntegerField(source="version.number")
        full_name = serializers.CharField()
        signed_at = serializers.DateTimeField()
        text_sha256 = serializers.CharField()

    @extend_schema(request=InputSerializer, responses={201: OutputSerializer})
    def post(self, request: Request, declaration_id: uuid.UUID) -> Response:
        declaration = declarations().get(pk=declaration_id)
        given = self.InputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = given.validated_data
        version = versions_of(declaration=declaration).filter(number=data["version"]).first()
        if version is None:
            raise ValidationError({"version": _("No such version of this declaration.")})
        signature = do_sign_declaration(
            user=_user(request),
            version=version,
            full_name=data["full_name"],
            consent=data["consent"],
            text_sha256=data["text_sha256"],
        )
        return Response(self.OutputSerializer(signature).data, status=status.HTTP_201_CREATED)


# --- Checklists and checks ---------------------------------------------------------------------------------------


@extend_schema_serializer(component_name="ChecklistItem")
class ChecklistItemSerializer(serializers.Serializer[Any]):
    requirement = serializers.UUIDField(source="requirement.id")
    kind = serializers.CharField(source="requirement.kind")
    name = serializers.CharField(source="requirement.label")
    state = serializers.CharField()
    met = serializers.BooleanField()
    done_on = serializers.DateField(allow_null=True)
    expires_on = serializers.DateField(allow_null=True)
    problem = serializers.CharField()


class ChecklistApi(APIView):
    """GET: each requirement of the membership's group, met or not (the group's leaders, admins, the member)."""

    @extend_schema_serializer(component_name="Checklist")
    class OutputSerializer(serializers.Serializer[Any]):
        membership = serializers.UUIDField()
        group = serializers.UUIDField()
        person = serializers.CharField()
        status = serializers.CharField()
        qualified = serializers.BooleanField(help_text="Approved, and every requirement counts today.")
        items = ChecklistItemSerializer(many=True)

    @extend_schema(responses=OutputSerializer)
    def get(self, request: Request, membership_id: uuid.UUID) -> Response:
        membership = get_visible_membership(viewer=_user(request), membership_id=membership_id)
        items = requirement_checklist(membership=membership)
        qualified = membership.status == MembershipStatus.APPROVED and all(item.counts_now for item in items)
        data = {
            "membership": membership.pk,
            "group": membership.group_id,
            "person": membership.user.name,
            "status": membership.status,
            "qualified": qualified,
            "items": items,
        }
        return Response(self.OutputSerializer(data).data)


@extend_schema_serializer(component_name="QualificationRecord")
class RecordSerializer(serializers.Serializer[QualificationRecord]):
    id = serializers.UUIDField()
    requirement = serializers.UUIDField(source="requirement_id")
    done_on = serializers.DateField()
    expires_on = serializers.DateField(allow_null=True)


def _requirement_of(membership: Membership, requirement_id: uuid.UUID) -> Requirement:
    requirement = Requirement.objects.filter(pk=requirement_id, group_id=membership.group_id).first()
    if requirement is None:
        raise ValidationError({"requirement": _("Not a requirement of this group.")})
    return requirement


class RecordCheckApi(APIView):
    """POST: a leader records that a member passed one kind of check; a subclass per kind.

    The base resolves the membership the caller may see, validates the subclass' InputSerializer,
    finds the requirement in the membership's group and answers with the saved record; the
    subclass only says which service records its kind of check.
    """

    InputSerializer: type[serializers.Serializer[Any]]

    def get_serializer_class(self) -> type[serializers.Serializer[Any]]:
        # drf-spectacular documents the request body of an APIView from this.
        return self.InputSerializer

    def record(
        self, *, actor: User, membership: Membership, requirement: Requirement, data: dict[str, Any]
    ) -> QualificationRecord:
        raise NotImplementedError

    @extend_schema(responses={201: RecordSerializer})
    def post(self, request: Request, membership_id: uuid.UUID) -> Response:
        membership = get_visible_membership(viewer=_user(request), membership_id=membership_id)
        given = self.InputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = given.validated_data
        saved = self.record(
            actor=_user(request),
            membership=membership,
            requirement=_requirement_of(membership, data["requirement"]),
            data=data,
        )
        return Response(RecordSerializer(saved).data, status=status.HTTP_201_CREATED)


class PoliceCertificateCheckApi(RecordCheckApi):
    """POST: a leader notes that a police certificate was shown. Only dates and the checker are kept."""

    @extend_schema_serializer(component_name="PoliceCertificateCheckInput")
    class InputSerializer(serializers.Serializer[Any]):
        requirement = serializers.UUIDField()
        shown_on = serializers.DateField()
        issued_on = serializers.DateField()

    def record(
        self, *, actor: User, membership: Membership, requirement: Requirement, data: dict[str, Any]
    ) -> QualificationRecord:
        return do_record_police_certificate(
            actor=actor,
            membership=membership,
            requirement=requirement,
            shown_on=data["shown_on"],
            issued_on=data["issued_on"],
        )


class TrainingCheckApi(RecordCheckApi):
    """POST: a leader records that the member completed the required training."""

    @extend_schema_serializer(component_name="TrainingCheckInput")
    class InputSerializer(serializers.Serializer[Any]):
        requirement = serializers.UUIDField()
        completed_on = serializers.DateField()

    def record(
        self, *, actor: User, membership: Membership, requirement: Requirement, data: dict[str, Any]
    ) -> QualificationRecord:
        return do_record_training(
            actor=actor, membership=membership, requirement=requirement, completed_on=data["completed_on"]
        )


class IdCheckApi(RecordCheckApi):
    """POST: a leader records how the member's identity was checked (and, optionally, the date of birth read)."""

    @extend_schema_serializer(component_name="IdCheckInput")
    class InputSerializer(serializers.Serializer[Any]):
        requirement = serializers.UUIDField()
        method = serializers.ChoiceField(choices=IdMethod.choices)
        verified_on = serializers.DateField()
        birth_date = serializers.DateField(required=False, allow_null=True, default=None)

    def record(
        self, *, actor: User, membership: Membership, requirement: Requirement, data: dict[str, Any]
    ) -> QualificationRecord:
        return do_verify_id(
            actor=actor,
            membership=membership,
            requirement=requirement,
            method=data["method"],
            verified_on=data["verified_on"],
            birth_date=data["birth_date"],
        )


class CustomCheckApi(RecordCheckApi):
    """POST: a leader confirms that the member meets a custom requirement."""

    @extend_schema_serializer(component_name="CustomCheckInput")
    class InputSerializer(serializers.Serializer[Any]):
        requirement = serializers.UUIDField()
        confirmed_on = serializers.DateField()

    def record(
        self, *, actor: User, membership: Membership, requirement: Requirement, data: dict[str, Any]
    ) -> QualificationRecord:
        return do_confirm_custom(
            actor=actor, membership=membership, requirement=requirement, confirmed_on=data["confirmed_on"]
        )


class BirthDateApi(APIView):
    """PUT: the signed-in person declares their own date of birth (for groups with a minimum age)."""

    @extend_schema_serializer(component_name="BirthDateInput")
    class InputSerializer(serializers.Serializer[Any]):
        birth_date = serializers.DateField()

    @extend_schema_serializer(component_name="BirthDate")
    class OutputSerializer(serializers.Serializer[User]):
        birth_date = serializers.DateField()

    @extend_schema(request=InputSerializer, responses=OutputSerializer)
    def put(self, request: Request) -> Response:
        given = self.InputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        user = _user(request)
        user = do_set_birth_date(actor=user, user=user, birth_date=given.validated_data["birth_date"])
        return Response(self.OutputSerializer(user).data)
