"""A lägesbild that drafts itself (issue #12 item 4): what a new draft is pre-filled with.

Each section is checked against an independent computation on small data: the rates against
a count of the reports with the ORM, the previous picture's problems and the plan's measures
against what the test wrote. The drafts are written in Swedish whatever the test's language.
"""

from datetime import date, datetime, time
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.choices import Confidentiality
from analysis.draft import slots
from analysis.draft.slots import MeasureEffect
from areas.models import IntermediateArea, Population
from incidents.choices import PeriodKind, PictureStatus, ReportStatus, SourceKind
from incidents.models import Category, Report, SituationPicture
from incidents.selectors.situation import COUNTED_STATUSES, Period
from incidents.selectors.situation_basis import BasisLink, situation_basis_present
from incidents.services.situation import situation_picture_create, situation_picture_sign
from overview.services.rollup import rollup_changes
from plans.choices import PriorityLevel, ProblemStatus
from plans.models import ProblemReport
from plans.services.measures import follow_up_create, measure_create
from plans.services.plans import plan_create, plan_sign
from plans.services.priority import priority_decision_record
from plans.services.problems import problem_create
from tests.plans.conftest import THIS_YEAR, measure_data

PARTNERSHIP, ORGANISATION = Confidentiality.PARTNERSHIP, Confidentiality.ORGANISATION
Q1 = Period.starting(PeriodKind.QUARTER, date(THIS_YEAR, 1, 1))


def _report(district, organisation, day, *, area=None, level=PARTNERSHIP, **extra):
    return Report.objects.create(
        category=Category.objects.get(code=extra.pop("code", "narkotikahandel")),
        occurred_at=timezone.make_aware(datetime.combine(day, time(12))),
        district=district,
        intermediate_area=area,
        organisation=organisation,
        confidentiality=level,
        description="Langning vid torget",
        source_kind=SourceKind.FIELD_OBSERVATION,
        **extra,
    )


def _draft(actor, district, period=Q1) -> SituationPicture:
    return situation_picture_create(
        actor=actor, district=district, period_kind=period.kind, period_start=period.start
    )


def _section(picture, key):
    return next(s for s in situation_basis_present(picture.basis).sections if s.key == key)


def _number(text: str) -> float:
    return float(text.replace("\u00a0", "").replace(",", "."))


@pytest.fixture
def action_plan(centrum, organisations, social_centrum, police_centrum):
    """Centrum's plan for this year, a draft."""
    return plan_create(
        actor=social_centrum,
        district=centrum,
        period_start=date(THIS_YEAR, 1, 1),
        period_end=date(THIS_YEAR, 12, 31),
        social_services=organisations["sf_centrum"],
        police=organisations["lpo_city"],
    ).obj


@pytest.fixture
def drugs(centrum, social_centrum):
    return problem_create(
        actor=social_centrum, district=centrum, title="Öppen narkotikahandel vid Brunnsparken"
    )[0].obj


@pytest.fixture
def presence(action_plan, drugs, organisations, social_centrum):
    """The police's presence at the stops: at least 200 times this year."""
    return measure_create(
        actor=social_centrum,
        plan=action_plan,
        data=measure_data(
            [drugs],
            organisations["lpo_city"],
            title="Närvaro vid hållplatserna",
            target="Polisens närvaro minst 200 gånger",
            target_direction="at_least",
            target_value=200,
            target_unit="gånger",
        ),
    )[0].obj


@pytest.fixture
def reports(centrum, hisingen, organisations, areas):
    """Centrum in Q1: 3 shared reports in Norra Centrum, 1 in Haga, 2 in no mellanområde; the
    police's own 5 in Norra Centrum and a dismissed one, which no joint figure counts. Q4 of
    last year: 2 in Norra Centrum; Q1 of last year: 4. Hisingen: 3 in Q1."""
    sf, lpo = organisations["sf_centrum"], organisations["lpo_city"]
    feb, nov = date(THIS_YEAR, 2, 10), date(THIS_YEAR - 1, 11, 5)
    for _ in range(3):
        _report(centrum, sf, feb, area=areas["norra"])
    _report(centrum, sf, date(THIS_YEAR, 3, 3), area=areas["haga"])
    for _ in range(2):
        _report(centrum, sf, date(THIS_YEAR, 1, 2))
    for _ in range(5):
        _report(centrum, lpo, feb, area=areas["norra"], level=ORGANISATION)
    _report(centrum, sf, feb, area=areas["haga"], status=ReportStatus.DISMISSED)
    for _ in range(2):
        _report(centrum, sf, nov, area=areas["norra"])
    for _ in range(4):
        _report(centrum, sf, date(THIS_YEAR - 1, 2, 1))
    for _ in range(3):
        _report(hisingen, organisations["sf_hisingen"], feb)
    rollup_changes()


def _expected(district, period: Period, **filters) -> int:
    """The reports a joint figure counts, counted with the ORM (not from the rollups)."""
    return Report.objects.filter(
        period.as_filter(),
        district=district,
        confidentiality=PARTNERSHIP,
        status__in=COUNTED_STATUSES,
        **filters,
    ).count()


# --- The district and its mellanområden ----------------------------------------------------------


def test_it_prefills_a_new_draft_with_the_districts_rates(reports, centrum, areas, social_centrum):
    picture = _draft(social_centrum, centrum)

    section = _section(picture, "rates")
    rows = {row.label.text: row for row in section.rows}
    district = rows["Centrum"]
    current, previous = _expected(centrum, Q1), _expected(centrum, Q1.previous())
    assert (current, previous) == (6, 2)
    assert [cell.text for cell in district.values[:3]] == ["6", "2", "+200\u00a0%"]
    population = (
        Population.objects.filter(district=centrum, year__lte=THIS_YEAR).order_by("-year").first()
    )
    assert _number(district.values[3].text) == pytest.approx(
        current * 1000 / population.population, abs=0.05
    )
    areas_km2 = sum(float(a.area_km2) for a in IntermediateArea.objects.filter(district=centrum))
    assert _number(district.values[4].text) == pytest.approx(current / areas_km2, abs=0.05)
    for key in ("norra", "haga"):
        area = areas[key]
        row = rows[area.name]
        count = _expected(centrum, Q1, intermediate_area=area)
        assert row.level == 1
        assert int(row.values[0].text) == count
        assert int(row.values[1].text) == _expected(centrum, Q1.previous(), intermediate_area=area)
        assert _number(row.values[4].text) == pytest.approx(count / float(area.area_km2), abs=0.05)
    # Every mellanområde of the district is listed, and nothing of another district.
    assert len(section.rows) == 1 + IntermediateArea.objects.filter(district=centrum).count()


def test_it_writes_the_rates_as_a_swedish_starting_text(reports, centrum, areas, social_centrum):
    picture = _draft(social_centrum, centrum)

    population = (
        Population.objects.filter(district=centrum, year__lte=THIS_YEAR).order_by("-year").first()
    )
    per_1000 = 6 * 1000 / population.population
    rate = f"{per_1000:.{1 if per_1000 >= 10 else 2}f}".replace(".", ",")
    assert picture.summary.startswith(
        f"Under kvartal 1 {THIS_YEAR} registrerades 6 rapporter i Centrum, {rate} per "
        f"1\u00a0000 invånare. Det är 200\u00a0% fler än under kvartal 4 {THIS_YEAR - 1} (2) "
        f"och 50\u00a0% fler än under kvartal 1 {THIS_YEAR - 1} (4)."
    )
    assert "Flest rapporter per km² registrerades i Norra Centrum (" in picture.summary
    assert "gånger stadsområdets" in picture.summary


def test_it_links_each_figure_to_the_shared_reports_behind_it(
    reports, centrum, areas, social_centrum
):
    picture = _draft(social_centrum, centrum)

    section = _section(picture, "rates")
    norra = next(row for row in section.rows if row.label.text == "Norra Centrum")
    url = norra.values[0].url
    assert url.startswith("/rapporter/") or "district=centrum" in url
    for part in (
        "district=centrum",
        f"intermediate_area={areas['norra'].code}",
        f"occurred_after={THIS_YEAR}-01-01",
        f"occurred_before={THIS_YEAR}-03-31",
        "confidentiality=partnership",
        "status=new",
    ):
        assert part in url
    district = section.rows[0]
    assert district.url.startswith("/oversikt/centrum/?period=quarter")
    assert district.source == f"Översikten för Centrum, kvartal 1 {THIS_YEAR}"
    assert "Hela staden ingår inte i lägesbilden" in section.note


def test_it_counts_no_organisation_level_report_in_the_basis(
    reports, centrum, areas, organisations, social_centrum
):
    picture = _draft(social_centrum, centrum)
    before = picture.basis["sections"]

    for _ in range(7):
        _report(
            centrum,
            organisations["lpo_city"],
            date(THIS_YEAR, 2, 20),
            area=areas["haga"],
            level=ORGANISATION,
        )
    rollup_changes()
    from incidents.selectors.situation_basis import situation_basis_compute

    assert situation_basis_compute(picture=picture)["sections"] == before


# --- The previous picture's problems -----------------------------------------------------------


@pytest.fixture
def history(centrum, organisations, social_centrum, manager_social_centrum, manager_police_centrum):
    """Two problems when last year's Q4 picture was agreed, B prioritised then; since then A
    resolved, B put on watch and a problem C named. B's linked shared reports: 2 in Q4, 1 in Q1
    (and a police-only one, not counted)."""
    a, _ = problem_create(actor=social_centrum, district=centrum, title="Klotter vid Järntorget")
    b, _ = problem_create(
        actor=social_centrum, district=centrum, title="Narkotikahandel vid Brunnsparken"
    )
    a, b = a.obj, b.obj
    priority_decision_record(
        actor=social_centrum, problem=b, level=PriorityLevel.PRIORITISED, reason="Ökar."
    )
    previous = _draft(social_centrum, centrum, Q1.previous())
    situation_picture_sign(actor=manager_social_centrum, picture=previous)
    situation_picture_sign(actor=manager_police_centrum, picture=previous)
    previous.refresh_from_db()
    assert previous.status == PictureStatus.AGREED

    priority_decision_record(
        actor=social_centrum, problem=b, level=PriorityLevel.WATCH, reason="Lugnare."
    )
    a.status = ProblemStatus.RESOLVED
    a.save(update_fields=["status", "updated_at"])
    c, _ = problem_create(actor=social_centrum, district=centrum, title="Ny: bilbränder")
    sf, lpo = organisations["sf_centrum"], organisations["lpo_city"]
    for day, organisation, level in (
        (date(THIS_YEAR - 1, 11, 1), sf, PARTNERSHIP),
        (date(THIS_YEAR - 1, 12, 1), sf, PARTNERSHIP),
        (date(THIS_YEAR, 2, 1), sf, PARTNERSHIP),
        (date(THIS_YEAR, 2, 2), lpo, ORGANISATION),
    ):
        report = _report(centrum, organisation, day, level=level)
        ProblemReport.objects.create(problem=b, report=report)
    return {"a": a, "b": b, "c": c.obj, "previous": previous}


def test_it_lists_the_previous_pictures_problems_with_what_became_of_them(
    history, centrum, social_centrum, action_plan, organisations
):
    measure_create(
        actor=social_centrum,
        plan=action_plan,
        data=measure_data([history["b"]], organisations["lpo_city"], title="Kameror"),
    )
    picture = _draft(social_centrum, centrum)

    section = _section(picture, "previous_problems")
    rows = {row.label.text: [cell.text for cell in row.values] for row in section.rows}
    assert list(rows) == ["Klotter vid Järntorget", "Narkotikahandel vid Brunnsparken"]
    assert rows["Klotter vid Järntorget"][:2] == ["Löst", "–"]
    assert rows["Narkotikahandel vid Brunnsparken"] == [
        "Aktiv",
        "Prioriterat → Bevakas",
        "2",
        "1",
        "1 (1 ej påbörjad)",
    ]
    assert section.rows[1].url == f"/problem/{history['b'].pk}/"
    assert section.url.endswith(f"/{history['previous'].pk}/")
    assert picture.developments.startswith(
        f"Lägesbilden för kvartal 4 {THIS_YEAR - 1} tog upp 2 problem. "
        "Status i dag: 1 aktivt och 1 löst."
    )
    assert (
        "– Narkotikahandel vid Brunnsparken: aktiv, prioriteringen ändrad från prioriterat till "
        f"bevakas; 1 kopplad rapport under perioden mot 2 under kvartal 4 {THIS_YEAR - 1}; "
        "1 åtgärd (1 ej påbörjad)." in picture.developments
    )
    # The new picture records what it stands on, for the next one.
    assert sorted(_section(picture, "previous_problems").data["active_problem_ids"]) == sorted(
        [history["b"].pk, history["c"].pk]
    )


def test_it_finds_the_problems_of_a_picture_agreed_before_drafts_had_a_basis(
    history, centrum, social_centrum
):
    SituationPicture.objects.filter(pk=history["previous"].pk).update(basis={})
    closed_long_ago, _ = problem_create(actor=social_centrum, district=centrum, title="Gammalt")
    long_ago = timezone.make_aware(datetime(THIS_YEAR - 2, 1, 1))
    type(closed_long_ago.obj).objects.filter(pk=closed_long_ago.obj.pk).update(
        status=ProblemStatus.ARCHIVED, created_at=long_ago, updated_at=long_ago
    )

    picture = _draft(social_centrum, centrum)

    titles = [row.label.text for row in _section(picture, "previous_problems").rows]
    # Not C (named after the picture was agreed), nor the one archived before its period.
    assert titles == ["Klotter vid Järntorget", "Narkotikahandel vid Brunnsparken"]


def test_it_says_when_there_is_no_earlier_picture(reports, centrum, social_centrum):
    picture = _draft(social_centrum, centrum)

    section = _section(picture, "previous_problems")
    assert section.rows == ()
    assert section.note == "Centrum har ingen tidigare fastställd lägesbild att följa upp."
    assert picture.developments == ""


# --- The plan's measures -------------------------------------------------------------------------


def test_it_lists_the_plans_measures_with_status_and_latest_follow_up(
    centrum,
    social_centrum,
    police_centrum,
    manager_social_centrum,
    manager_police_centrum,
    action_plan,
    presence,
    drugs,
    organisations,
):
    if timezone.localdate() == date(THIS_YEAR, 1, 1):
        pytest.skip("A measure ending today is not yet delayed.")
    measure_create(
        actor=social_centrum,
        plan=action_plan,
        data=measure_data(
            [drugs],
            organisations["sf_centrum"],
            start_date=date(THIS_YEAR, 1, 1),
            end_date=date(THIS_YEAR, 1, 1),
        ),
    )
    plan_sign(actor=manager_social_centrum, plan=action_plan)
    plan_sign(actor=manager_police_centrum, plan=action_plan)
    follow_up_create(
        actor=police_centrum,
        measure=type(presence).objects.get(pk=presence.pk),  # of the plan as agreed
        date=date(THIS_YEAR, 2, 1),
        status="started",
        indicator_value=Decimal("120"),
    )

    picture = _draft(social_centrum, centrum)

    section = _section(picture, "measures")
    rows = {row.label.text: [cell.text for cell in row.values] for row in section.rows}
    assert rows["Närvaro vid hållplatserna"] == [
        "LPO City",
        f"{THIS_YEAR}-01-01–{THIS_YEAR}-12-31",
        "Påbörjad",
        f"{THIS_YEAR}-02-01, påbörjad, 120 gånger (mål minst 200)",
    ]
    assert rows["Sanera klotter"][2:] == ["Försenad", "Ingen ännu"]
    assert section.url == f"/planer/{action_plan.pk}/"
    assert picture.assessment == (
        f"Åtgärdsplanen {THIS_YEAR} har 2 åtgärder: 1 påbörjad och 1 försenad. "
        f"Försenade: Sanera klotter (Socialförvaltning Centrum, skulle vara klar "
        f"{THIS_YEAR}-01-01)."
    )
    # No effect is measured yet: no such column.
    assert "Uppmätt effekt" not in section.columns


def test_it_shows_the_measured_effect_once_the_slot_is_filled(
    centrum, social_centrum, presence, monkeypatch
):
    def effect(item, context):
        assert context.district_ids == frozenset({centrum.pk})
        return MeasureEffect(
            "−30\u00a0%",
            "minskade med 30\u00a0% jämfört med jämförelseområdet.",
            BasisLink.to("plans:measure_detail", item.pk),
        )

    monkeypatch.setattr(slots, "measure_effect", effect)
    picture = _draft(social_centrum, centrum)

    section = _section(picture, "measures")
    assert section.columns[-1] == "Uppmätt effekt"
    assert section.rows[0].values[-1].text == "−30\u00a0%"
    assert (
        "Närvaro vid hållplatserna: minskade med 30\u00a0% jämfört med jämförelseområdet."
        in picture.assessment
    )


def test_it_says_when_the_district_has_no_plan(centrum, social_centrum):
    picture = _draft(social_centrum, centrum)

    section = _section(picture, "measures")
    assert section.rows == ()
    assert section.note == f"Centrum har ingen åtgärdsplan för kvartal 1 {THIS_YEAR}."
