"""The start page says what to do next per role (issue #13), each step a link to the list
that holds what it counts, counted from what the viewer may read."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from core.selectors import next_steps_for
from incidents.choices import ReportStatus
from plans.choices import MeasureStatus
from plans.models import Measure

HOME = reverse("home")


def texts(user):
    return {step.text: step.url for step in next_steps_for(user=user)}


def test_it_counts_the_new_reports_an_analyst_reviews_and_links_the_list_that_shows_them(
    client, make_report, social_centrum
):
    make_report()
    make_report()
    make_report(status=ReportStatus.REVIEWED)
    make_report(district="hisingen")  # not theirs to review
    steps = texts(social_centrum)
    url = steps["2 reports to review in Centrum"]
    client.force_login(social_centrum)
    listed = client.get(url)
    assert sorted(report.status for report in listed.context["page"].rows) == ["new", "new"]


def test_it_offers_new_report_to_filers_only(police_hisingen, coordinator, partner):
    assert "New report" in texts(police_hisingen)
    assert "New report" in texts(partner)
    assert "New report" not in texts(coordinator)


def test_it_counts_the_plans_waiting_for_the_managers_signature(
    plan, measure, manager_social_centrum, manager_police_centrum, social_centrum
):
    from plans.services.plans import plan_sign

    assert "1 plan to sign" in texts(manager_social_centrum)
    plan_sign(actor=manager_social_centrum, plan=plan)
    assert "1 plan to sign" not in texts(manager_social_centrum)
    assert "1 plan to sign" in texts(manager_police_centrum)
    # An analyst signs nothing.
    assert not any("to sign" in text for text in texts(social_centrum))


def test_it_counts_delayed_measures_of_readable_plans_only(
    measure, social_centrum, social_hisingen, partner
):
    Measure.objects.filter(pk=measure.pk).update(
        status=MeasureStatus.STARTED, end_date=timezone.localdate() - timedelta(days=2)
    )
    assert "1 measure delayed" in texts(social_centrum)
    assert not any("delayed" in text for text in texts(social_hisingen))
    assert not any("delayed" in text for text in texts(partner))


def test_the_start_page_shows_the_steps_as_links(client, make_report, social_centrum):
    make_report()
    client.force_login(social_centrum)
    page = client.get(HOME).content.decode()
    assert "1 rapport att granska i Centrum" in page
    assert "status=new&amp;district=centrum" in page


@pytest.mark.parametrize("reports", [1, 30])
def test_it_reads_the_start_page_in_a_bounded_number_of_queries(
    client, make_report, manager_social_centrum, plan, measure, reports
):
    for _ in range(reports):
        make_report()
    client.force_login(manager_social_centrum)
    client.get(HOME)  # warm: sessions, content types
    with CaptureQueriesContext(connection) as queries:
        assert client.get(HOME).status_code == 200
    assert len(queries) <= 11, [q["sql"][:120] for q in queries]


def test_it_says_the_steps_in_swedish(make_report, social_centrum):
    from django.utils import translation

    make_report()
    make_report()
    with translation.override("sv"):
        assert "2 rapporter att granska i Centrum" in texts(social_centrum)


def _alarm(district, weeks_ago: int):
    from analysis.alerts import last_complete_week
    from analysis.models import Alert, AlertLevel, AlertMethod
    from incidents.models import Category

    return Alert.objects.create(
        level=AlertLevel.DISTRICT, district=district, week=last_complete_week() - timedelta(
            weeks=weeks_ago), category=Category.objects.filter(parent__isnull=True).first(),
        observed=14, expected=5.2, upper=11.4, score=1.4, p_value=0.001, alarm=True,
        method=AlertMethod.FARRINGTON, computed_at=timezone.now(),
    )  # fmt: skip


def test_it_counts_the_current_alarms_of_the_districts_the_user_reads_in_full(
    centrum, hisingen, coordinator, social_centrum, police_hisingen, partner
):
    _alarm(centrum, 0)
    _alarm(centrum, 3)
    _alarm(hisingen, 1)
    _alarm(centrum, 4)  # older than the dashboard's four weeks

    assert texts(coordinator)["3 trend alerts in the last four weeks"].endswith("#analysis-alerts")
    assert "2 trend alerts in the last four weeks" in texts(social_centrum)
    assert "1 trend alert in the last four weeks" in texts(police_hisingen)
    assert not any("trend alert" in text for text in texts(partner))


def test_it_says_when_nothing_waits_and_offers_the_overview(client, coordinator):
    client.force_login(coordinator)
    page = client.get(HOME).content.decode()
    assert "Inget väntar på dig just nu." in page
    assert f'href="{reverse("overview:city")}"' in page and "Öppna översikten" in page


def test_it_does_not_say_nothing_waits_when_something_does(client, make_report, social_centrum):
    make_report()
    client.force_login(social_centrum)
    page = client.get(HOME).content.decode()
    assert "1 rapport att granska i Centrum" in page
    assert "Inget väntar på dig just nu." not in page
