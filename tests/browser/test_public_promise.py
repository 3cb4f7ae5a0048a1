"""Journey (a) of issue #13: a visitor, not signed in, opens the public medborgarlöfte."""

import re

from tests.browser.conftest import in_a_browser
from tests.plans.conftest import agreed_plan, measure, plan, problem  # noqa: F401 (fixtures)


@in_a_browser
def test_it_shows_a_visitor_the_districts_promise(open_visit, agreed_plan):  # noqa: F811
    visitor = open_visit("visitor")
    page = visitor.goto("/medborgarloften/")
    assert page.get_by_role("heading", level=1).inner_text() == "Medborgarlöften"
    page.get_by_role("link", name="Centrum").click()
    visitor.check()
    assert re.search(r"Medborgarlöfte, Centrum", page.get_by_role("heading", level=1).inner_text())
    promise = page.locator(f"#trygg-promise-measures-{agreed_plan.pk}")
    assert "Närvaro vid hållplatserna" in promise.inner_text()
    assert "Polisen är på plats vid hållplatserna kvällstid." in promise.inner_text()
    # What stays inside the partnership is not in the public promise.
    assert "Langning" not in page.content()
