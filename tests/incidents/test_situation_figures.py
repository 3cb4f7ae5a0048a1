"""The figures of a situation picture: periods, SQL against an independent count, what each
viewer's draft and an agreed picture count, and a query budget that does not grow with
reports."""

import random
from collections import Counter
from datetime import date, datetime, time, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.choices import Confidentiality
from areas.models import Place, PrimaryArea
from incidents.choices import PeriodKind, ReportStatus, SourceKind
from incidents.models import Category, Report, SituationPicture
from incidents.selectors.situation import (
    BASIS_PARTNERSHIP,
    BASIS_VISIBLE,
    Period,
    period_start_of,
    shared_reports,
    situation_figures_compute,
    situation_figures_for_picture,
)
from incidents.selectors.situation_display import (
    situation_chart_svg,
    situation_figures_present,
)

Q1_2025 = Period.starting(PeriodKind.QUARTER, date(2025, 1, 1))


def _at(day: date, hour: int = 12, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def _report(district, organisation, *, when=None, code="narkotikahandel", **extra) -> Report:
    return Report.objects.create(
        category=Category.objects.get(code=code),
        occurred_at=when or _at(date(2025, 2, 10)),
        district=district,
        organisation=organisation,
        description="Observation",
        source_kind=SourceKind.FIELD_OBSERVATION,
        **extra,
    )


# --- Pure helpers -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "start", "previous", "last_year", "end"),
    [
        (
            PeriodKind.MONTH,
            date(2025, 1, 1),
            date(2024, 12, 1),
            date(2024, 1, 1),
            date(2025, 1, 31),
        ),
        (PeriodKind.MONTH, date(2024, 3, 1), date(2024, 2, 1), date(2023, 3, 1), date(2024, 3, 31)),
        (
            PeriodKind.QUARTER,
            date(2025, 1, 1),
            date(2024, 10, 1),
            date(2024, 1, 1),
            date(2025, 3, 31),
        ),
        (
            PeriodKind.QUARTER,
            date(2025, 7, 1),
            date(2025, 4, 1),
            date(2024, 7, 1),
            date(2025, 9, 30),
        ),
        (PeriodKind.YEAR, date(2025, 1, 1), date(2024, 1, 1), date(2024, 1, 1), date(2025, 12, 31)),
    ],
)
def test_it_knows_the_previous_period_and_the_same_period_last_year(
    kind, start, previous, last_year, end
):
    period = Period.starting(kind, start)
    assert period.end == end
    assert period.previous().start == previous
    assert period.same_last_year().start == last_year


def test_it_snaps_any_day_to_the_start_of_its_period():
    assert period_start_of(PeriodKind.MONTH, date(2025, 5, 17)) == date(2025, 5, 1)
    assert period_start_of(PeriodKind.QUARTER, date(2025, 5, 17)) == date(2025, 4, 1)
    assert period_start_of(PeriodKind.YEAR, date(2025, 5, 17)) == date(2025, 1, 1)
    with pytest.raises(ValueError):
        Period.starting(PeriodKind.QUARTER, date(2025, 2, 1))


# --- Against an independent computation ---------------------------------------------------------


@pytest.fixture
def many_reports(geography, organisations):
    """Reports spread over districts, periods, categories, places and levels, with some on
    the edges of the quarter in local time and some dismissed."""
    rng = random.Random(20250101)
    subcategories = list(Category.objects.filter(parent__isnull=False))
    mains = list(Category.objects.filter(parent__isnull=True))
    districts = [geography["centrum"], geography["hisingen"], None]
    places = {d.pk: list(Place.objects.filter(district=d)) for d in districts if d}
    areas = {d.pk: list(PrimaryArea.objects.filter(district=d)) for d in districts if d}
    owners = [organisations[key] for key in ("sf_centrum", "lpo_city", "bostad", "sf_hisingen")]
    first = date(2023, 12, 1)
    reports = []
    for _ in range(400):
        district = rng.choice(districts)
        reports.append(
            Report(
                category=rng.choice(subcategories if rng.random() < 0.9 else mains),
                occurred_at=_at(first + timedelta(days=rng.randrange(520)), rng.randrange(24)),
                district=district,
                place=rng.choice([None, *places[district.pk]]) if district else None,
                primary_area=rng.choice([None, *areas[district.pk]]) if district else None,
                organisation=rng.choice(owners),
                confidentiality=rng.choice(list(Confidentiality.values)),
                status=rng.choice(list(ReportStatus.values)),
                description="Observation",
                source_kind=SourceKind.FIELD_OBSERVATION,
            )
        )
    Report.objects.bulk_create(reports)
    # The edges: the last minutes of March count in Q1, the first of April do not.
    centrum, owner = geography["centrum"], organisations["sf_centrum"]
    _report(centrum, owner, when=_at(date(2025, 3, 31), 23, 50))
    _report(centrum, owner, when=_at(date(2025, 4, 1), 0, 5))
    _report(centrum, owner, when=_at(date(2024, 12, 31), 23, 59))


def _local_day(report: Report) -> date:
    return timezone.localtime(report.occurred_at).date()


def _main_code(report: Report) -> str:
    return (report.category.parent or report.category).code


def test_it_counts_as_an_independent_computation_does(many_reports, centrum):
    figures = situation_figures_compute(
        reports=Report.objects.all(),
        district=centrum,
        period=Q1_2025,
        basis=BASIS_VISIBLE,
        with_city=True,
    )

    everything = list(Report.objects.select_related("category__parent", "place", "primary_area"))
    counted = [r for r in everything if r.status != ReportStatus.DISMISSED]
    periods = {
        "current": Q1_2025,
        "previous": Q1_2025.previous(),
        "last_year": Q1_2025.same_last_year(),
    }

    def in_period(report, key):
        return periods[key].start <= _local_day(report) <= periods[key].end

    for key in periods:
        mine = [r for r in counted if r.district_id == centrum.pk and in_period(r, key)]
        assert figures["total"]["counts"][key] == len(mine)
        by_main = Counter(_main_code(r) for r in mine)
        assert {row["code"]: row["counts"][key] for row in figures["categories"]} == {
            code: by_main.get(code, 0) for code in (row["code"] for row in figures["categories"])
        }
        assert sum(row["counts"][key] for row in figures["categories"]) == len(mine)
        by_sub = Counter(r.category.code for r in mine if r.category.parent_id)
        for main in figures["categories"]:
            for child in main["children"]:
                assert child["counts"][key] == by_sub.get(child["code"], 0)
        by_area = Counter(r.primary_area.code if r.primary_area else None for r in mine)
        assert {row["code"]: row["counts"][key] for row in figures["primary_areas"]} == {
            code: by_area.get(code, 0) for code in (row["code"] for row in figures["primary_areas"])
        }
        assert sum(row["counts"][key] for row in figures["primary_areas"]) == len(mine)

    current = [r for r in counted if r.district_id == centrum.pk and in_period(r, "current")]
    by_place = Counter(r.place.slug for r in current if r.place)
    top = sorted(by_place.values(), reverse=True)[: len(figures["places"])]
    assert [row["counts"]["current"] for row in figures["places"]] == top
    for row in figures["places"]:
        assert row["counts"]["current"] == by_place[row["slug"]]

    city = [r for r in counted if in_period(r, "current")]
    assert figures["city"]["total"] == len(city)
    city_by_main = Counter(_main_code(r) for r in city)
    assert {row["code"]: row["count"] for row in figures["city"]["categories"]} == dict(
        city_by_main
    )


def test_it_counts_the_last_minutes_of_a_period_in_local_time(geography, organisations):
    centrum, owner = geography["centrum"], organisations["sf_centrum"]
    _report(centrum, owner, when=_at(date(2025, 3, 31), 23, 50))
    _report(centrum, owner, when=_at(date(2025, 4, 1), 0, 5))

    figures = situation_figures_compute(
        reports=Report.objects.all(), district=centrum, period=Q1_2025, basis=BASIS_VISIBLE
    )

    assert figures["total"]["counts"]["current"] == 1
    assert figures["city"] is None


# --- What each viewer's draft counts ------------------------------------------------------------


@pytest.fixture
def police_only(centrum, organisations):
    """A police-only report in Centrum among shared ones."""
    for _ in range(3):
        _report(centrum, organisations["sf_centrum"])
    return _report(
        centrum,
        organisations["lpo_city"],
        code="skjutning-explosion",
        confidentiality=Confidentiality.ORGANISATION,
    )


@pytest.fixture
def draft(centrum, social_centrum):
    return SituationPicture.objects.create(
        district=centrum,
        period_kind=Q1_2025.kind,
        period_start=Q1_2025.start,
        period_end=Q1_2025.end,
        created_by=social_centrum,
    )


def _codes(figures: dict) -> dict[str, int]:
    return {row["code"]: row["counts"]["current"] for row in figures["categories"]}


def test_it_leaves_a_police_only_report_out_of_the_social_services_draft(
    police_only, draft, social_centrum, police_centrum
):
    social = situation_figures_for_picture(picture=draft, user=social_centrum)
    police = situation_figures_for_picture(picture=draft, user=police_centrum)

    assert social["basis"] == police["basis"] == BASIS_VISIBLE
    assert social["total"]["counts"]["current"] == 3
    assert "brott" in _codes(social)  # narkotikahandel is a crime too
    assert all(
        child["code"] != "skjutning-explosion"
        for main in social["categories"]
        for child in main["children"]
    )
    assert police["total"]["counts"]["current"] == 4
    assert _codes(police)["brott"] == 4


def test_it_links_each_count_to_the_matching_reports_the_viewer_may_read(
    client, police_only, draft, social_centrum, police_centrum
):
    for user, expected in ((social_centrum, 3), (police_centrum, 4)):
        figures = situation_figures_present(
            figures=situation_figures_for_picture(picture=draft, user=user)
        )
        crime = next(row for row in figures.categories if row.label == "Brott")
        assert crime.current.count == expected
        query = parse_qs(urlsplit(crime.current.url).query)
        assert urlsplit(crime.current.url).path == reverse("incidents:report_list")
        assert query["district"] == ["centrum"]
        assert query["category"] == ["brott"]
        assert query["occurred_after"] == ["2025-01-01"]
        assert query["occurred_before"] == ["2025-03-31"]

        client.force_login(user)
        listed = client.get(crime.current.url)
        assert listed.status_code == 200
        html = listed.content.decode()
        assert (f"/rapporter/{police_only.pk}/" in html) == (user == police_centrum)


# --- The city, and the agreed picture's shared base ---------------------------------------------


def test_it_compares_with_the_city_only_for_those_who_read_the_whole_city(
    centrum, hisingen, organisations, draft, social_centrum, coordinator
):
    # Two police-only shootings in Hisingen and a shared report there: a Centrum analyst
    # may read none of them, so no city figure of theirs may count them.
    for _ in range(2):
        _report(
            hisingen,
            organisations["lpo_hisingen"],
            code="skjutning-explosion",
            confidentiality=Confidentiality.ORGANISATION,
        )
    _report(hisingen, organisations["sf_hisingen"], code="klotter")
    for _ in range(4):
        _report(centrum, organisations["sf_centrum"], code="klotter")

    analyst = situation_figures_present(
        figures=situation_figures_for_picture(picture=draft, user=social_centrum)
    )
    assert analyst.city == [] and analyst.city_total is None

    figures = situation_figures_present(
        figures=situation_figures_for_picture(picture=draft, user=coordinator)
    )
    rows = {row.label: row for row in figures.city}
    # The coordinator reads the shared reports of the whole city, not the police's own.
    assert "Brott" not in rows
    assert rows["Fysisk miljö"].city.display == "5"
    assert rows["Fysisk miljö"].share_of_city == "80\u00a0%"
    assert figures.city_total.city.display == "5"


def test_it_freezes_only_the_shared_reports_in_an_agreed_picture(centrum, organisations):
    for _ in range(3):
        _report(centrum, organisations["sf_centrum"], code="klotter")
    _report(centrum, organisations["sf_centrum"], code="belysning")
    _report(centrum, organisations["sf_centrum"], confidentiality=Confidentiality.ORGANISATION)
    _report(
        centrum,
        organisations["lpo_city"],
        code="skjutning-explosion",
        confidentiality=Confidentiality.ORGANISATION,
    )
    frozen = situation_figures_compute(
        reports=shared_reports(), district=centrum, period=Q1_2025, basis=BASIS_PARTNERSHIP
    )

    figures = situation_figures_present(figures=frozen)

    assert figures.is_frozen and figures.city_total is None
    rows = {row.label: row for row in figures.categories}
    # Neither party's organisation-level reports: not the police's shooting, not social
    # services' own drug report.
    assert "Brott" not in rows and "Skjutning/explosion" not in rows
    assert rows["Belysning"].current.display == "1"
    assert rows["Fysisk miljö"].current.display == "4"
    assert figures.total.current.count == 4


def test_it_draws_the_chart_as_accessible_svg(police_only, draft, police_centrum):
    figures = situation_figures_present(
        figures=situation_figures_for_picture(picture=draft, user=police_centrum)
    )

    svg = situation_chart_svg(figures=figures)

    # Drawn wide and for phones (core.charts.responsive), each an image of its own.
    assert svg.startswith('<div class="trygg-chart-wide"><svg') and svg.count("<svg") == 2
    assert 'role="img"' in svg
    assert "<title" in svg and "<desc" in svg
    assert "Brott" in svg


# --- Query budget -------------------------------------------------------------------------------


def _bulk(centrum, organisations, count: int) -> None:
    rng = random.Random(count)
    categories = list(Category.objects.filter(parent__isnull=False))
    places = list(Place.objects.filter(district=centrum))
    areas = list(PrimaryArea.objects.filter(district=centrum))
    Report.objects.bulk_create(
        Report(
            category=rng.choice(categories),
            occurred_at=_at(date(2024, 1, 1) + timedelta(days=rng.randrange(450))),
            district=centrum,
            place=rng.choice(places),
            primary_area=rng.choice(areas),
            organisation=organisations[rng.choice(["sf_centrum", "lpo_city"])],
            confidentiality=rng.choice(list(Confidentiality.values)),
            description="Observation",
            source_kind=SourceKind.FIELD_OBSERVATION,
        )
        for _ in range(count)
    )


@pytest.mark.parametrize("count", [10, 200])
def test_it_compiles_figures_in_a_fixed_number_of_queries(
    django_assert_max_num_queries, centrum, organisations, draft, social_centrum, count
):
    _bulk(centrum, organisations, count)
    social_centrum = type(social_centrum).objects.get(pk=social_centrum.pk)

    # 9: with the GROUP BY by mellanområde and the population figures (issue #11).
    with django_assert_max_num_queries(9):
        figures = situation_figures_present(
            figures=situation_figures_for_picture(picture=draft, user=social_centrum)
        )
        situation_chart_svg(figures=figures)

    assert figures.total.current.count


@pytest.mark.parametrize("count", [10, 200])
def test_it_shows_the_detail_page_in_a_fixed_number_of_queries(
    client, django_assert_max_num_queries, centrum, organisations, draft, police_centrum, count
):
    _bulk(centrum, organisations, count)
    client.force_login(police_centrum)

    with django_assert_max_num_queries(18):
        response = client.get(reverse("incidents:situationpicture_detail", args=[draft.pk]))

    assert response.status_code == 200


# --- Periods the data do not reach (issue #13) ---------------------------------------------------


def test_it_shows_no_figure_and_no_change_for_a_period_before_the_first_report(
    centrum, organisations
):
    # The data begin in December 2024: the same quarter last year (Q1 2024) has none, and
    # the previous quarter (Q4 2024) only from its third month, so neither is compared.
    _report(centrum, organisations["sf_centrum"], when=_at(date(2024, 12, 5)))
    for day in (10, 11, 12):
        _report(centrum, organisations["sf_centrum"], when=_at(date(2025, 2, day)))
    figures = situation_figures_compute(
        reports=shared_reports(), district=centrum, period=Q1_2025, basis=BASIS_PARTNERSHIP
    )
    assert figures["data_from"] == "2024-12-05"
    shown = situation_figures_present(figures=figures)
    assert shown.without_data and shown.data_from == date(2024, 12, 5)
    total = shown.total
    assert (total.current.display, total.previous.display, total.last_year.display) == (
        "3",
        "–",
        "–",
    )
    assert not total.previous.url and not total.last_year.url
    assert (total.change_previous.absolute, total.change_previous.percent) == ("–", "–")
    assert (total.change_last_year.absolute, total.change_last_year.percent) == ("–", "–")
    assert "–" in situation_chart_svg(figures=shown)
    # The API says so too: no count to compare, and from which day the data run.
    from incidents.api.serializers import FiguresSerializer

    data = FiguresSerializer(shown).data
    assert data["data_from"] == "2024-12-05"
    assert data["total"]["last_year"] == {"count": 0, "display": "–", "known": False}
    assert data["total"]["current"]["known"] is True


def test_it_compares_with_a_true_zero_once_the_data_reach_the_period(centrum, organisations):
    _report(centrum, organisations["sf_centrum"], when=_at(date(2023, 6, 1)))
    for day in (10, 11):
        _report(centrum, organisations["sf_centrum"], when=_at(date(2025, 2, day)))
    shown = situation_figures_present(
        figures=situation_figures_compute(
            reports=shared_reports(), district=centrum, period=Q1_2025, basis=BASIS_PARTNERSHIP
        )
    )
    assert not shown.without_data
    assert shown.total.last_year.display == "0"
    # Two more than none: the difference is real, a percentage of nothing is not.
    assert (shown.total.change_last_year.absolute, shown.total.change_last_year.percent) == (
        "+2",
        "–",
    )


def test_it_reads_a_period_with_nothing_as_without_data_in_figures_frozen_before(
    centrum, organisations
):
    # Pictures frozen before ``data_from`` was recorded: a whole district without a single
    # report in a comparison period, while the current one has some, is a period not reached.
    for day in (10, 11):
        _report(centrum, organisations["sf_centrum"], when=_at(date(2025, 2, day)))
    figures = situation_figures_compute(
        reports=shared_reports(), district=centrum, period=Q1_2025, basis=BASIS_PARTNERSHIP
    )
    del figures["data_from"]
    total = situation_figures_present(figures=figures).total
    assert total.last_year.display == "–" and total.change_last_year.absolute == "–"
