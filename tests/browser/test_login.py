"""SMS login, sign-up and posting a request in a real browser with the keyboard alone, and axe-core on the way."""

import re
from pathlib import Path

from django.utils import timezone
from playwright.sync_api import Page, expect

from core.accounts.models import User
from core.requests.models import HelpRequest
from tests.conftest import in_schema

from .conftest import NURSE, VOLUNTEER, Contexts, Site, axe_violations, shoot, sms_code


def tab_to(page: Page, element_id: str, *, most: int = 25) -> None:
    """Press Tab until the element has focus, as a keyboard user would; fail if it never gets there."""
    for _ in range(most):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement && document.activeElement.id") == element_id:
            return
    raise AssertionError(f"#{element_id} is not reachable with Tab")


def test_a_member_logs_in_with_an_sms_code_using_the_keyboard_only(
    contexts: Contexts, site: Site, screenshots: Path
) -> None:
    page = contexts.open()

    # Given the login page, which passes axe-core.
    page.goto("/accounts/login/")
    assert axe_violations(page) == []
    shoot(page, screenshots, "login")

    # When the volunteer tabs to the number, types it as people say it and presses Enter.
    tab_to(page, "id_login")
    asked = timezone.now()
    page.keyboard.type("400 00 003")
    page.keyboard.press("Enter")

    # Then the code page asks for the code they were sent, and passes axe-core too.
    expect(page).to_have_url(re.compile(r"/accounts/login/code/confirm/$"))
    assert axe_violations(page) == []
    tab_to(page, "id_code")
    page.keyboard.type(sms_code(site.tenant, VOLUNTEER, sent_after=asked))
    page.keyboard.press("Enter")

    # And the code signs them in to their feed.
    expect(page).to_have_url(re.compile(r"/feed/$"))
    expect(page.get_by_role("heading", level=1)).to_be_visible()


def test_a_wrong_code_is_refused_next_to_the_field_and_signs_nobody_in(contexts: Contexts, site: Site) -> None:
    page = contexts.open()
    page.goto("/accounts/login/")
    page.get_by_label("Your mobile number").fill("+47 400 00 003")
    asked = timezone.now()
    page.get_by_role("button", name=re.compile("code", re.IGNORECASE)).click()
    expect(page).to_have_url(re.compile(r"/accounts/login/code/confirm/$"))
    right = sms_code(site.tenant, VOLUNTEER, sent_after=asked)

    page.get_by_label(re.compile("code", re.IGNORECASE)).fill("000000" if right != "000000" else "111111")
    page.keyboard.press("Enter")

    # The error is tied to the field, the page still passes axe-core, and there is no session.
    code = page.locator("#id_code")
    expect(code).to_have_attribute("aria-invalid", "true")
    assert axe_violations(page) == []
    page.goto("/me/")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))


def test_a_newcomer_signs_up_with_name_and_number_and_is_signed_in(contexts: Contexts, site: Site) -> None:
    page = contexts.open()
    page.goto("/accounts/signup/")
    assert axe_violations(page) == []

    page.get_by_label("Your name").fill("Liv Sandvik")
    page.get_by_label("Your mobile number").fill("+47 400 00 060")
    asked = timezone.now()
    page.keyboard.press("Enter")

    expect(page).to_have_url(re.compile(r"/accounts/phone/verify/$"))
    assert axe_violations(page) == []
    page.locator("#id_code").fill(sms_code(site.tenant, "+4740000060", sent_after=asked))
    page.keyboard.press("Enter")

    expect(page).not_to_have_url(re.compile(r"/accounts/"))
    with in_schema(site.tenant.schema_name):
        person = User.objects.get(phone="+4740000060")
    assert person.name == "Liv Sandvik"
    assert person.phone_verified_at is not None


def test_staff_post_a_request_for_a_client_with_the_keyboard_alone(contexts: Contexts, site: Site) -> None:
    page = contexts.open(phone=NURSE)
    page.goto("/requests/new")

    # Tab to "For whom", pick the first client with the arrow key, tab to the title, type, press Enter.
    tab_to(page, "id_for_whom")
    # Where the focus is, the person sees it: the focused field has a visible outline.
    assert page.evaluate("() => getComputedStyle(document.activeElement).outlineStyle") != "none"
    page.keyboard.press("ArrowDown")
    tab_to(page, "id_title")
    page.keyboard.type("Handle til helga")
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", level=1)).to_have_text("Handle til helga")
    with in_schema(site.tenant.schema_name):
        posted = HelpRequest.objects.select_related("client", "posted_by").get(title="Handle til helga")
    assert posted.client is not None
    assert posted.posted_by.phone == NURSE
