"""Browser tests: Debian's Chromium, driven by Playwright, against a live server on a committed tenant.

The tenant is provisioned and seeded with the demo's Melhus content once for this package, and
dropped when the package is done: the live server's threads and the Celery worker only see
committed rows, so these tests cannot run inside pytest-django's per-test transaction.
"""

import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pytest
from celery.contrib.testing.worker import start_worker
from django.conf import settings
from django.contrib.staticfiles.handlers import StaticFilesHandler
from django.db import connections
from django.test.testcases import LiveServerThread
from django_tenants.utils import schema_context
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, sync_playwright
from pytest_django import DjangoDbBlocker

from core.accounts.models import User
from core.announcements.services import do_post_announcement
from core.campaigns.services import do_create_campaign
from core.celery import app
from core.groups.models import Group
from core.groups.services import do_invite
from core.messaging.backends.filebased import read_sent_sms
from core.moderation.services import do_report
from core.requests.models import HelpRequest, RequestState
from tenants.db import use_public_schema
from tenants.demo import DEMO_TENANTS, seed_people_and_content
from tenants.models import Tenant
from tenants.services import provision_tenant
from tests.core.accounts.conftest import CODE
from tests.core.messaging.conftest import wait_until
from tests.web.conftest import web_client

SLUG = "web-test"
CHROMIUM = os.environ.get("DUGNAD_CHROMIUM", "/usr/bin/chromium")
AXE = Path(__file__).parent / "vendor" / "axe.min.js"
# Set DUGNAD_SCREENSHOTS=docs/screenshots to refresh the README's pictures; otherwise they go to a scratch dir.
SCREENSHOTS = os.environ.get("DUGNAD_SCREENSHOTS", "")

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}

# The demo's people in Melhus, by their part in the tests.
ADMIN, NURSE, VOLUNTEER, LEADER = "+4740000001", "+4740000002", "+4740000003", "+4740000005"
# Supported-housing staff, the accepted helper of the demo's agreed request.
HELPER = "+4740000007"


@dataclass(frozen=True)
class Site:
    tenant: Tenant
    base_url: str
    campaign_code: str
    invitation_token: str
    # The demo's agreed request (the nurse's, for a client, with a volunteer accepted).
    agreed_request: str

    @property
    def public_url(self) -> str:
        """The vendor's public site, on the bare host name at the same port."""
        return self.base_url.replace(f"//{SLUG}.", "//", 1)

    def user(self, phone: str) -> User:
        with schema_context(self.tenant.schema_name):
            return User.objects.get(phone=phone)


def _seed_extras(admin: User) -> tuple[str, str]:
    """What the demo lacks and the pages need to show: a campaign, an invitation, an announcement, a report."""
    volunteers = Group.objects.get(name="Frivilligsentralen")
    leader = User.objects.get(phone=LEADER)
    campaign = do_create_campaign(actor=admin, group=volunteers, name="Snøryddere vinteren 2026")
    _, token = do_invite(actor=leader, role="member", group=volunteers, phone="+4740000050")
    do_post_announcement(
        actor=leader, group=volunteers, title="Julemøte", body="Velkommen til julemøte i Frivilligsentralen."
    )
    request = HelpRequest.objects.filter(state=RequestState.OPEN).order_by("created_at").first()
    assert request is not None
    do_report(reporter=User.objects.get(phone=VOLUNTEER), request=request, reason="Feil kategori, tror jeg.")
    return campaign.code, token


@pytest.fixture(scope="package")
def site(django_db_setup: None, django_db_blocker: DjangoDbBlocker) -> Iterator[Site]:
    """A committed tenant with the Melhus demo, served by a threaded live server, with a Celery worker."""
    assert os.environ.get("REDIS_URL"), "the browser tests need a real Redis: run them through infra/test"
    with django_db_blocker.unblock():
        tenant = provision_tenant(
            slug=SLUG, name="Melhus kommune", kind="municipality", country="NO", language="nb", org_number="944117784"
        )
        server: LiveServerThread | None = None
        try:
            with schema_context(tenant.schema_name):
                seed_people_and_content(DEMO_TENANTS[0])
                code, token = _seed_extras(User.objects.get(phone=ADMIN))
                agreed = str(HelpRequest.objects.get(state=RequestState.AGREED).pk)
            server = LiveServerThread("127.0.0.1", StaticFilesHandler, port=0)
            server.daemon = True
            server.start()
            server.is_ready.wait()
            if server.error:
                raise server.error
            with start_worker(app, pool="solo", perform_ping_check=False, loglevel="WARNING", shutdown_timeout=30):
                yield Site(tenant, f"http://{SLUG}.localhost:{server.port}", code, token, agreed)
        finally:
            if server is not None:
                server.terminate()
            # Tasks the worker had no time for must not reach a later worker after the schema is gone.
            app.control.purge()
            use_public_schema()
            for made in Tenant.objects.filter(slug=SLUG):
                made.delete(force_drop=True)


@pytest.fixture(scope="package")
def playwright(site: Site) -> Iterator[Playwright]:
    # Playwright's sync API keeps an event loop running in this thread, and Django refuses database
    # calls from a thread with a running loop; these tests call the database only between page steps.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as driver:
            yield driver
            # Connections opened while Playwright's loop ran are not the ones the site's teardown sees.
            connections.close_all()
    finally:
        del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]


@pytest.fixture(scope="package")
def browser(playwright: Playwright) -> Iterator[Browser]:
    assert shutil.which(CHROMIUM), f"no Chromium at {CHROMIUM}: infra/test installs Debian's chromium package"
    # *.localhost resolves to the loopback address in Chromium; the rule makes sure it is IPv4's, where we listen.
    loopback = "--host-resolver-rules=MAP *.localhost 127.0.0.1, MAP localhost 127.0.0.1"
    chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", loopback])
    yield chromium
    chromium.close()


class Contexts:
    """Opens browser contexts for one test and closes them all when it ends, passed or failed."""

    def __init__(self, browser: Browser, site: Site) -> None:
        self.browser = browser
        self.site = site
        self.opened: list[BrowserContext] = []

    def open(self, *, phone: str | None = None, language: str = "en", desktop: bool = False) -> Page:
        """A page in a new context (see open_context)."""
        context = open_context(self.browser, self.site, phone=phone, language=language, desktop=desktop)
        self.opened.append(context)
        return context.new_page()


@pytest.fixture
def contexts(browser: Browser, site: Site) -> Iterator[Contexts]:
    made = Contexts(browser, site)
    yield made
    for context in made.opened:
        context.close()


def open_context(
    browser: Browser, site: Site, *, phone: str | None = None, language: str = "en", desktop: bool = False
) -> BrowserContext:
    """A browser of its own (cookies, storage), signed in as the person with `phone` when given.

    Signing in copies the session of a test client's force_login into the browser; the SMS login
    itself is driven through its pages once, in test_login. The CSP is bypassed only so the test
    can inject axe-core; the pages' own scripts run under the real policy in every other context.
    """
    context = browser.new_context(
        base_url=site.base_url,
        viewport=DESKTOP if desktop else PHONE,  # type: ignore[arg-type]
        is_mobile=not desktop,
        has_touch=not desktop,
        locale={"nb": "nb-NO", "sv": "sv-SE"}.get(language, "en-GB"),
        bypass_csp=True,
    )
    context.set_default_timeout(15_000)
    cookies = [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": site.base_url}]
    if phone is not None:
        client = web_client(site.tenant, site.user(phone), language=language)
        session = client.cookies[settings.SESSION_COOKIE_NAME].value
        cookies.append({"name": settings.SESSION_COOKIE_NAME, "value": session, "url": site.base_url})
    context.add_cookies(cookies)  # type: ignore[arg-type]
    return context


@pytest.fixture
def screenshots(tmp_path: Path) -> Path:
    """Where the tests save their pictures: docs/screenshots when asked for, a scratch dir otherwise."""
    target = Path(SCREENSHOTS) if SCREENSHOTS else tmp_path / "screenshots"
    target.mkdir(parents=True, exist_ok=True)
    return target


def shoot(page: Page, folder: Path, name: str) -> Path:
    """What the screen shows (as a person sees it, tab bar included), written as <name>.png."""
    path = folder / f"{name}.png"
    page.screenshot(path=str(path))
    assert path.stat().st_size > 5_000, f"{name}.png looks empty"
    return path


def sms_code(tenant: Tenant, phone: str, *, sent_after: datetime) -> str:
    """The code in the first SMS with a code that the worker sent to `phone` after `sent_after`.

    Read from what the SMS "gateway" (the file backend) received: once a code is sent, the outbox
    keeps no copy of it.
    """
    found: list[str] = []

    def arrived() -> bool:
        for record in read_sent_sms(to=phone, tenant=tenant.schema_name):
            match = CODE.match(record["body"])
            if match and datetime.fromisoformat(record["sent_at"]) > sent_after:
                found.append(match.group(1))
                return True
        return False

    assert wait_until(arrived, seconds=20), f"no SMS with a code reached {phone}"
    return found[0]


WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def axe_violations(page: Page) -> list[str]:
    """axe-core's WCAG 2.1 A and AA violations on the page as it is now, one line per failing rule."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
    result = page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
        WCAG_TAGS,
    )
    return [
        f"{violation['id']} ({violation['impact']}): {violation['help']} at "
        + ", ".join(" ".join(node["target"]) for node in violation["nodes"][:5])
        for violation in result["violations"]
    ]
