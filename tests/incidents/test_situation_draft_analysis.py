"""A lägesbild that drafts itself (issue #12 item 4): the sections the analysis fills, the
period's alerts and hotspots, and that the draft is computed as for the district's readers
whoever starts it. The rates, previous problems and measures: ``test_situation_draft``."""

from collections import Counter
from datetime import date, datetime, timedelta

import pytest
from django.utils import timezone

from analysis.draft import sections, slots
from analysis.draft.context import draft_context
from analysis.draft.slots import AlertRow, HotspotRow, alerts_section
from areas.models import IntermediateArea
from incidents.models import Category
from incidents.selectors.situation_basis import BasisLink
from overview.services.rollup import rollup_changes
from tests.incidents.test_situation_draft import (
    ORGANISATION,
    Q1,
    _draft,
    _expected,
    _number,
    _report,
    _section,
)
from tests.plans.conftest import THIS_YEAR

# --- The slots the rest of issue #12 fills -------------------------------------------------------


def test_it_leaves_out_alerts_and_hotspots_when_there_are_none(centrum, social_centrum):
    picture = _draft(social_centrum, centrum)

    keys = [section["key"] for section in picture.basis["sections"]]
    assert keys == ["rates", "previous_problems", "measures"]
    assert picture.basis["failed"] == []


def test_it_drafts_the_stored_alarms_of_the_district_in_the_period(
    centrum, hisingen, social_centrum
):
    from analysis.models import Alert, AlertLevel, AlertMethod

    category = Category.objects.filter(parent__isnull=True).order_by("code").first()

    def alarm(district, week):
        return Alert.objects.create(
            level=AlertLevel.DISTRICT, district=district, category=category, week=week,
            observed=14, expected=5.2, upper=11.4, score=1.4, p_value=0.001, alarm=True,
            method=AlertMethod.FARRINGTON, computed_at=timezone.now(),
        )  # fmt: skip

    alarm(centrum, date(THIS_YEAR, 2, 9))
    alarm(centrum, date(THIS_YEAR, 6, 1))  # after the quarter
    alarm(hisingen, date(THIS_YEAR, 2, 9))  # another district's
    picture = _draft(social_centrum, centrum)

    (section,) = [s for s in picture.basis["sections"] if s["key"] not in (
        "rates", "previous_problems", "measures")]  # fmt: skip
    assert len(section["rows"]) == 1
    assert "14" in str(section["rows"][0])


@pytest.fixture
def hotspot_reports(centrum, hisingen, organisations, areas):
    """Centrum in Q1: Norra Centrum 70 shared reports, every other mellanområde of Centrum 2
    per km² (the hotspots' exposure); the police's own 60 in Haga and Hisingen's 80 in one
    area, which the picture's readers may not all read (or which lie outside the district):
    they must make no hotspot."""
    sf, lpo = organisations["sf_centrum"], organisations["lpo_city"]
    feb = date(THIS_YEAR, 2, 10)
    others = (
        IntermediateArea.objects.defer("boundary")
        .filter(district=centrum)
        .exclude(pk=areas["norra"].pk)
    )
    for _ in range(70):
        _report(centrum, sf, feb, area=areas["norra"])
    for area in others:
        for _ in range(max(2, round(2 * float(area.area_km2)))):
            _report(centrum, sf, feb, area=area)
    for _ in range(60):
        _report(centrum, lpo, feb, area=areas["haga"], level=ORGANISATION)
    far = IntermediateArea.objects.defer("boundary").filter(district=hisingen).first()
    for _ in range(80):
        _report(hisingen, organisations["sf_hisingen"], feb, area=far)
    rollup_changes()


def test_it_drafts_the_districts_hotspots_of_the_period(
    hotspot_reports, centrum, areas, social_centrum
):
    picture = _draft(social_centrum, centrum)

    section = _section(picture, "hotspots")
    found = {(row.cells[0].text, row.cells[1].text): row for row in section.rows}
    category = Category.objects.get(code="narkotikahandel")
    main = category.parent or category
    assert set(found) == {("Norra Centrum", "Alla rapporter"), ("Norra Centrum", main.name)}
    row = found[("Norra Centrum", "Alla rapporter")]
    assert row.cells[2].text == str(_expected(centrum, Q1, intermediate_area=areas["norra"]))
    assert _number(row.cells[3].text) < 70 / 2  # expected from the district's rate per km²
    assert row.cells[4].text.endswith("per km²")
    assert row.cells[5].text.startswith("q ")
    assert row.link.url.startswith("/oversikt/") and "period=quarter" in row.link.url
    assert "Getis-Ord Gi*" in section.note
    assert picture.focus_places.startswith(
        f"Signifikant fler rapporter än förväntat under kvartal 1 {THIS_YEAR}: "
    )


def test_it_analyses_every_category_from_one_sum_as_each_alone(hotspot_reports, centrum):
    from overview.selectors.hotspots import hotspots_within, hotspots_within_by_category

    period = (Q1.start, Q1.end)
    mains = list(Category.objects.filter(parent__isnull=True).order_by("code"))
    together = hotspots_within_by_category(
        {centrum.pk}, period=period, categories=mains, district=centrum
    )
    assert [category for category, _analysis in together] == [None, *mains]
    for category, analysis in together:
        alone = hotspots_within({centrum.pk}, period=period, category=category, district=centrum)
        assert analysis == alone, category


def test_it_finds_the_same_hotspots_whoever_starts_the_draft(
    hotspot_reports, centrum, social_centrum, police_centrum
):
    """The police's draft does not see their own 60 confidential reports in Haga either."""
    first = _draft(social_centrum, centrum)
    ours = _section(first, "hotspots")
    first.delete()  # one picture per district and period
    theirs = _section(_draft(police_centrum, centrum), "hotspots")
    assert [[c.text for c in row.cells] for row in ours.rows] == [
        [c.text for c in row.cells] for row in theirs.rows
    ]


def test_it_drafts_the_alerts_and_hotspots_a_provider_returns(centrum, social_centrum, monkeypatch):
    link = BasisLink.to("overview:district", "centrum")
    alert = AlertRow(
        area="Norra Centrum",
        category="Narkotika",
        week=date(THIS_YEAR, 2, 9),
        observed=14,
        expected=5.2,
        upper=11.4,
        reading="händer mindre än en gång på hundra veckor",
        link=link,
        source="Larm, Norra Centrum",
    )
    hotspot = HotspotRow(
        area="Norra Centrum",
        category="Narkotika",
        observed=30,
        expected=12.5,
        rate="31,0 per km²",
        significance="q = 0,01",
        link=link,
        source="Hotspots, kvartal 1",
    )
    providers = list(sections.DRAFT_SECTIONS)
    providers[1] = lambda context: alerts_section(context, [alert], method="Farrington.")
    providers[2] = lambda context: slots.hotspots_section(context, [hotspot])
    monkeypatch.setattr(sections, "DRAFT_SECTIONS", providers)

    picture = _draft(social_centrum, centrum)

    alerts = _section(picture, "alerts")
    assert [cell.text for cell in alerts.rows[0].cells] == [
        "Norra Centrum",
        "Narkotika",
        f"{date(THIS_YEAR, 2, 9).isocalendar()[1]}/{THIS_YEAR}",
        "14",
        "5,2",
        "11,4",
        "händer mindre än en gång på hundra veckor",
    ]
    assert alerts.note.startswith("Farrington. Avsnittet bygger på rapporter som delas i")
    assert picture.developments.startswith(
        f"Under kvartal 1 {THIS_YEAR} gav trendbevakningen 1 larm: Narkotika i Norra Centrum vecka "
    )
    assert picture.focus_places == (
        f"Signifikant fler rapporter än förväntat under kvartal 1 {THIS_YEAR}: Narkotika i "
        "Norra Centrum (30 rapporter, 12,5 förväntade)."
    )


def test_it_drafts_the_rest_when_one_section_fails(centrum, social_centrum, monkeypatch):
    def broken(context):
        raise RuntimeError("the hotspots are down")

    broken.title = "Periodens hotspots"
    providers = list(sections.DRAFT_SECTIONS)
    providers[2] = broken
    monkeypatch.setattr(sections, "DRAFT_SECTIONS", providers)

    picture = _draft(social_centrum, centrum)

    assert picture.basis["failed"] == ["Periodens hotspots"]
    assert [s["key"] for s in picture.basis["sections"]] == [
        "rates",
        "previous_problems",
        "measures",
    ]


def test_it_drafts_as_for_the_district_whoever_starts_it(centrum, social_centrum):
    """The context carries the picture's district as the reach, never the creator's."""
    picture = _draft(social_centrum, centrum)
    context = draft_context(picture)
    assert context.district_ids == frozenset({centrum.pk})
    assert context.period == Q1
    assert Counter(s["field"] for s in picture.basis["sections"]) == {
        "summary": 1,
        "developments": 1,
        "assessment": 1,
    }
    assert (
        timedelta(0)
        <= timezone.now() - datetime.fromisoformat(picture.basis["computed_at"])
        < timedelta(minutes=1)
    )
