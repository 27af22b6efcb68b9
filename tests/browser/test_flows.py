"""The whole helping flow in two browsers, and an admin approving an applicant, in Debian's Chromium.

A home-care nurse posts for her client on her phone, a volunteer offers on his, she accepts, they
write to each other, he sees the client's address, and she marks the help as given. The pictures
in docs/screenshots are taken along the way (DUGNAD_SCREENSHOTS=docs/screenshots to refresh them).
"""

import re
import time
from pathlib import Path

from django.utils import timezone
from playwright.sync_api import Page, expect

from core.audit.models import AuditEvent
from core.groups.models import Group, Membership, MembershipStatus
from core.requests.models import HelpRequest, OfferStatus, RequestState
from tests.conftest import in_schema

from .conftest import ADMIN, NURSE, VOLUNTEER, Contexts, Site, axe_violations, shoot

TITLE = "Følge til øyelegen på Støren"
CLIENT, ADDRESS = "Astrid Bakken", "Gimsøyvegen 12, 7224 Melhus"


def the_request(site: Site) -> HelpRequest:
    with in_schema(site.tenant.schema_name):
        return HelpRequest.objects.select_related("client").get(title=TITLE)


def accessible(page: Page) -> None:
    assert axe_violations(page) == [], page.url


def post_for_the_client(nurse: Page, site: Site, screenshots: Path) -> HelpRequest:
    """The nurse posts for her client from the phone: who for, what, where, and post."""
    started = time.monotonic()
    nurse.goto("/requests/new")
    nurse.get_by_label("For whom").select_option(label=CLIENT)
    nurse.get_by_label("What do you need help with?").fill(TITLE)
    nurse.get_by_label("Area").fill("Gimse")
    nurse.evaluate("() => window.scrollTo(0, 0)")
    shoot(nurse, screenshots, "request-new")
    nurse.get_by_role("button", name="Post the request").click()
    expect(nurse.get_by_role("heading", level=1)).to_have_text(TITLE)
    print(f"\n[flow] posting for a client took {time.monotonic() - started:.1f} s in the browser")
    posted = the_request(site)
    assert posted.state == RequestState.OPEN
    assert posted.client is not None
    assert posted.client.name == CLIENT
    accessible(nurse)
    return posted


def offer_from_the_feed(volunteer: Page, screenshots: Path) -> None:
    """The volunteer finds it in his feed; the open request names neither the client nor the address."""
    volunteer.goto("/feed/")
    expect(volunteer.get_by_role("link", name=re.compile(TITLE))).to_be_visible()
    shoot(volunteer, screenshots, "feed")
    volunteer.get_by_role("link", name=re.compile(TITLE)).click()
    expect(volunteer.get_by_role("heading", level=1)).to_have_text(TITLE)
    body = volunteer.locator("main").inner_text()
    assert CLIENT not in body
    assert ADDRESS not in body
    volunteer.get_by_label("A message to the person asking").fill("Jeg kan kjøre henne på torsdag.")
    volunteer.get_by_role("button", name="Offer to help").click()
    expect(volunteer.locator("main")).to_contain_text("Withdraw my offer")
    accessible(volunteer)


def accept_the_offer(nurse: Page, site: Site, posted: HelpRequest, screenshots: Path) -> None:
    nurse.goto(f"/requests/{posted.pk}")
    expect(nurse.locator("main")).to_contain_text("Jeg kan kjøre henne på torsdag.")
    shoot(nurse, screenshots, "request-offers")
    nurse.get_by_role("button", name="Accept").click()
    expect(nurse.locator("main")).to_contain_text("Agreed")
    assert the_request(site).state == RequestState.AGREED
    with in_schema(site.tenant.schema_name):
        assert posted.offers.get().status == OfferStatus.ACCEPTED


def exchange_messages(nurse: Page, volunteer: Page, screenshots: Path) -> None:
    """They write to each other in the agreement's conversation; sending stays on the page (htmx)."""
    nurse.get_by_role("link", name=re.compile("conversation", re.IGNORECASE)).first.click()
    expect(nurse).to_have_url(re.compile(r"/conversations/[0-9a-f-]{36}$"))
    conversation_url = nurse.url
    nurse.get_by_label("Your message").fill("Timen er klokka ti. Astrid venter i gangen.")
    nurse.get_by_role("button", name="Send").click()
    expect(nurse.locator("#thread")).to_contain_text("Timen er klokka ti.")
    assert nurse.url == conversation_url
    accessible(nurse)

    volunteer.goto("/conversations/")
    volunteer.get_by_role("link", name=re.compile(TITLE)).first.click()
    expect(volunteer.locator("#thread")).to_contain_text("Timen er klokka ti.")
    volunteer.get_by_label("Your message").fill("Flott, jeg er der kvart på.")
    volunteer.get_by_role("button", name="Send").click()
    expect(volunteer.locator("#thread")).to_contain_text("Flott, jeg er der kvart på.")
    shoot(volunteer, screenshots, "conversation")
    # The nurse's open page picks the answer up by itself within its 15-second poll.
    expect(nurse.locator("#thread")).to_contain_text("Flott, jeg er der kvart på.", timeout=25_000)


def see_the_contact(volunteer: Page, site: Site, posted: HelpRequest) -> None:
    """Now agreed, the volunteer sees who to contact and where to go, and the look is logged."""
    volunteer.goto(f"/requests/{posted.pk}")
    volunteer.get_by_role("link", name="Show name, address and phone").click()
    expect(volunteer.locator("main")).to_contain_text(ADDRESS)
    expect(volunteer.locator("main")).to_contain_text(CLIENT)
    accessible(volunteer)
    with in_schema(site.tenant.schema_name):
        looked = AuditEvent.objects.filter(action="request.contact_viewed", target_id=str(posted.pk))
        assert looked.filter(actor__phone=VOLUNTEER).count() == 1


def test_a_nurse_and_a_volunteer_go_through_the_whole_helping_flow(
    contexts: Contexts, site: Site, screenshots: Path
) -> None:
    nurse = contexts.open(phone=NURSE)
    volunteer = contexts.open(phone=VOLUNTEER)

    posted = post_for_the_client(nurse, site, screenshots)
    offer_from_the_feed(volunteer, screenshots)
    accept_the_offer(nurse, site, posted, screenshots)
    exchange_messages(nurse, volunteer, screenshots)
    see_the_contact(volunteer, site, posted)

    # The nurse marks the help as given.
    nurse.goto(f"/requests/{posted.pk}")
    nurse.get_by_role("button", name="Mark as completed").click()
    expect(nurse.locator("main")).to_contain_text("Completed")
    done = the_request(site)
    assert done.state == RequestState.COMPLETED
    assert done.closed_at is not None
    assert done.closed_at <= timezone.now()


def test_an_admin_records_a_police_certificate_and_approves_the_applicant(
    contexts: Contexts, site: Site, screenshots: Path
) -> None:
    admin = contexts.open(phone=ADMIN, desktop=True)
    with in_schema(site.tenant.schema_name):
        applying = Membership.objects.get(user__phone=VOLUNTEER, group=Group.objects.get(name="Leksehjelp"))
    assert applying.status == MembershipStatus.APPLIED

    admin.goto("/manage/?period=12m")
    shoot(admin, screenshots, "dashboard")
    admin.get_by_role("heading", name="Requests over time").evaluate(
        "heading => window.scrollTo(0, heading.getBoundingClientRect().top + window.scrollY - 16)"
    )
    shoot(admin, screenshots, "dashboard-charts")
    admin.get_by_role("link", name="Applicants").first.click()
    shoot(admin, screenshots, "applicants")
    admin.get_by_role("link", name=re.compile("Ola Berg.*Leksehjelp", re.DOTALL)).click()
    expect(admin.get_by_role("heading", level=1)).to_contain_text("Ola Berg")

    # Approving before the certificate is shown is refused, and says why.
    admin.get_by_role("button", name="Approve").click()
    expect(admin.locator(".error-summary, [role=alert]").first).to_be_visible()
    with in_schema(site.tenant.schema_name):
        applying.refresh_from_db()
    assert applying.status == MembershipStatus.APPLIED
    accessible(admin)

    # The admin records the certificate seen today, then approves.
    today = timezone.localdate()
    admin.get_by_text("Record the check").click()
    admin.get_by_label("Shown on").fill(today.isoformat())
    admin.get_by_label("Issued on").fill(today.replace(day=1).isoformat())
    admin.get_by_role("button", name="Record").click()
    expect(admin.locator("main")).to_contain_text(f"Done on {today.day} ")
    shoot(admin, screenshots, "applicant")
    admin.get_by_role("button", name="Approve").click()
    # Back on the queue, which no longer lists him.
    expect(admin.locator("main")).to_contain_text("is now a member of Leksehjelp")
    expect(admin.get_by_role("link", name=re.compile("Ola Berg"))).to_have_count(0)
    with in_schema(site.tenant.schema_name):
        applying.refresh_from_db()
        assert applying.status == MembershipStatus.APPROVED
        assert AuditEvent.objects.filter(action="membership.approved", target_id=str(applying.pk)).exists()
    accessible(admin)


def test_the_main_management_pages_are_pictured(contexts: Contexts, site: Site, screenshots: Path) -> None:
    admin = contexts.open(phone=ADMIN, desktop=True)
    for path, name in (("/manage/channels/", "channels"), ("/manage/campaigns/", "campaigns")):
        admin.goto(path)
        accessible(admin)
        shoot(admin, screenshots, name)
    member = contexts.open(phone=VOLUNTEER)
    member.goto("/me/")
    shoot(member, screenshots, "profile")
    assert {path.stem for path in screenshots.glob("*.png")} >= {"channels", "campaigns", "profile"}
