from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.choices import Confidentiality
from incidents.models import Category, Report

LIST = reverse("incidents:report_list")
EXPORT = reverse("incidents:report_export")


def bulk_reports(organisations, geography, category, count):
    now = timezone.now()
    Report.objects.bulk_create(
        Report(
            category=category,
            occurred_at=now - timedelta(minutes=i),
            district=geography["centrum"],
            organisation=organisations["sf_centrum"],
            confidentiality=Confidentiality.PARTNERSHIP,
            description=f"Rapport nummer {i}",
            source_kind="field_observation",
        )
        for i in range(count)
    )


@pytest.mark.parametrize("url", [LIST, EXPORT])
def test_it_runs_the_same_queries_for_10_and_1000_rows(
    client,
    social_centrum,
    organisations,
    geography,
    category,
    url,
    django_assert_num_queries,
):
    client.force_login(social_centrum)

    def queries_for_request():
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
            if url == EXPORT:
                b"".join(response.streaming_content)
        return len(captured.captured_queries)

    # The first request fills per-process caches (the audit's content types): not per row.
    queries_for_request()
    bulk_reports(organisations, geography, category, 10)
    small = queries_for_request()
    bulk_reports(organisations, geography, category, 990)
    assert queries_for_request() == small


def test_it_pages_through_every_row_once(
    client, social_centrum, organisations, geography, category
):
    bulk_reports(organisations, geography, category, 120)
    client.force_login(social_centrum)
    seen, url = [], LIST
    while url:
        response = client.get(url if url.startswith("/") else LIST + url)
        seen += [r.pk for r in response.context["page"].rows]
        url = response.context["next_url"]
    assert len(seen) == len(set(seen)) == 120
    assert seen == list(Report.objects.order_by("-occurred_at", "-id").values_list("pk", flat=True))


def test_it_refuses_a_forged_cursor(client, social_centrum):
    client.force_login(social_centrum)
    assert client.get(LIST, {"cursor": "ZmFrZQ=="}).status_code == 404


def test_it_filters_and_searches(client, make_report, social_centrum):
    hit = make_report(description="Narkotikaförsäljning vid trappan")
    make_report(description="Trasig lampa", category=Category.objects.get(code="belysning"))
    make_report(description="Gammal", hours_ago=24 * 40)
    client.force_login(social_centrum)
    by_words = client.get(LIST, {"q": "narkotikaförsäljning"}).context["page"].rows
    assert by_words == [hit]
    by_main_category = client.get(LIST, {"category": "brott"}).context["page"].rows
    assert hit in by_main_category and len(by_main_category) == 2
    since = (timezone.localdate() - timedelta(days=7)).isoformat()
    recent = client.get(LIST, {"occurred_after": since}).context["page"].rows
    assert len(recent) == 2


def test_it_explains_a_bad_date_range_and_shows_nothing(client, make_report, social_centrum):
    make_report()
    client.force_login(social_centrum)
    response = client.get(LIST, {"occurred_after": "2026-03-10", "occurred_before": "2026-03-01"})
    assert response.context["page"].rows == []
    assert "före startdatumet" in response.content.decode()


def test_it_defuses_spreadsheet_formulas_in_the_export(client, make_report, social_centrum):
    make_report(description='=HYPERLINK("http://evil")')
    client.force_login(social_centrum)
    body = b"".join(client.get(EXPORT).streaming_content).decode()
    assert "'=HYPERLINK" in body
    assert body.startswith("\ufeff")


def test_its_rows_do_not_read_the_districts_boundaries(
    client, social_centrum, organisations, geography, category
):
    """A boundary is a large GeoJSON: read for each of 50 rows it cost more than the rows."""
    bulk_reports(organisations, geography, category, 3)
    client.force_login(social_centrum)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        response = client.get(LIST)
    assert response.status_code == 200
    assert "Centrum" in response.content.decode()  # the district's name is still shown
    page = next(
        q["sql"]
        for q in captured.captured_queries
        if "incidents_report" in q["sql"] and "LIMIT 51" in q["sql"]
    )
    assert '"areas_district"."name"' in page
    assert '"areas_district"."boundary"' not in page


def test_it_counts_up_to_its_cap_and_says_more_beyond(
    client, social_centrum, organisations, geography, category, monkeypatch
):
    from incidents.views import reports

    monkeypatch.setattr(reports, "COUNT_CAP", 5)
    client.force_login(social_centrum)
    bulk_reports(organisations, geography, category, 5)
    assert client.get(LIST).context["count"] == 5
    assert client.get(LIST).context["count_capped"] is False
    bulk_reports(organisations, geography, category, 1)
    response = client.get(LIST)
    assert response.context["count"] == 5
    assert response.context["count_capped"] is True
