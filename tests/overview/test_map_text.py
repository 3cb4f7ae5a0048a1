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
    assert "\\u003Cimg src=x onerror=alert(1)\\u003E" in html


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
