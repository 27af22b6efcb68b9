"""The adapter's own rules: codes are 6 digits, and whatever allauth sends goes through the outbox."""

import re

import pytest
from allauth.account.adapter import get_adapter
from allauth.core import context
from django.test import RequestFactory

from core.messaging.models import Medium, OutboxMessage
from tenants.models import Tenant
from tests.conftest import in_schema
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_phone_codes_are_six_random_digits(melhus: Tenant) -> None:
    with in_schema(melhus.schema_name):
        user = UserFactory.create()
    codes = {get_adapter().generate_phone_verification_code(user=user, phone=user.phone) for _ in range(50)}
    assert all(re.fullmatch(r"\d{6}", code) for code in codes)
    assert len(codes) > 40


def test_an_email_allauth_sends_is_queued_in_the_outbox(melhus: Tenant) -> None:
    # Given a request on Melhus's host.
    request = RequestFactory().get("/", HTTP_HOST="melhus.localhost")
    request.tenant = melhus  # type: ignore[attr-defined]

    with in_schema(melhus.schema_name), context.request_context(request):
        # When allauth sends one of its e-mails.
        get_adapter().send_mail(
            "account/email/unknown_account", "someone@example.org", {"signup_url": "http://melhus.localhost/x"}
        )

        # Then it is an outbox row, not a message handed to the e-mail backend.
        [mail] = OutboxMessage.objects.all()
    assert (mail.medium, mail.to, mail.kind) == (Medium.EMAIL, "someone@example.org", "unknown_account")
    assert "http://melhus.localhost/x" in mail.body
    assert mail.subject
