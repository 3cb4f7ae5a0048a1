"""The browser journeys' machinery: Debian's Chromium driven by Playwright, a live server on
the test database, and the checks run on every page a journey reaches (issue #13).

- Playwright launches ``/usr/bin/chromium`` (or ``TRYGG_CHROMIUM``) by path and never
  downloads a browser of its own; without Chromium every browser test is skipped with the
  reason said. ``.ci/run`` installs Debian's ``chromium`` where it is missing.
- A browser for each test (see :func:`chromium` for why not one per session), and a new
  context (cookies, viewport) for each person in it.
- axe-core comes from the PyPI package ``axe-playwright-python`` (MIT; it bundles axe-core
  4.12, MPL-2.0, as ``axe.min.js``): pinned in pyproject.toml like every other dependency,
  installed by ``make install`` with the rest, nothing fetched from npm or a CDN. The page
  gets the script through Playwright's evaluate (the DevTools protocol), which the page's
  Content-Security-Policy does not see, so the CSP stays as strict under test as in use.
- :meth:`Visit.check` runs after every navigation: axe's WCAG 2.1 A/AA rules with no serious
  or critical violation, no sideways scroll at phone width, no request to another host, no
  console error or uncaught exception. It screenshots the page under ``var/browser/``.
  Findings are collected and the test fails at its end with all of them, so one run tells
  everything that is wrong, page by page; ``var/browser/axe.jsonl`` keeps the counts.
"""

import json
import os
import re
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings

CHROMIUM = os.environ.get("TRYGG_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
OUT = Path(settings.BASE_DIR) / "var" / "browser"
HERE = Path(__file__).parent
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING_IMPACTS = {"serious", "critical"}
PASSWORD = "test-password-123"
# Links in table cells against the cell's colour as Bootstrap 5.3 paints it (a background
# colour and an inset box-shadow for striped, light and hovered rows). axe leaves these to
# "needs review", unable to read a box-shadow, so the light rows' linked figures (4.27:1)
# went unflagged: this reads them itself and returns those under WCAG AA's 4.5:1.
LINK_CONTRAST = (HERE / "js" / "link_contrast.js").read_text()
# The innermost elements reaching past the window's right edge: what makes a page scroll.
TOO_WIDE = (HERE / "js" / "too_wide.js").read_text()
UNNAMED_TAB_STOPS = (HERE / "js" / "unnamed_tab_stops.js").read_text()

# Known failures of other work in flight for issue #13, tolerated here by exact address so
# the lead removes each line when that work is merged. Each entry: (why, regex of the address
# of a resource whose failure to load is not counted as a console error).
# Loads known to fail, with the reason (none: the favicon came with the rough edges' fixes).
KNOWN_FAILED_LOADS: list[tuple[str, str]] = []

# The browser reads through the live server: committed rows. serialized_rollback puts back
# what the migrations wrote, for the tests after these.
in_a_browser = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def pytest_collection_modifyitems(items):
    for item in items:
        if "open_visit" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.browser)


@pytest.fixture
def chromium(monkeypatch):
    """A headless Chromium for one test.

    Not one for the whole session: Playwright's sync API keeps an asyncio loop running in
    this thread from its start to its stop, and under a running loop Django's connections
    (asgiref locals) belong to the loop's context, so the serialized rollback's restore of
    the migrations' rows at the next test's start was silently lost. Started after the
    database is set up and stopped before it is flushed, it costs about a second a test.
    """
    if not os.access(CHROMIUM, os.X_OK):
        pytest.skip(
            f"Chromium is not installed at {CHROMIUM} (Debian: apt-get install chromium); "
            "the browser journeys need it and never download a browser"
        )
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    # The tests' own ORM calls between browser steps are plain sync code, under that loop.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    manager = sync_api.sync_playwright().start()
    browser = manager.chromium.launch(
        executable_path=CHROMIUM, args=["--no-sandbox", "--disable-dev-shm-usage"]
    )
    yield browser
    browser.close()
    # The connections the test opened under the loop live in its context: closed here, or
    # the test database could not be dropped at the end of the run.
    from django.db import connections

    connections.close_all()
    manager.stop()


@pytest.fixture(params=[PHONE, DESKTOP], ids=["phone", "desktop"])
def viewport(request):
    return request.param


@dataclass
class Visit:
    """One person's browser tab, and what was found wrong on the pages it reached."""

    page: object
    base_url: str
    width: int
    name: str
    findings: list[str] = field(default_factory=list)
    console: list[str] = field(default_factory=list)
    foreign: list[str] = field(default_factory=list)
    pages: list[str] = field(default_factory=list)
    # Addresses a journey opens knowing they answer an error (a page it may not see).
    expected_failures: set[str] = field(default_factory=set)
    shots: int = 0

    def url(self, path: str) -> str:
        return f"{self.base_url}{path}"

    def goto(self, path: str, *, status: int = 200):
        """Opens ``path``, expecting ``status`` (an error page is a page a person sees too)."""
        if status != 200:
            self.expected_failures.add(self.url(path))
        response = self.page.goto(self.url(path))
        assert response.status == status, f"{path}: {response.status}, expected {status}"
        return self.check()

    def check(self, *, axe_exclude: tuple[str, ...] = ()):
        """The checks of every page reached; call after each navigation. ``axe_exclude``:
        selectors of markup that is not ours, each named with its reason where passed."""
        page = self.page
        page.wait_for_load_state("load")
        # What htmx swaps in is part of the page: wait until it has settled. (Polled with
        # evaluate: wait_for_function's string would be an eval, which the CSP refuses.)
        for _attempt in range(100):
            if not page.evaluate(
                "document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling') !== null"
            ):
                break
            page.wait_for_timeout(50)
        path = urlsplit(page.url).path
        here = f"{path} @{self.width}px"
        self.pages.append(path)
        counts = self._axe(here, axe_exclude)
        low = page.evaluate(LINK_CONTRAST)
        if low:
            counts["serious"] += len(low)
            self.findings.append(
                f"{here}: contrast under 4.5:1 of {len(low)} link(s) in tables: {low[:4]}"
            )
        unnamed = page.evaluate(UNNAMED_TAB_STOPS)
        if unnamed:
            self.findings.append(f"{here}: tab stops without a name: {unnamed}")
        if self.width <= PHONE["width"]:
            scroll = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
            if scroll[0] > scroll[1]:
                self.findings.append(
                    f"{here}: sideways scroll, {scroll[0]} px wide in {scroll[1]} "
                    f"(too wide: {', '.join(page.evaluate(TOO_WIDE))})"
                )
        for message in self.console:
            self.findings.append(f"{here}: console error: {message}")
        self.console.clear()
        for address in self.foreign:
            self.findings.append(f"{here}: request to another host: {address}")
        self.foreign.clear()
        self.shots += 1
        slug = re.sub(r"[^a-z0-9]+", "-", path.lower()).strip("-") or "start"
        page.screenshot(path=str(OUT / self.name / f"{self.shots:02d}-{slug}.png"), full_page=True)
        with (OUT / "axe.jsonl").open("a") as log:
            log.write(json.dumps({"test": self.name, "page": path, "width": self.width} | counts))
            log.write("\n")
        return page

    def _axe(self, here: str, exclude: tuple[str, ...] = ()) -> dict:
        from axe_playwright_python.base import AXE_SCRIPT

        page = self.page
        if not page.evaluate("typeof window.axe !== 'undefined'"):
            page.evaluate(AXE_SCRIPT)
        result = page.evaluate(
            "([tags, exclude]) => axe.run({include: [['html']], exclude: exclude.map(s => [s])},"
            " {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
            [AXE_TAGS, list(exclude)],
        )
        blocking = [v for v in result["violations"] if v["impact"] in BLOCKING_IMPACTS]
        for violation in blocking:
            targets = ", ".join(
                " ".join(map(str, node["target"])) for node in violation["nodes"][:4]
            )
            self.findings.append(
                f"{here}: axe {violation['impact']} {violation['id']} "
                f"({len(violation['nodes'])}x: {targets})"
            )
        return {
            "serious": sum(len(v["nodes"]) for v in blocking if v["impact"] == "serious"),
            "critical": sum(len(v["nodes"]) for v in blocking if v["impact"] == "critical"),
            "rules": sorted({v["id"] for v in blocking}),
        }

    def open_menu(self):
        """Unfolds the main menu where it is folded (a phone); returns it."""
        toggler = self.page.locator(".navbar-toggler")
        if toggler.is_visible() and toggler.get_attribute("aria-expanded") != "true":
            toggler.click()
        return self.page.locator("#trygg-nav")

    def menu(self, name):
        """Follows a link of the main menu."""
        self.open_menu().get_by_role("link", name=name, exact=True).click()
        return self.check()

    def log_in(self, username: str, *, totp_key: str | None = None):
        """Through the login page, and the second factor's page where the role needs it."""
        page = self.goto("/accounts/login/")
        page.get_by_label(re.compile("Användarnamn|Username")).fill(username)
        page.get_by_label(re.compile("Lösenord|Password")).fill(PASSWORD)
        page.get_by_role("button", name=re.compile("^(Logga in|Log in)$")).click()
        self.check()
        if totp_key is not None:
            page.get_by_label(re.compile("Kod|Code", re.I)).fill(totp_code(totp_key))
            page.get_by_role("button", name=re.compile("Bekräfta|Confirm")).click()
            self.check()
        return page


def totp_code(hex_key: str) -> str:
    from binascii import unhexlify

    from django_otp.oath import TOTP

    totp = TOTP(unhexlify(hex_key), 30, 0, 6, 0)
    totp.time = time.time()
    return f"{totp.token():06d}"


def with_second_factor(user) -> str:
    """Gives ``user`` a confirmed TOTP device and returns its key, for :meth:`Visit.log_in`."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    return device.key


@pytest.fixture
def open_visit(chromium, live_server, viewport, request):
    """Opens a new tab for a person: ``visit = open_visit("officer")``."""
    contexts = []
    visits = []
    test_name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.name)
    shutil.rmtree(OUT / test_name, ignore_errors=True)

    def open_(name: str) -> Visit:
        context = chromium.new_context(
            viewport=viewport,
            locale="sv-SE",
            timezone_id=settings.TIME_ZONE,
            accept_downloads=True,
        )
        context.set_default_timeout(20_000)
        contexts.append(context)
        page = context.new_page()
        visit = Visit(page, live_server.url, viewport["width"], f"{test_name}/{name}")
        (OUT / visit.name).mkdir(parents=True, exist_ok=True)
        host = urlsplit(live_server.url).netloc

        def on_request(req):
            parts = urlsplit(req.url)
            if parts.scheme in ("http", "https", "ws", "wss") and parts.netloc != host:
                visit.foreign.append(req.url)

        def on_console(message):
            if message.type != "error":
                return
            address = (message.location or {}).get("url", "")
            if message.text.startswith("Failed to load resource") and (
                address in visit.expected_failures
                or any(re.search(pattern, address) for _why, pattern in KNOWN_FAILED_LOADS)
            ):
                return
            visit.console.append(f"{message.text} ({address})")

        page.on("request", on_request)
        page.on("console", on_console)
        page.on("pageerror", lambda error: visit.console.append(f"uncaught: {error}"))
        visits.append(visit)
        return visit

    yield open_
    for context in contexts:
        context.close()
    findings = [finding for visit in visits for finding in visit.findings]
    if findings:
        pytest.fail(
            f"{len(findings)} finding(s) on the pages reached:\n" + "\n".join(findings),
            pytrace=False,
        )
