"""axe-core on every page, as each kind of person sees it: a crawl of every link in Debian's Chromium.

Each person starts from their home pages and follows every link on the tenant's host (a few
pages of each kind: three requests, not thirty), and each page must pass axe-core's WCAG 2.1 A
and AA rules, have one h1 and its language, and carry no personal data in any link. The last
test proves the crawls between them reached every page the web app has.
"""

import re
from collections import Counter, deque
from dataclasses import dataclass, field
from urllib.parse import parse_qs, unquote, urlsplit
from uuid import uuid4

import pytest
from django.urls import Resolver404, get_resolver, resolve
from playwright.sync_api import Page

from tenants.demo import DEMO_TENANTS

from .conftest import ADMIN, HELPER, LEADER, NURSE, VOLUNTEER, Contexts, Site, axe_violations

# Links the crawl does not follow: files rather than pages, the API, and Django's own admin.
NOT_FOLLOWED = re.compile(
    r"^/(static|media|api|admin|console)/" r"|\.(svg|pdf|png|jpe?g|css|js|webmanifest)$" r"|/branding/logo$"
)
# Routes that answer POST only (a button's form), or are not pages: they are never linked.
NOT_PAGES = {
    # a button's form, posted from the page of the thing it changes
    *("web:request-offer", "web:request-question", "web:request-cancel", "web:request-complete"),
    *("web:request-thank", "web:offer-accept", "web:offer-decline", "web:offer-withdraw", "web:offer-cancel"),
    *("web:group-apply", "web:group-leave", "web:profile-birth-date", "web:language"),
    "web:manage-declaration-create",
    *("web:manage-group-archive", "web:manage-group-requirement", "web:manage-group-invite"),
    *("web:manage-requirement-remove", "web:manage-invitation-revoke", "web:manage-membership-role"),
    *("web:manage-membership-remove", "web:manage-channel-archive", "web:manage-applicant-check"),
    *("web:manage-applicant-approve", "web:manage-applicant-reject", "web:manage-member-admin"),
    *("web:manage-client-archive", "web:manage-campaign-active", "web:manage-campaign-archive"),
    *("web:moderation-report-decide", "web:moderation-report-sanction", "web:moderation-sanction-lift"),
    *("web:settings-category-add", "web:settings-category", "web:settings-category-remove"),
    # files and fragments: a stylesheet, an image, a QR code, the app manifest, the service worker,
    # the PDF of the DPA, and the thread fragment that htmx polls into the conversation page
    *("web:theme", "web:logo", "web:manage-campaign-qr", "web:manifest", "web:service-worker"),
    *("settings-dpa-pdf", "web:conversation-thread"),
    # the API and its docs, and the home page, which sends a signed-in person to their feed
    *("schema", "api-docs", "web:home"),
}
# Reached in test_login's steps rather than by a link.
REACHED_BY_LOGIN = {"account_confirm_login_code", "account_verify_phone"}
# Not linked while things are well: a suspended account's page; changing one's number starts from the profile's form.
NOT_LINKED = {"account_inactive", "account_change_phone", "account_request_login_code"}

# Personal data that must never be in a link: the demo's people and clients by number and name.
PHONE_IN_URL = re.compile(r"(?:\+|%2B)?(?:47|46)?\d{8}(?!\d)")
NAMES = [person.name.split(" (")[0] for person in DEMO_TENANTS[0].people] + [
    "Astrid Bakken",
    "Johan Rønning",
    "Berit Støren",
    "Gimsøyvegen",
]


@dataclass
class Crawl:
    """What one person's crawl saw: the routes it reached and everything wrong on the way."""

    routes: set[str] = field(default_factory=set)
    problems: list[str] = field(default_factory=list)
    pages: int = 0


REACHED: dict[str, set[str]] = {}


TENANT_URLS, PUBLIC_URLS = "core.urls_tenant", "core.urls_public"


def route_of(path: str, urlconf: str = TENANT_URLS) -> tuple[str, str]:
    """The URL's name (namespace:name) and route pattern on a tenant's host or the public site."""
    match = resolve(path, urlconf=urlconf)
    return match.view_name, match.route


def personal_data_in(href: str) -> str | None:
    decoded = unquote(href)
    # UUIDs are hex with dashes, so a run of eight digits outside one is a number.
    without_ids = re.sub(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", "", decoded)
    if PHONE_IN_URL.search(without_ids):
        return "a phone number"
    for name in NAMES:
        for part in name.split():
            if len(part) > 3 and part.lower() in decoded.lower():
                return f"the name {part!r}"
    return None


def check_page(page: Page, path: str, language: str, crawl: Crawl) -> None:
    for violation in axe_violations(page):
        crawl.problems.append(f"{path}: {violation}")
    headings = page.locator("h1").count()
    if headings != 1:
        crawl.problems.append(f"{path}: {headings} h1 elements, not one")
    lang = page.evaluate("() => document.documentElement.lang")
    if lang != language:
        crawl.problems.append(f"{path}: html lang is {lang!r}, not {language!r}")
    actions = page.eval_on_selector_all("form[action]", "forms => forms.map(f => f.action)")
    for target in [*page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)"), *actions]:
        found = personal_data_in(urlsplit(target).path + "?" + urlsplit(target).query)
        if found and urlsplit(target).scheme.startswith("http"):
            crawl.problems.append(f"{path}: a link carries {found}: {target}")


def crawl(
    page: Page, base: str, starts: list[str], language: str, *, urlconf: str = TENANT_URLS, per_route: int = 3
) -> Crawl:
    """Visit `starts` and every page linked from them on the same host, at most `per_route` of each route."""
    result = Crawl()
    queue = deque(starts)
    seen: set[str] = set()
    visits: Counter[tuple[str, frozenset[str]]] = Counter()
    origin = urlsplit(base).netloc
    while queue:
        url = queue.popleft()
        parts = urlsplit(url)
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        if path in seen or NOT_FOLLOWED.search(parts.path):
            continue
        seen.add(path)
        try:
            name, route = route_of(parts.path, urlconf)
        except Resolver404:
            result.problems.append(f"{path}: linked but not a page")
            continue
        key = (route, frozenset(parse_qs(parts.query)))
        if visits[key] >= per_route or name in NOT_PAGES:
            continue
        visits[key] += 1
        response = page.goto(base + path)
        if response is None or response.status != 200:
            result.problems.append(f"{path}: answered {response.status if response else 'nothing'}")
            continue
        landed = urlsplit(page.url)
        result.routes.add(route_of(landed.path, urlconf)[0])
        result.pages += 1
        check_page(page, path, language, result)
        for href in page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)"):
            target = urlsplit(href)
            if target.scheme in ("http", "https") and target.netloc == origin:
                queue.append(target.path + (f"?{target.query}" if target.query else ""))
    return result


@dataclass(frozen=True)
class Person:
    phone: str | None  # None: a visitor, not signed in
    language: str
    starts: list[str]
    desktop: bool = False


PEOPLE = [
    # The service worker's offline page is shown by the worker, not linked.
    pytest.param(Person(None, "sv", ["/", "/accounts/login/", "/accounts/signup/", "/offline"]), id="visitor"),
    # Logging out is a button in the layout; its page is where it lands without JavaScript.
    pytest.param(Person(VOLUNTEER, "nb", ["/", "/feed/", "/accounts/logout/"]), id="volunteer"),
    pytest.param(Person(NURSE, "en", ["/feed/", "/requests/new"]), id="staff"),
    pytest.param(Person(HELPER, "nb", ["/offers/"]), id="helper"),
    pytest.param(Person(LEADER, "sv", ["/manage/"]), id="leader"),
    pytest.param(Person(ADMIN, "nb", ["/manage/", "/manage/settings/"], desktop=True), id="admin"),
]


@pytest.mark.timeout(600)
@pytest.mark.parametrize("person", PEOPLE)
def test_every_page_passes_axe_core(
    contexts: Contexts, site: Site, request: pytest.FixtureRequest, person: Person
) -> None:
    page = contexts.open(phone=person.phone, language=person.language, desktop=person.desktop)
    # The links that SMS and posters carry: a visitor is asked to sign in first, a member sees the offer.
    starts = [*person.starts, f"/c/{site.campaign_code}", f"/invite/{site.invitation_token}"]
    if person.phone == HELPER:
        # The agreed request, whose page links its accepted helper to the client's contact details.
        starts.append(f"/requests/{site.agreed_request}")
    result = crawl(page, site.base_url, starts, person.language)
    who = request.node.callspec.id
    REACHED[who] = result.routes
    print(f"\n[axe] {who}: {result.pages} pages, {len(result.routes)} routes, {len(result.problems)} problems")
    assert result.pages > 3
    assert result.problems == []


def test_every_page_of_the_public_site_passes_axe_core(contexts: Contexts, site: Site) -> None:
    """The vendor's site, where municipalities and organisations read about us and ask to start.

    The vendor staff's console and Django's admin are tools for our own staff behind TOTP, and
    are not crawled.
    """
    page = contexts.open(language="nb", desktop=True)
    result = crawl(page, site.public_url, ["/"], "nb", urlconf=PUBLIC_URLS)
    print(f"\n[axe] public site: {result.pages} pages, {len(result.routes)} routes, {len(result.problems)} problems")
    assert result.problems == []
    assert {"home", "how_municipalities", "how_organisations", "sub_processors", "dpa_public", "get_started"} <= (
        result.routes
    )


def test_the_crawls_reached_every_page_of_the_web_app() -> None:
    """Every GET page on a tenant's host was checked by one of the crawls above (or by test_login)."""
    assert len(REACHED) == len(PEOPLE), "run the whole module: this test sums up the crawls"
    resolver = get_resolver("core.urls_tenant")
    every: set[str] = set()
    for name in resolver.reverse_dict:
        if isinstance(name, str):
            every.add(name)
    for namespace, (_, sub) in resolver.namespace_dict.items():
        if namespace in ("v1",):
            continue
        every |= {f"{namespace}:{name}" for name in sub.reverse_dict if isinstance(name, str)}
    reached = set().union(*REACHED.values())
    missing = every - reached - NOT_PAGES - REACHED_BY_LOGIN - NOT_LINKED
    assert missing == set()


def test_refusals_and_missing_pages_pass_axe_core_in_the_tenants_layout(contexts: Contexts, site: Site) -> None:
    page = contexts.open(phone=VOLUNTEER, language="nb")
    for path, status in (
        ("/manage/", 403),
        (f"/requests/{uuid4()}", 404),
        ("/invite/not-a-token", 404),
        ("/no-such-page", 404),
    ):
        response = page.goto(path)
        assert response is not None
        assert response.status == status, path
        assert axe_violations(page) == [], path
        assert page.locator("h1").count() == 1, path
        # The way back is the tenant's own navigation.
        assert page.locator("nav a[href='/feed/']").count() >= 1, path
