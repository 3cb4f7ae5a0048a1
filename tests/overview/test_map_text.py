"""Repro of issue #9, probe 7: a district name with markup, set in the admin, ran as script
in analysts' sessions through the map's tooltip (Leaflet's bindTooltip renders a string as
HTML). The maps now hand Leaflet DOM text nodes, and the CSP would refuse the handler anyway.

The browser test runs only where Chromium and its driver are installed (Debian's `chromium`
and `chromium-driver`); it is skipped elsewhere, the static checks always run.
"""

import json
import re
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from areas.models import District

PAYLOAD = "<img src=x onerror=alert(1)>"
STATIC_JS = Path(settings.BASE_DIR) / "static" / "js"
CHROMIUM = shutil.which("chromium")
CHROMEDRIVER = shutil.which("chromedriver")
# The browser reads through the live server: committed rows. serialized_rollback puts back
# what the migrations wrote, for the tests after these.
in_a_browser = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def marked_up_district(centrum):
    # What an administrator may type in the admin: the name field takes any text.
    District.objects.filter(pk=centrum.pk).update(name=f"Centrum {PAYLOAD}")
    return centrum


def test_it_escapes_a_marked_up_district_name_in_the_dashboard(
    client, coordinator, marked_up_district
):
    client.force_login(coordinator)
    response = client.get(reverse("overview:city"))
    assert response.status_code == 200
    html = response.content.decode()
    assert PAYLOAD not in html
    data = re.search(
        r'<script id="overview-map-data" type="application/json">(.*?)</script>', html, re.S
    )
    assert data, "the map's data is missing"
    # json_script escapes < and > so the data cannot close its element; the script gets the
    # name back as plain text.
    assert "<img" not in data.group(1)
    labels = [area["label"] for area in json.loads(data.group(1))]
    assert any(PAYLOAD in label for label in labels)


def test_it_escapes_a_marked_up_district_name_in_the_report_form(
    client, police_centrum, marked_up_district
):
    client.force_login(police_centrum)
    html = client.get(reverse("incidents:report_create")).content.decode()
    assert PAYLOAD not in html
    # The form's map reads the names from the basemap: JSON, which the script shows as text.
    assert f'data-basemap-url="{reverse("areas:basemap")}"' in html


def test_it_sends_marked_up_names_in_the_basemap_as_plain_strings(
    client, police_centrum, marked_up_district
):
    from areas.models import IntermediateArea, Place

    IntermediateArea.objects.filter(code="34").update(name=f"Haga {PAYLOAD}")
    Place.objects.filter(name="Järntorget").update(name=f"Järntorget {PAYLOAD}")
    client.force_login(police_centrum)
    response = client.get(reverse("areas:basemap"))
    assert response["Content-Type"] == "application/json"
    data = response.json()
    assert f"Centrum {PAYLOAD}" in {d["name"] for d in data["districts"]}
    assert f"Haga {PAYLOAD}" in {a["name"] for a in data["intermediate_areas"]}
    assert f"Järntorget {PAYLOAD}" in {p["name"] for p in data["places"]}


@pytest.mark.parametrize("script", sorted(p.name for p in STATIC_JS.glob("*.js")))
def test_it_gives_leaflet_text_nodes_never_html_strings(script):
    source = (STATIC_JS / script).read_text()
    # Every text Leaflet shows in a tooltip or popup is a DOM node made with textContent.
    for call in re.finditer(
        r"\.(bindTooltip|bindPopup|setTooltipContent|setPopupContent|setContent)\(\s*([^,)]*)",
        source,
    ):
        assert call.group(2).startswith("asText("), call.group(0)
    # ...and nothing writes HTML into the page.
    assert not re.search(r"\.(innerHTML|outerHTML)\s*=[^=]", source)
    assert "insertAdjacentHTML" not in source and "document.write" not in source
    # A tile layer's attribution is HTML to Leaflet: it gets the operator's text escaped.
    for attribution in re.finditer(r"attribution:\s*([^,}]*)", source):
        assert attribution.group(1).startswith("escaped("), attribution.group(0)
    if "asText(" in source:
        assert re.search(r"function asText\(text\) \{[^}]*\.textContent = text;", source)


@pytest.fixture
def browser(live_server):
    if not (CHROMIUM and CHROMEDRIVER):
        pytest.skip("Chromium and chromium-driver are not installed")
    webdriver = pytest.importorskip("selenium.webdriver")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in ("--headless", "--no-sandbox", "--disable-gpu", "--window-size=1280,1600"):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(options=options, service=webdriver.ChromeService(CHROMEDRIVER))
    driver.set_page_load_timeout(60)
    yield driver
    driver.quit()


def _sign_in(browser, live_server, client, user):
    client.force_login(user)
    browser.get(f"{live_server.url}/healthz")
    browser.add_cookie(
        {
            "name": settings.SESSION_COOKIE_NAME,
            "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
            "path": "/",
        }
    )


def _csp_violations(browser) -> list[str]:
    return [
        entry["message"]
        for entry in browser.get_log("browser")
        if "Content Security Policy" in entry["message"]
    ]


def _no_alert(browser) -> bool:
    from selenium.common.exceptions import NoAlertPresentException

    try:
        browser.switch_to.alert  # noqa: B018  (raises when no dialog is open)
    except NoAlertPresentException:
        return True
    return False


@in_a_browser
def test_it_shows_a_marked_up_district_name_as_text_in_the_browser(
    browser, live_server, client, coordinator, marked_up_district
):
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    _sign_in(browser, live_server, client, coordinator)
    browser.get(f"{live_server.url}{reverse('overview:city')}")
    wait = WebDriverWait(browser, 20)
    wait.until(lambda b: b.find_elements(By.CSS_SELECTOR, "#overview-map path.leaflet-interactive"))
    tooltip_texts = []
    for outline in browser.find_elements(By.CSS_SELECTOR, "#overview-map path.leaflet-interactive"):
        ActionChains(browser).move_to_element(outline).perform()
        tooltips = browser.find_elements(By.CSS_SELECTOR, ".leaflet-tooltip")
        tooltip_texts += [t.get_property("textContent") for t in tooltips]
        # The name is text: Leaflet made no element of it.
        assert not browser.find_elements(By.CSS_SELECTOR, ".leaflet-tooltip img")
    assert any(PAYLOAD in text for text in tooltip_texts), tooltip_texts
    assert _no_alert(browser)
    assert _csp_violations(browser) == []


@pytest.fixture
def superuser(db):
    from accounts.models import User

    return User.objects.create_superuser(username="root.trygg", password="test-password-123")


@in_a_browser
@pytest.mark.parametrize(
    ("user", "page", "ready"),
    [
        ("police_centrum", "incidents:report_create", "#trygg-map path.leaflet-interactive"),
        ("coordinator", "overview:city", "#overview-map path.leaflet-interactive"),
        ("police_centrum", "api-docs", "#swagger-ui .info .title"),
        ("police_centrum", "home", "main"),
        ("superuser", "admin:index", "#content-main"),
        ("superuser", "admin:accounts_user_add", "#user_form"),
    ],
)
def test_it_runs_the_pages_scripts_under_the_csp_without_a_violation(
    browser, live_server, client, request, user, page, ready
):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    _sign_in(browser, live_server, client, request.getfixturevalue(user))
    browser.get(f"{live_server.url}{reverse(page)}")
    WebDriverWait(browser, 20).until(lambda b: b.find_elements(By.CSS_SELECTOR, ready))
    assert _csp_violations(browser) == []


def _focusable_without_a_name(browser, container: str) -> list[str]:
    """Tab stops inside ``container`` that a screen reader could not name."""
    return browser.execute_script(
        """
        var container = arguments[0];
        var stops = document.querySelectorAll(container + ' a[href], ' + container
            + ' button, ' + container + ' [tabindex]:not([tabindex="-1"])');
        return Array.prototype.filter.call(stops, function (stop) {
            var name = stop.getAttribute('aria-label') || stop.getAttribute('title')
                || stop.textContent.trim();
            return !name;
        }).map(function (stop) { return stop.outerHTML.slice(0, 80); });
        """,
        container,
    )


def _requests_off_the_host(browser, live_server) -> list[str]:
    names = browser.execute_script(
        "return performance.getEntriesByType('resource').map(function (e) { return e.name; });"
    )
    return [name for name in names if not name.startswith(live_server.url)]


def _overlapping_labels(browser, container: str) -> list[tuple[str, str]]:
    return browser.execute_script(
        """
        var container = arguments[0];
        var labels = Array.prototype.map.call(
            document.querySelectorAll(container + ' .trygg-label'),
            function (label) { return [label.textContent, label.getBoundingClientRect()]; });
        var overlaps = [];
        labels.forEach(function (a, i) { labels.slice(i + 1).forEach(function (b) {
            if (a[1].left < b[1].right - 1 && b[1].left < a[1].right - 1
                && a[1].top < b[1].bottom - 1 && b[1].top < a[1].bottom - 1) {
                overlaps.push([a[0], b[0]]);
            }
        }); });
        return overlaps;
        """,
        container,
    )


@in_a_browser
@pytest.mark.parametrize("width", [1280, 390])
def test_it_draws_the_dashboard_basemap_offline_with_mellanomrade_labels(
    browser, live_server, client, coordinator, settings, width
):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    from areas.models import IntermediateArea

    settings.TRYGG_MAP_TILE_URL = ""
    browser.set_window_size(width, 1200)
    _sign_in(browser, live_server, client, coordinator)
    browser.get(f"{live_server.url}{reverse('overview:district', args=['centrum'])}")
    wait = WebDriverWait(browser, 30)
    wait.until(lambda b: b.find_elements(By.CSS_SELECTOR, "#overview-map[data-ready]"))
    labels = browser.execute_script(
        "return Array.prototype.map.call(document.querySelectorAll("
        "'#overview-map .trygg-label-area'), function (l) { return l.textContent; });"
    )
    names = set(IntermediateArea.objects.values_list("name", flat=True))
    assert len(labels) >= (4 if width > 1000 else 2), labels
    assert set(labels) <= names
    assert _overlapping_labels(browser, "#overview-map") == []
    # No tile layer, nothing from outside: every request went to the portal itself.
    assert not browser.find_elements(By.CSS_SELECTOR, "#overview-map .leaflet-tile")
    assert _requests_off_the_host(browser, live_server) == []
    # The outlines are no tab stops; what can be focused has a name.
    assert not browser.find_elements(By.CSS_SELECTOR, "#overview-map path[tabindex]")
    assert _focusable_without_a_name(browser, "#overview-map") == []
    # The mellanområden's figures are in a table beside the map.
    assert browser.find_elements(By.CSS_SELECTOR, "#overview-density-areas tbody tr")
    assert _csp_violations(browser) == []


def _tap(browser, element) -> None:
    """A click (a tap) at the middle of an SVG shape, where Leaflet reads its position."""
    browser.execute_script(
        """
        var box = arguments[0].getBoundingClientRect();
        arguments[0].dispatchEvent(new MouseEvent('click', {bubbles: true, cancelable: true,
            clientX: box.left + box.width / 2, clientY: box.top + box.height / 2}));
        """,
        element,
    )


@in_a_browser
def test_it_fills_in_the_place_or_the_area_tapped_on_the_report_forms_map(
    browser, live_server, client, police_centrum, settings
):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    from areas.models import Place

    settings.TRYGG_MAP_TILE_URL = ""
    browser.set_window_size(390, 1200)
    _sign_in(browser, live_server, client, police_centrum)
    browser.get(f"{live_server.url}{reverse('incidents:report_create')}")
    WebDriverWait(browser, 30).until(
        lambda b: b.find_elements(By.CSS_SELECTOR, "#trygg-map[data-ready]")
    )
    # A tap on a mellanområde (its outline is dashed) marks the spot and names the area.
    area = browser.find_elements(
        By.CSS_SELECTOR, '#trygg-map path.leaflet-interactive[stroke-dasharray="3 3"]'
    )[0]
    _tap(browser, area)
    status = browser.find_element(By.ID, "trygg-map-status").get_property("textContent")
    assert browser.find_element(By.ID, "id_latitude").get_property("value")
    assert browser.find_element(By.ID, "id_longitude").get_property("value")
    assert "(" in status and ")" in status, status
    # A tap on a named place (a small dot) fills in the place field with its name.
    names = set(Place.objects.values_list("name", flat=True))
    dot = next(
        path
        for path in browser.find_elements(By.CSS_SELECTOR, "#trygg-map path.leaflet-interactive")
        if "a4,4 0 1,0 8,0" in (path.get_attribute("d") or "")
    )
    _tap(browser, dot)
    chosen = browser.find_element(By.ID, "id_place_name").get_property("value")
    assert chosen in names
    assert browser.find_element(By.ID, "id_latitude").get_property("value") == ""
    assert chosen in browser.find_element(By.ID, "trygg-map-status").get_property("textContent")
    assert _requests_off_the_host(browser, live_server) == []
    assert _csp_violations(browser) == []


@in_a_browser
def test_it_draws_the_report_lists_squares_when_its_map_is_opened(
    browser, live_server, client, police_centrum, make_report
):
    from decimal import Decimal

    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    for latitude in ("57.69980", "57.70000", "57.70690"):
        make_report(latitude=Decimal(latitude), longitude=Decimal("11.95270"))
    _sign_in(browser, live_server, client, police_centrum)
    browser.get(f"{live_server.url}{reverse('incidents:report_list')}")
    browser.find_element(By.CSS_SELECTOR, "#trygg-report-map summary").click()
    WebDriverWait(browser, 30).until(
        lambda b: b.find_elements(By.CSS_SELECTOR, "#report-list-map[data-ready]")
    )
    # Two squares (two reports share one): drawn as rectangles with their counts as text.
    squares = browser.find_elements(
        By.CSS_SELECTOR, '#report-list-map path.leaflet-interactive[fill-opacity="0.75"]'
    )
    assert len(squares) == 2
    assert _requests_off_the_host(browser, live_server) == []
    assert _csp_violations(browser) == []
