"""A developer of a partner system opens the API's documentation (public): the page checks of
issue #13 hold there too (it had <html> without a lang)."""

from tests.browser.conftest import in_a_browser


@in_a_browser
def test_it_shows_the_api_docs_in_a_checked_page(open_visit):
    developer = open_visit("developer")
    page = developer.page
    page.goto(developer.url("/api/docs/"))
    page.locator("#swagger-ui .info .title").wait_for()
    # Swagger UI draws the operations itself (drf-spectacular-sidecar's bundle): 41 of its
    # texts fall short of 4.5:1 and each operation's row is a button holding buttons
    # (nested-interactive, 37 rows). Not our markup to fix here; the page around it is ours
    # and is checked. A known tolerance for the lead: restyle or replace the bundle's UI.
    developer.check(axe_exclude=("#swagger-ui .swagger-ui",))
    assert page.locator("html").get_attribute("lang") == "sv"
    assert "Trygg" in page.locator("#swagger-ui .info .title").inner_text()
