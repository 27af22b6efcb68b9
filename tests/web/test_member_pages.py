"""Members' own pages: groups and their requirements, declarations, profile, qualifications, notices, the web app."""

import html
import json
import re
from collections.abc import Callable
from datetime import time, timedelta
from typing import Any

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.test import Client
from django.utils import timezone

from core.accounts.models import User
from core.accounts.phone import display_phone
from core.audit.models import AuditEvent
from core.branding.models import Branding
from core.groups.models import Group, JoinPolicy, Membership, MembershipStatus, Purpose, Role, Visibility
from core.notifications.models import NotificationPreference, QuietHours
from core.qualification.models import (
    Declaration,
    DeclarationSignature,
    PoliceCertificateRecord,
    RequirementKind,
    TrainingRecord,
)
from core.qualification.services import (
    do_add_requirement,
    do_create_declaration,
    do_record_police_certificate,
    do_record_training,
)
from tenants.models import Tenant
from tests.conftest import in_schema
from tests.factories import UserFactory, make_group, make_member
from tests.web.conftest import web_client

pytestmark = pytest.mark.django_db

DECLARATION_TEXT = "I will keep secret everything I learn about other people's private lives.\n\nAlso after I leave."
MemberQueries = Callable[..., Any]


def _page(response: Any) -> str:
    return html.unescape(response.content.decode())


def _one_h1(page: str) -> None:
    assert len(re.findall(r"<h1[\s>]", page)) == 1, "a page has exactly one h1"


def _labelled(page: str, input_id: str) -> None:
    assert f'id="{input_id}"' in page
    assert f'<label for="{input_id}"' in page


@pytest.fixture
def admin(melhus: Tenant) -> User:
    with in_schema(melhus.schema_name):
        return UserFactory.create(name="Ada Admin", is_tenant_admin=True, language="en")


@pytest.fixture
def kari(melhus: Tenant) -> User:
    with in_schema(melhus.schema_name):
        return UserFactory.create(name="Kari Member", email="", language="en")


@pytest.fixture
def helpers(melhus: Tenant, admin: User) -> Group:
    """An approval group that asks for a signed declaration and a police certificate."""
    with in_schema(melhus.schema_name):
        group = make_group("Besøksvenner", description="We visit people who live alone.", area="Melhus sentrum")
        declaration = do_create_declaration(actor=admin, title="Confidentiality", text=DECLARATION_TEXT)
        do_add_requirement(actor=admin, group=group, kind=RequirementKind.DECLARATION, declaration=declaration)
        do_add_requirement(
            actor=admin, group=group, kind=RequirementKind.POLICE_CERTIFICATE, legal_basis="minors", validity_months=36
        )
        return group


# --- Who may open the pages ----------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/groups/", "/me/", "/me/qualifications", "/me/notifications"])
def test_a_visitor_is_sent_to_the_sms_login(melhus: Tenant, path: str) -> None:
    response = web_client(melhus).get(path)

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


# --- Groups --------------------------------------------------------------------------------------


def test_the_group_list_shows_what_i_can_see_with_my_status(
    melhus: Tenant, kari: User, django_assert_max_num_queries: MemberQueries
) -> None:
    # Given a group Kari is in, one she applied to, one she was turned down by, and a secret one she is not in
    with in_schema(melhus.schema_name):
        make_member(make_group("Leksehjelp"), kari)
        make_member(make_group("Snømåking", join_policy=JoinPolicy.OPEN), kari, status=MembershipStatus.APPLIED)
        make_member(make_group("Handlehjelp"), kari, status=MembershipStatus.REJECTED)
        make_group("Hemmelig", visibility=Visibility.SECRET)
        for number in range(25):
            make_group(f"Zz gruppe {number:02}")
    client = web_client(melhus, kari)

    # When she opens the list
    with django_assert_max_num_queries(10):
        response = client.get("/groups/")
    page = _page(response)

    # Then she sees each visible group with her status in words, a page at a time, and not the secret group
    assert response.status_code == 200
    _one_h1(page)
    assert "Leksehjelp" in page
    assert "Member" in page
    assert "Snømåking" in page
    assert "Applied" in page
    assert "Anyone may join at once." in page
    assert "Handlehjelp" in page
    assert "Not approved" in page
    assert "Members answer requests for help." in page
    assert "Hemmelig" not in page
    assert "?page=2" in page
    assert "Zz gruppe 24" in _page(client.get("/groups/?page=2"))


def test_the_group_page_lists_what_joining_requires_with_what_to_do(melhus: Tenant, kari: User, helpers: Group) -> None:
    response = web_client(melhus, kari).get(f"/groups/{helpers.pk}")
    page = _page(response)

    assert response.status_code == 200
    _one_h1(page)
    assert "We visit people who live alone." in page
    assert "Melhus sentrum" in page
    assert "Signed declaration: Confidentiality" in page
    assert "Police certificate" in page
    assert "the certificate itself is not kept" in page
    assert "Contact with minors" in page
    assert "every 36 months" in page
    assert page.count("To do") == 2
    assert f"/groups/{helpers.pk}/declaration" in page
    assert "Apply to join" in page


def test_applying_to_an_approval_group_creates_an_application(melhus: Tenant, kari: User, helpers: Group) -> None:
    # When Kari applies
    response = web_client(melhus, kari).post(f"/groups/{helpers.pk}/apply")

    # Then she has applied (audited), and is back on the group's page, told what to do next
    assert response.status_code == 302
    assert response["Location"] == f"/groups/{helpers.pk}"
    with in_schema(melhus.schema_name):
        membership = Membership.objects.get(user=kari, group=helpers)
        assert membership.status == MembershipStatus.APPLIED
        assert AuditEvent.objects.filter(action="membership.applied", target_id=str(membership.pk)).exists()
    page = _page(web_client(melhus, kari).get(f"/groups/{helpers.pk}"))
    assert "Your application is waiting" in page
    assert "Withdraw my application" in page


def test_joining_an_open_group_without_requirements_makes_a_member_at_once(melhus: Tenant, kari: User) -> None:
    with in_schema(melhus.schema_name):
        group = make_group("Naboer hjelper naboer", purpose=Purpose.OPEN, join_policy=JoinPolicy.OPEN)
    client = web_client(melhus, kari)

    client.post(f"/groups/{group.pk}/apply")

    with in_schema(melhus.schema_name):
        assert Membership.objects.get(user=kari, group=group).status == MembershipStatus.APPROVED
    page = _page(client.get(f"/groups/{group.pk}"))
    assert "Welcome to Naboer hjelper naboer!" in page
    assert "Leave the group" in page


def test_an_invitation_only_group_refuses_an_application_and_changes_nothing(melhus: Tenant, kari: User) -> None:
    with in_schema(melhus.schema_name):
        group = make_group("Beredskap", join_policy=JoinPolicy.INVITATION)
    client = web_client(melhus, kari)

    page_before = _page(client.get(f"/groups/{group.pk}"))
    response = client.post(f"/groups/{group.pk}/apply")

    assert "by invitation only" in page_before
    assert "Apply to join" not in page_before
    assert response.status_code == 400
    assert "invitation only" in _page(response)
    with in_schema(melhus.schema_name):
        assert not Membership.objects.filter(user=kari, group=group).exists()


def test_withdrawing_an_application_and_leaving_a_group(melhus: Tenant, kari: User) -> None:
    with in_schema(melhus.schema_name):
        applied = make_member(make_group("Leksehjelp"), kari, status=MembershipStatus.APPLIED)
        member = make_member(make_group("Snømåking"), kari)
    client = web_client(melhus, kari)

    withdrawn = client.post(f"/groups/{applied.group_id}/leave")
    left = client.post(f"/groups/{member.group_id}/leave")

    assert withdrawn.status_code == left.status_code == 302
    with in_schema(melhus.schema_name):
        assert Membership.objects.get(pk=applied.pk).status == MembershipStatus.WITHDRAWN
        assert Membership.objects.get(pk=member.pk).status == MembershipStatus.WITHDRAWN
        assert AuditEvent.objects.filter(action="membership.withdrawn", actor=kari).count() == 2
    page = _page(client.get(f"/groups/{member.group_id}"))
    assert "You have left Snømåking." in page
    assert "Apply to join" in page


def test_leaving_a_group_i_am_not_in_is_not_found(melhus: Tenant, kari: User, helpers: Group) -> None:
    assert web_client(melhus, kari).post(f"/groups/{helpers.pk}/leave").status_code == 404


def test_apply_and_leave_take_only_posts(melhus: Tenant, kari: User, helpers: Group) -> None:
    client = web_client(melhus, kari)

    assert client.get(f"/groups/{helpers.pk}/apply").status_code == 405
    assert client.get(f"/groups/{helpers.pk}/leave").status_code == 405
    with in_schema(melhus.schema_name):
        assert not Membership.objects.filter(user=kari).exists()


@pytest.mark.parametrize("suffix", ["", "/declaration", "/apply", "/leave"])
def test_a_secret_group_does_not_exist_for_someone_not_in_it(
    melhus: Tenant, kari: User, admin: User, suffix: str
) -> None:
    with in_schema(melhus.schema_name):
        secret = make_group("Hemmelig", visibility=Visibility.SECRET)
        declaration = do_create_declaration(actor=admin, title="Secret", text=DECLARATION_TEXT)
        do_add_requirement(actor=admin, group=secret, kind=RequirementKind.DECLARATION, declaration=declaration)
    client = web_client(melhus, kari)

    response = client.post(f"/groups/{secret.pk}{suffix}") if suffix in ("/apply", "/leave") else None
    response = response or client.get(f"/groups/{secret.pk}{suffix}")

    assert response.status_code == 404
    assert "Hemmelig" not in _page(response)
    with in_schema(melhus.schema_name):
        assert not Membership.objects.filter(user=kari).exists()


def test_a_member_of_a_secret_group_sees_it(melhus: Tenant, kari: User) -> None:
    with in_schema(melhus.schema_name):
        secret = make_group("Hemmelig", visibility=Visibility.SECRET)
        make_member(secret, kari)

    assert web_client(melhus, kari).get(f"/groups/{secret.pk}").status_code == 200
    assert "Hemmelig" in _page(web_client(melhus, kari).get("/groups/"))


# --- Declarations --------------------------------------------------------------------------------


def test_signing_the_declaration_records_it_and_the_checklist_shows_it(
    melhus: Tenant, kari: User, helpers: Group
) -> None:
    client = web_client(melhus, kari)
    with in_schema(melhus.schema_name):
        declaration = Declaration.objects.get(title="Confidentiality")
        version = declaration.versions.get()

    # When Kari reads the declaration and signs it
    page = _page(client.get(f"/groups/{helpers.pk}/declaration"))
    prefix = str(declaration.pk)
    signed = client.post(
        f"/groups/{helpers.pk}/declaration",
        {
            "declaration": prefix,
            f"{prefix}-version": str(version.pk),
            f"{prefix}-text_sha256": version.sha256,
            f"{prefix}-full_name": "Kari Member",
            f"{prefix}-consent": "on",
        },
    )

    # Then she saw the full text, her signature of that exact text is recorded, and the checklist says so
    _one_h1(page)
    assert "Also after I leave." in page
    _labelled(page, f"id_{prefix}-consent")
    assert "I have read and accept the declaration" in page
    assert signed.status_code == 302
    assert signed["Location"] == f"/groups/{helpers.pk}"
    with in_schema(melhus.schema_name):
        signature = DeclarationSignature.objects.get(user=kari, version=version)
        assert (signature.full_name, signature.text_sha256) == ("Kari Member", version.sha256)
        assert AuditEvent.objects.filter(action="qualification.declaration_signed", actor=kari).exists()
    group_page = _page(client.get(f"/groups/{helpers.pk}"))
    assert "Thank you. You have signed Confidentiality." in group_page
    assert "Done" in group_page
    assert "Read the declaration you signed" in group_page
    assert "You signed this version" in _page(client.get(f"/groups/{helpers.pk}/declaration"))


def test_signing_without_consent_is_refused_and_records_nothing(melhus: Tenant, kari: User, helpers: Group) -> None:
    with in_schema(melhus.schema_name):
        declaration = Declaration.objects.get(title="Confidentiality")
        version = declaration.versions.get()
    prefix = str(declaration.pk)

    response = web_client(melhus, kari).post(
        f"/groups/{helpers.pk}/declaration",
        {
            "declaration": prefix,
            f"{prefix}-version": str(version.pk),
            f"{prefix}-text_sha256": "0" * 64,
            f"{prefix}-full_name": "",
        },
    )

    page = _page(response)
    assert response.status_code == 400
    assert "You must consent to sign." in page
    assert "Type your full name to sign." in page
    assert "The text you were shown is not this version's text." in page
    with in_schema(melhus.schema_name):
        assert not DeclarationSignature.objects.filter(user=kari).exists()


def test_a_group_without_a_declaration_has_no_declaration_page(melhus: Tenant, kari: User) -> None:
    with in_schema(melhus.schema_name):
        group = make_group("Leksehjelp")

    assert web_client(melhus, kari).get(f"/groups/{group.pk}/declaration").status_code == 404


# --- Profile -------------------------------------------------------------------------------------


def test_the_profile_shows_my_details_groups_and_the_way_on(melhus: Tenant, kari: User) -> None:
    with in_schema(melhus.schema_name):
        make_member(make_group("Hjemmetjenesten", purpose=Purpose.NEED), kari, role=Role.STAFF)
        make_member(make_group("Leksehjelp"), kari, status=MembershipStatus.APPLIED)

    response = web_client(melhus, kari).get("/me/")
    page = _page(response)

    assert response.status_code == 200
    _one_h1(page)
    assert 'value="Kari Member"' in page
    _labelled(page, "id_name")
    _labelled(page, "id_email")
    _labelled(page, "id_language")
    _labelled(page, "id_birth_date")
    assert display_phone(kari.phone) in page  # written as people read it
    assert "/accounts/phone/change/" in page
    assert "Hjemmetjenesten" in page
    assert "Staff" in page
    assert "Leksehjelp" in page
    assert "Applied" in page
    for path in ("/me/qualifications", "/me/notifications", "/groups/", "/accounts/logout/"):
        assert path in page


def test_saving_my_details_changes_them_through_the_service(melhus: Tenant, kari: User) -> None:
    client = web_client(melhus, kari)

    response = client.post("/me/", {"name": "Kari Nordmann", "email": "Kari@Example.NO ", "language": "sv"})

    assert response.status_code == 302
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "sv"
    with in_schema(melhus.schema_name):
        person = User.objects.get(pk=kari.pk)
        assert (person.name, person.email, person.language) == ("Kari Nordmann", "Kari@example.no", "sv")
        event = AuditEvent.objects.get(action="account.profile_changed", actor=kari)
    assert sorted(event.data["fields"]) == ["email", "language", "name"]
    assert "Kari Nordmann" not in json.dumps(event.data)


def test_bad_details_are_refused_and_change_nothing(melhus: Tenant, kari: User) -> None:
    response = web_client(melhus, kari).post("/me/", {"name": " ", "email": "not-an-address", "language": "en"})

    page = _page(response)
    assert response.status_code == 400
    assert "Give your name." in page
    assert "Give a valid e-mail address" in page
    with in_schema(melhus.schema_name):
        person = User.objects.get(pk=kari.pk)
        assert (person.name, person.email) == ("Kari Member", "")
        assert not AuditEvent.objects.filter(action="account.profile_changed").exists()


def test_a_language_the_tenant_does_not_offer_is_refused(melhus: Tenant, kari: User) -> None:
    with in_schema(melhus.schema_name):
        Branding.objects.create(languages=["nb", "en"])

    response = web_client(melhus, kari).post("/me/", {"name": "Kari Member", "email": "", "language": "sv"})

    assert response.status_code == 400
    with in_schema(melhus.schema_name):
        assert User.objects.get(pk=kari.pk).language == "en"


def test_giving_my_date_of_birth(melhus: Tenant, kari: User) -> None:
    client = web_client(melhus, kari)

    saved = client.post("/me/birth-date", {"birth_date": "1990-05-17"})
    refused = client.post("/me/birth-date", {"birth_date": "2999-01-01"})

    assert saved.status_code == 302
    assert refused.status_code == 400
    assert "Give a real date of birth." in _page(refused)
    with in_schema(melhus.schema_name):
        assert str(User.objects.get(pk=kari.pk).birth_date) == "1990-05-17"


# --- Qualifications ------------------------------------------------------------------------------


def test_my_qualifications_show_dates_and_mark_what_expires_soon_or_lapsed(
    melhus: Tenant, kari: User, admin: User, django_assert_max_num_queries: MemberQueries
) -> None:
    # Given a training that runs out in ten days, a police certificate that ran out, and a lapsed membership
    today = timezone.localdate()
    with in_schema(melhus.schema_name):
        trained = make_group("Leksehjelp")
        training = do_add_requirement(
            actor=admin, group=trained, kind=RequirementKind.TRAINING, training_name="First aid", validity_months=12
        )
        membership = make_member(trained, kari)
        do_record_training(actor=admin, membership=membership, requirement=training, completed_on=today)
        TrainingRecord.objects.filter(membership=membership).update(expires_on=today + timedelta(days=10))
        checked = make_group("Besøksvenner")
        police = do_add_requirement(
            actor=admin, group=checked, kind=RequirementKind.POLICE_CERTIFICATE, legal_basis="minors"
        )
        checked_membership = make_member(checked, kari)
        do_record_police_certificate(
            actor=admin, membership=checked_membership, requirement=police, shown_on=today, issued_on=today
        )
        PoliceCertificateRecord.objects.filter(membership=checked_membership).update(
            shown_on=today - timedelta(days=400), expires_on=today - timedelta(days=2)
        )
        make_member(make_group("Snømåking"), kari, status=MembershipStatus.LAPSED)
        for number in range(5):
            make_member(make_group(f"Gruppe {number}"), kari)
    client = web_client(melhus, kari)

    # When Kari opens her qualifications
    with django_assert_max_num_queries(14):
        response = client.get("/me/qualifications")
    page = _page(response)

    # Then each requirement has its state, dates and warnings in words
    assert response.status_code == 200
    _one_h1(page)
    assert "Training: First aid" in page
    assert "Expires soon" in page
    assert (today + timedelta(days=10)).strftime("%Y") in page
    assert "Police certificate" in page
    assert "Expired" in page
    assert "Ran out on" in page
    assert "Lapsed memberships" in page
    assert "Snømåking" in page
    assert "Gruppe 4" in page


def test_qualifications_without_groups_say_what_to_do(melhus: Tenant, kari: User) -> None:
    page = _page(web_client(melhus, kari).get("/me/qualifications"))

    assert "You are not in any group yet" in page
    assert "/groups/" in page


# --- Notification preferences --------------------------------------------------------------------


def _preferences_form(**changes: str) -> dict[str, str]:
    from core.notifications.events import DEFAULTS

    defaults = {event: str(channel) for event, channel in DEFAULTS.items()}
    return {**defaults, "quiet_start": "", "quiet_end": ""} | changes


def test_the_notification_page_lists_every_event_with_a_channel(melhus: Tenant, kari: User) -> None:
    response = web_client(melhus, kari).get("/me/notifications")
    page = _page(response)

    assert response.status_code == 200
    _one_h1(page)
    assert len(re.findall(r'<select name="[a-z_]+" id="id_', page)) == 12
    assert "A new request I can help with" in page
    assert "Warnings and suspensions" in page
    assert "Daily e-mail digest" in page or "daily e-mail digest" in page
    _labelled(page, "id_new_request")
    _labelled(page, "id_quiet_start")
    assert "E-mail and the daily digest need an e-mail address." in page


def test_saving_notification_choices_and_quiet_hours(melhus: Tenant, kari: User) -> None:
    with in_schema(melhus.schema_name):
        User.objects.filter(pk=kari.pk).update(email="kari@example.no")

    response = web_client(melhus, kari).post(
        "/me/notifications",
        _preferences_form(new_message="email", thanks="none", quiet_start="22:00", quiet_end="07:00"),
    )

    assert response.status_code == 302
    with in_schema(melhus.schema_name):
        chosen = dict(NotificationPreference.objects.filter(user=kari).values_list("event", "channel"))
        quiet = QuietHours.objects.get(user=kari)
    # Only what she changed is stored: the rest keep following the defaults.
    assert chosen == {"new_message": "email", "thanks": "none"}
    assert (quiet.start, quiet.end) == (time(22, 0), time(7, 0))


def test_e_mail_for_a_person_without_an_address_is_refused_and_nothing_changes(melhus: Tenant, kari: User) -> None:
    response = web_client(melhus, kari).post(
        "/me/notifications", _preferences_form(new_message="email", new_offer="none", quiet_start="22:00")
    )

    page = _page(response)
    assert response.status_code == 400
    assert "Add an e-mail address to your profile first." in page
    assert "Give both the start and the end of the quiet hours, or neither." in page
    with in_schema(melhus.schema_name):
        assert not NotificationPreference.objects.filter(user=kari).exists()
        assert not QuietHours.objects.filter(user=kari).exists()


def test_an_unknown_channel_is_refused(melhus: Tenant, kari: User) -> None:
    response = web_client(melhus, kari).post("/me/notifications", _preferences_form(new_message="pigeon"))

    assert response.status_code == 400
    with in_schema(melhus.schema_name):
        assert not NotificationPreference.objects.filter(user=kari).exists()


# --- The installable web app ---------------------------------------------------------------------


def test_the_manifest_names_the_tenant_and_its_icons_exist(melhus: Tenant) -> None:
    with in_schema(melhus.schema_name):
        Branding.objects.create(display_name="Melhus hjelper", primary_colour="#123456")

    response = web_client(melhus).get("/manifest.webmanifest")
    manifest = json.loads(response.content)

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/manifest+json")
    assert manifest["name"] == "Melhus hjelper"
    assert (manifest["start_url"], manifest["display"], manifest["theme_color"]) == ("/", "standalone", "#123456")
    sizes = {icon["sizes"] for icon in manifest["icons"]}
    assert sizes == {"192x192", "512x512"}
    for icon in manifest["icons"]:
        assert icon["type"] == "image/png"
        assert finders.find(icon["src"].removeprefix(settings.STATIC_URL)), icon["src"]
    assert '<link rel="manifest" href="/manifest.webmanifest">' in _page(web_client(melhus).get("/"))


def test_the_manifest_of_each_tenant_has_its_own_name(melhus: Tenant, red_cross: Tenant) -> None:
    assert json.loads(web_client(melhus).get("/manifest.webmanifest").content)["name"] == melhus.name
    assert json.loads(web_client(red_cross).get("/manifest.webmanifest").content)["name"] == red_cross.name


def test_the_service_worker_is_served_from_the_root_for_the_whole_site(melhus: Tenant) -> None:
    response = web_client(melhus).get("/sw.js")
    code = _page(response)

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/javascript")
    assert response["Service-Worker-Allowed"] == "/"
    config = json.loads(code.split("\n", 1)[0].removeprefix("const DUGNAD = ").removesuffix(";"))
    assert config["offline"] == "/offline"
    assert "/static/web/app.css" in config["shell"]
    assert all(finders.find(path.removeprefix(settings.STATIC_URL)) for path in config["shell"])
    assert 'addEventListener("fetch"' in code


def test_the_offline_page_holds_nothing_personal(melhus: Tenant, kari: User) -> None:
    response = web_client(melhus, kari).get("/offline")
    page = _page(response)

    assert response.status_code == 200
    _one_h1(page)
    assert "You are offline" in page
    assert "Kari Member" not in page
    assert "/accounts/logout/" not in page
    assert "/me/" not in page


def test_app_js_registers_the_worker() -> None:
    path = finders.find("web/app.js")
    assert isinstance(path, str)
    with open(path, encoding="utf-8") as handle:
        assert 'navigator.serviceWorker.register("/sw.js"' in handle.read()


# --- Logging in ----------------------------------------------------------------------------------


def test_the_login_page_asks_for_the_number_inside_our_layout(melhus: Tenant) -> None:
    page = _page(web_client(melhus).get("/accounts/login/"))

    _one_h1(page)
    assert 'class="app-header"' in page
    _labelled(page, "id_login")
    assert "Your mobile number" in page
    assert "For example 912 34 567." in page
    assert 'aria-describedby="id_login_helptext"' in page
    assert "/accounts/signup/" in page


def test_the_code_page_asks_for_a_numeric_one_time_code(melhus: Tenant, kari: User) -> None:
    client = web_client(melhus)
    client.post("/accounts/login/", {"login": kari.phone})

    page = _page(client.get("/accounts/login/code/confirm/"))

    _one_h1(page)
    assert "We sent a code to your phone" in page
    _labelled(page, "id_code")
    assert 'inputmode="numeric"' in page
    assert 'autocomplete="one-time-code"' in page
    assert 'name="code"' in page


def test_the_sign_up_page_asks_name_and_number_with_labels(melhus: Tenant) -> None:
    page = _page(web_client(melhus).get("/accounts/signup/"))

    _one_h1(page)
    _labelled(page, "id_name")
    _labelled(page, "id_phone")
    assert "Your name" in page
    assert "Your mobile number" in page


def test_the_sign_up_code_page_and_the_logout_page_are_in_our_layout(melhus: Tenant, kari: User) -> None:
    client = web_client(melhus)
    client.post("/accounts/signup/", {"name": "New Person", "phone": "+4790909090"})
    verify = _page(client.get("/accounts/phone/verify/"))
    logout = _page(web_client(melhus, kari).get("/accounts/logout/"))
    change = _page(web_client(melhus, kari).get("/accounts/phone/change/"))

    for page in (verify, logout, change):
        _one_h1(page)
        assert 'class="app-header"' in page
    assert 'inputmode="numeric"' in verify
    _labelled(change, "id_phone")


# --- Campaigns and invitations -------------------------------------------------------------------


def test_the_campaign_page_shows_what_joining_requires_and_leads_to_the_group(
    melhus: Tenant, kari: User, admin: User, helpers: Group
) -> None:
    from core.campaigns.services import do_create_campaign

    with in_schema(melhus.schema_name):
        campaign = do_create_campaign(actor=admin, name="Vår", group=helpers)

    visitor = _page(web_client(melhus).get(f"/c/{campaign.code}"))
    client = web_client(melhus, kari)
    member = _page(client.get(f"/c/{campaign.code}"))
    joined = client.post(f"/c/{campaign.code}")

    _one_h1(visitor)
    assert "Besøksvenner" in visitor
    assert "Signed declaration: Confidentiality" in visitor
    assert "To do" not in visitor  # nothing is known about a visitor
    assert "To do" in member
    assert joined.status_code == 302
    assert joined["Location"] == f"/groups/{helpers.pk}"


def test_the_invitation_page_shows_the_group_and_its_requirements(
    melhus: Tenant, kari: User, admin: User, helpers: Group
) -> None:
    from core.groups.models import InvitationRole
    from core.groups.services import do_invite

    with in_schema(melhus.schema_name):
        _invitation, token = do_invite(actor=admin, role=InvitationRole.MEMBER, group=helpers, phone="+4791234567")
    client = web_client(melhus, kari)

    page = _page(client.get(f"/invite/{token}"))
    accepted = client.post(f"/invite/{token}")

    _one_h1(page)
    assert "Besøksvenner" in page
    assert "Police certificate" in page
    assert accepted["Location"] == f"/groups/{helpers.pk}"


# --- Tenant isolation ----------------------------------------------------------------------------


@pytest.mark.parametrize("suffix", ["", "/declaration", "/apply", "/leave"])
def test_a_red_cross_group_is_not_found_on_melhus_host(
    melhus: Tenant, red_cross: Tenant, kari: User, suffix: str
) -> None:
    # Given a Red Cross group (with a declaration) that a Red Cross member belongs to
    with in_schema(red_cross.schema_name):
        rc_admin = UserFactory.create(is_tenant_admin=True)
        group = make_group("Røde Kors besøkstjeneste", join_policy=JoinPolicy.OPEN)
        declaration = do_create_declaration(actor=rc_admin, title="RK taushet", text=DECLARATION_TEXT)
        do_add_requirement(actor=rc_admin, group=group, kind=RequirementKind.DECLARATION, declaration=declaration)
        make_member(group, UserFactory.create())
    client = web_client(melhus, kari)

    # When a Melhus member asks Melhus' host for it by its id
    path = f"/groups/{group.pk}{suffix}"
    response = client.post(path) if suffix in ("/apply", "/leave") else client.get(path)

    # Then it does not exist there, and nothing of it shows or changes
    assert response.status_code == 404
    assert "Røde Kors" not in _page(response)
    with in_schema(melhus.schema_name):
        assert not Membership.objects.filter(user=kari).exists()


@pytest.mark.parametrize("path", ["/groups/", "/me/", "/me/qualifications", "/me/notifications"])
def test_a_red_cross_session_is_anonymous_on_melhus_host(melhus: Tenant, red_cross: Tenant, path: str) -> None:
    with in_schema(red_cross.schema_name):
        rc_member = UserFactory.create(name="Rita Rødekors")
    client: Client = web_client(red_cross, rc_member)
    assert client.get(path).status_code == 200

    response = client.get(path, HTTP_HOST=f"{melhus.slug}.localhost")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
