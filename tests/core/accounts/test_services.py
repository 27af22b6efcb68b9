"""Account services: signing up and proving or changing a phone number, each with its audit row."""

import pytest
from django.core.exceptions import ValidationError

from core.accounts.models import User
from core.accounts.services import do_mark_phone_verified, do_set_phone, do_sign_up
from core.audit.models import AuditEvent
from tenants.models import Tenant
from tests.conftest import in_schema
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_sign_up_creates_a_passwordless_member_in_a_supported_language(melhus: Tenant) -> None:
    with in_schema(melhus.schema_name):
        # When someone signs up while their browser speaks German.
        user = do_sign_up(phone="+4798000001", name="  Anna  ", language="de")

        # Then the account has no password, an unproven number, the default language, and an audit row.
        assert not user.has_usable_password()
        assert user.phone_verified_at is None
        assert (user.name, user.language) == ("Anna", "nb")
        assert AuditEvent.objects.filter(action="account.signed_up", actor=user).exists()


def test_sign_up_with_a_taken_number_fails_and_changes_nothing(melhus: Tenant) -> None:
    with in_schema(melhus.schema_name):
        UserFactory.create(phone="+4798000002")

        with pytest.raises(ValidationError):
            do_sign_up(phone="+4798000002", name="Twin", language="nb")

        assert User.objects.filter(phone="+4798000002").count() == 1
        assert not AuditEvent.objects.filter(action="account.signed_up").exists()


def test_proving_the_own_number_records_when(melhus: Tenant) -> None:
    with in_schema(melhus.schema_name):
        user = UserFactory.create(phone="+4798000003")

        do_mark_phone_verified(user=user, phone="+4798000003")
        first = User.objects.get(pk=user.pk).phone_verified_at
        do_mark_phone_verified(user=user, phone="+4798000003")

        assert first is not None
        assert User.objects.get(pk=user.pk).phone_verified_at == first
        assert AuditEvent.objects.filter(action="account.phone_verified", target_id=str(user.pk)).count() == 1


def test_proving_a_new_number_moves_the_account_to_it(melhus: Tenant) -> None:
    with in_schema(melhus.schema_name):
        user = UserFactory.create(phone="+4798000004")

        do_mark_phone_verified(user=user, phone="+4798000005")

        user.refresh_from_db()
        assert user.phone == "+4798000005"
        assert user.phone_verified_at is not None
        assert AuditEvent.objects.filter(action="account.phone_changed", target_id=str(user.pk)).exists()


def test_a_number_of_another_account_cannot_be_taken(melhus: Tenant) -> None:
    with in_schema(melhus.schema_name):
        UserFactory.create(phone="+4798000006")
        user = UserFactory.create(phone="+4798000007")

        with pytest.raises(ValidationError) as error:
            do_set_phone(user=user, phone="+4798000006", verified=True)

        assert "phone" in error.value.message_dict
        assert User.objects.get(pk=user.pk).phone == "+4798000007"
