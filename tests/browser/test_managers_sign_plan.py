"""Journey (f) of issue #13: the managers of the two organisations sign the district's plan,
each from their own browser, and a measure of the agreed plan gets a follow-up."""

import re

from django.utils import timezone

from plans.choices import PlanStatus
from tests.browser.conftest import in_a_browser, with_second_factor
from tests.plans.conftest import measure, plan, problem  # noqa: F401 (fixtures)


def _sign(visit, manager, plan) -> None:  # noqa: F811
    page = visit.log_in(manager.username, totp_key=with_second_factor(manager))
    visit.goto("/planer/")
    page.locator(f'main a[href="/planer/{plan.pk}/"]').first.click()
    visit.check()
    page.get_by_role("button", name="Signera för min organisation").click()
    visit.check()
    signatures = page.locator("section[aria-labelledby=trygg-plan-signatures]").inner_text()
    assert manager.username in signatures


@in_a_browser
def test_it_has_both_managers_sign_and_a_measure_followed_up(
    open_visit,
    plan,  # noqa: F811
    measure,  # noqa: F811
    manager_social_centrum,
    manager_police_centrum,
):
    _sign(open_visit("social-manager"), manager_social_centrum, plan)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.DRAFT
    police = open_visit("police-manager")
    _sign(police, manager_police_centrum, plan)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.AGREED

    page = police.page
    page.get_by_role("link", name=measure.title).first.click()
    police.check()
    page.get_by_label("Datum").fill(timezone.localdate().isoformat())
    page.get_by_label("Status", exact=True).select_option("started")
    page.get_by_label(re.compile("Indikatorvärde|Indikatorns värde")).fill("120")
    page.get_by_label("Anteckning").fill("Närvaro 120 kvällar hittills.")
    page.get_by_role("button", name=re.compile("uppföljning", re.I)).click()
    police.check()
    assert measure.follow_ups.count() == 1
    assert "Närvaro 120 kvällar hittills." in page.locator("main").inner_text()
