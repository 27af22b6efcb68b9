"""A person changes their own name, e-mail address and language through one audited service."""

import pytest
from django.core.exceptions import ValidationError

from core.accounts.models import User
from core.accounts.services import do_update_profile
from core.audit.models import AuditEvent
from tenants.models import Tenant
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_changing_details_saves_them_and_audits_the_fields_not_the_values(in_melhus: Tenant) -> None:
    person = UserFactory.create(name="Kari", email="", language="nb")

    do_update_profile(user=person, name="  Kari Nordmann ", email="kari@EXAMPLE.no", language="en")

    saved = User.objects.get(pk=person.pk)
    assert (saved.name, saved.email, saved.language) == ("Kari Nordmann", "kari@example.no", "en")
    event = AuditEvent.objects.get(action="account.profile_changed")
    assert sorted(event.data["fields"]) == ["email", "language", "name"]
    assert "kari@example.no" not in str(event.data)


def test_saving_the_same_details_changes_and_audits_nothing(in_melhus: Tenant) -> None:
    person = UserFactory.create(name="Kari", email="kari@example.no", language="nb")

    do_update_profile(user=person, name="Kari", email="kari@example.no", language="nb")

    assert not AuditEvent.objects.filter(action="account.profile_changed").exists()


def test_an_empty_e_mail_address_removes_it(in_melhus: Tenant) -> None:
    person = UserFactory.create(name="Kari", email="kari@example.no")

    do_update_profile(user=person, name="Kari", email="", language="nb")

    assert User.objects.get(pk=person.pk).email == ""


def test_bad_details_are_refused_field_by_field_and_change_nothing(in_melhus: Tenant) -> None:
    person = UserFactory.create(name="Kari", email="", language="nb")

    with pytest.raises(ValidationError) as refused:
        do_update_profile(user=person, name=" ", email="kari@", language="xx")

    assert set(refused.value.error_dict) == {"name", "email", "language"}
    saved = User.objects.get(pk=person.pk)
    assert (saved.name, saved.email, saved.language) == ("Kari", "", "nb")
    assert not AuditEvent.objects.filter(action="account.profile_changed").exists()
