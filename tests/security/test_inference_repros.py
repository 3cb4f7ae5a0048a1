"""The repros of issue #9's probe, items 1 and 2, each as it was tried: none works any more.

1. Small counts undone by subtraction: the API (by=district against by=district&source_kind),
   a dashboard (a main category against its shown subcategories) and an agreed lägesbild
   (the previous period's total against its main categories).
2. The priority breakdown: counts, share, trend and average severity of reports the viewer
   may not read, and "N linked reports" beside "M you may read".
"""

import copy
import importlib
from datetime import date, datetime, time

import pytest
from django.apps import apps
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.api.services import api_client_create
from accounts.choices import ApiScope, Confidentiality
from incidents.choices import PeriodKind, PictureStatus, SourceKind
from incidents.models import Category, Report, SituationPicture
from incidents.selectors.situation import (
    Period,
    picture_period,
    situation_figures_compute,
)
from incidents.services.situation import situation_picture_create, situation_picture_sign
from overview.selectors.periods import period_value
from overview.services.rollup import rollup_changes
from plans.choices import PriorityLevel
from plans.models import PriorityDecision, Problem, ProblemReport
from plans.selectors.priority import PriorityScore, priority_scores
from plans.services.priority import priority_decision_record

PUBLIC = Confidentiality.PARTNERSHIP
POLICE_ONLY = Confidentiality.ORGANISATION
Q1_2025 = Period.starting(PeriodKind.QUARTER, date(2025, 1, 1))


def _at(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(12)))


@pytest.fixture
def report(geography, organisations):
    categories = {c.code: c for c in Category.objects.all()}

    def make(district, organisation, level, code, day, *, source=SourceKind.FIELD_OBSERVATION):
        return Report.objects.create(
            category=categories[code],
            occurred_at=_at(day),
            district=geography[district],
            organisation=organisations[organisation],
            confidentiality=level,
            source_kind=source,
            severity=3,
            description="Observation",
        )

    return make


# --- 1. Subtraction -------------------------------------------------------------------------------


def test_it_gives_a_housing_token_no_hidden_source_by_subtraction(geography, organisations, report):
    """Centrum, November: a police report at level organisation, source partner_system, among
    the housing company's own. Total by district minus the other sources gave it away."""
    november = date(2025, 11, 12)
    for _ in range(4):
        report("centrum", "bostad", POLICE_ONLY, "skadegorelse", november)
    report("centrum", "bostad", PUBLIC, "klotter", november, source=SourceKind.PARTNER_SYSTEM)
    report("centrum", "lpo_city", POLICE_ONLY, "vald", november, source=SourceKind.PARTNER_SYSTEM)
    rollup_changes()
    token = api_client_create(
        name="bostad-statistik",
        organisation=organisations["bostad"],
        scopes=[ApiScope.OVERVIEW_READ],
        districts=[geography["nordost"], geography["centrum"]],
        expires_at=None,
    ).token
    api = APIClient()
    span = "grain=month&start=2025-11-01&end=2025-11-30"

    def rows(query):
        response = api.get(
            f"/api/v1/overview/counts/?{span}&{query}", HTTP_AUTHORIZATION=f"Bearer {token}"
        )
        assert response.status_code == 200, response.content
        return response.json()["results"]

    by_district = {row["district"]: row["reports"] for row in rows("by=district")}
    by_source = {
        (row["district"], row["source_kind"]): row["reports"]
        for row in rows("by=district&by=source_kind")
    }
    assert by_district == {"centrum": 5}
    assert by_source == {("centrum", "field_observation"): 4, ("centrum", "partner_system"): 1}
    # The difference that used to be the police's report is nothing.
    assert by_district["centrum"] - sum(by_source.values()) == 0


def test_it_gives_a_partner_no_hidden_subcategory_on_the_dashboard(client, partner, report):
    """``partner.bostad`` on /oversikt/nordost/: Brott 47, its shown subcategories 46, so the
    "Bilbrand <3" was 1. Now Brott counts what the partner reads, and so do its parts."""
    today = timezone.localdate()
    day = today.replace(day=1)
    for code, count in (("narkotikahandel", 3), ("vald", 2)):
        for _ in range(count):
            report("nordost", "bostad", PUBLIC, code, day)
    report("nordost", "lpo_city", POLICE_ONLY, "bilbrand", day)
    report("nordost", "lpo_city", PUBLIC, "vald", day)  # shared, yet not the partner's
    rollup_changes()

    client.force_login(partner)
    period = Period.starting(PeriodKind.MONTH, day)
    page = client.get(
        reverse("overview:district", args=["nordost"]), {"period": period_value(period)}
    )

    assert page.status_code == 200
    rows = {row.key: row for row in page.context["dashboard"].categories}
    assert rows["brott"].current.total == 5
    subcategories = [r for r in page.context["dashboard"].categories if r.level == 1]
    assert sum(r.current.total for r in subcategories) == 5
    assert "bilbrand" not in rows
    assert "&lt;3" not in page.content.decode()
    assert page.context["dashboard"].total.current.total == 5


@pytest.fixture
def agreed_q1(geography, report, social_centrum, manager_social_centrum, manager_police_centrum):
    """Centrum's Q1 2025 picture, agreed. The previous period (Q4 2024) holds shared reports
    in three main categories and one police-only report of Övrigt."""
    december = date(2024, 12, 10)
    for code, count in (("narkotikahandel", 4), ("klotter", 3), ("rykten-sociala-medier", 2)):
        for _ in range(count):
            report("centrum", "sf_centrum", PUBLIC, code, december)
    report("centrum", "lpo_city", POLICE_ONLY, "arrangemang", december)
    report("centrum", "sf_centrum", PUBLIC, "klotter", date(2025, 2, 3))
    picture = situation_picture_create(
        actor=social_centrum,
        district=geography["centrum"],
        period_kind=PeriodKind.QUARTER,
        period_start=Q1_2025.start,
    )
    situation_picture_sign(actor=manager_social_centrum, picture=picture)
    situation_picture_sign(actor=manager_police_centrum, picture=picture)
    picture.refresh_from_db()
    assert picture.status == PictureStatus.AGREED
    return picture


def test_it_gives_no_hidden_main_category_in_an_agreed_picture(social_centrum, agreed_q1):
    """``social.centrum`` on the agreed picture: the previous period's total minus the other
    main categories gave "Övrigt <3" = 1, the police's own report."""
    api = APIClient()
    api.force_login(social_centrum)
    response = api.get(f"/api/v1/situation-pictures/{agreed_q1.pk}/")
    assert response.status_code == 200, response.content
    figures = response.json()["figures"]
    previous = {
        row["label"]: row["previous"]["count"] for row in figures["categories"] if not row["level"]
    }
    assert figures["basis"] == "partnership"
    assert figures["total"]["previous"]["count"] == 9 == sum(previous.values())
    assert previous["Övrigt"] == 2  # the shared rumours only, not the police's event
    assert all(row["previous"]["display"] != "<3" for row in figures["categories"])
    assert figures["city"] == [] and figures["city_total"] is None

    page = APIClient()
    page.force_login(social_centrum)
    html = page.get(reverse("incidents:situationpicture_detail", args=[agreed_q1.pk]))
    assert "Siffrorna räknar rapporter som delas i samverkan." in html.content.decode()


def test_it_recomputes_pictures_agreed_on_every_report(agreed_q1, geography):
    """Pictures agreed before issue #9 froze every report ("all"): the data migration freezes
    them again on the shared base."""
    old = situation_figures_compute(
        reports=Report.objects.all(),
        district=geography["centrum"],
        period=picture_period(agreed_q1),
        basis="all",
    )
    assert old["total"]["counts"]["previous"] == 10
    SituationPicture.objects.filter(pk=agreed_q1.pk).update(figures=old)
    migration = importlib.import_module(
        "incidents.migrations.0005_refreeze_agreed_figures_on_shared_base"
    )

    migration.refreeze(apps, None)

    agreed_q1.refresh_from_db()
    assert agreed_q1.figures["basis"] == "partnership"
    assert agreed_q1.figures["total"]["counts"]["previous"] == 9
    assert agreed_q1.figures["recomputed_from"]["basis"] == "all"


# --- 2. The priority breakdown ------------------------------------------------------------------


def _problem(geography, user, reports) -> Problem:
    problem = Problem.objects.create(
        district=geography["centrum"], title="Problem", created_by=user
    )
    ProblemReport.objects.bulk_create(ProblemReport(problem=problem, report=r) for r in reports)
    return Problem.objects.select_related("district").get(pk=problem.pk)


def test_it_shows_no_figure_of_a_problems_hidden_reports(client, geography, report, social_centrum):
    """A problem linked only to police reports at level organisation showed ``social.centrum``
    "<3 linked reports" beside the exact share, trend and average severity."""
    today = timezone.localdate()
    hidden = [report("centrum", "lpo_city", POLICE_ONLY, "vald", today) for _ in range(2)]
    problem = _problem(geography, social_centrum, hidden)
    empty = _problem(geography, social_centrum, [])

    scores = priority_scores(problems=[problem, empty])

    # The same breakdown as a problem with no reports at all: nothing to subtract from.
    assert scores[problem.pk].as_json() == scores[empty.pk].as_json()
    client.force_login(social_centrum)
    page = client.get(reverse("plans:problem_detail", args=[problem.pk])).content.decode()
    assert "&lt;3" not in page and "<3" not in page
    assert "0 kopplade rapporter som delas i samverkan" in page


def test_it_never_counts_more_linked_reports_than_the_reader_may_read(
    client, geography, report, social_centrum, police_centrum
):
    """ "3 linked reports" stood next to "2 you may read": the third was the police's own."""
    today = timezone.localdate()
    linked = [report("centrum", "sf_centrum", PUBLIC, "vald", today) for _ in range(2)]
    linked.append(report("centrum", "lpo_city", POLICE_ONLY, "vald", today))
    problem = _problem(geography, social_centrum, linked)

    score = priority_scores(problems=[problem])[problem.pk]
    frequency = next(c for c in score.components if c.criterion == "frequency")
    assert frequency.inputs["reports"] == 2

    for reader, readable in ((social_centrum, 2), (police_centrum, 3)):
        client.force_login(reader)
        page = client.get(reverse("plans:problem_detail", args=[problem.pk]))
        assert page.context["report_count"] == readable
        # The priority's count is the same for both, and never above what either reads.
        assert page.context["score"].as_json() == score.as_json()
        assert frequency.inputs["reports"] <= page.context["report_count"]


def test_it_rescores_decisions_that_counted_hidden_reports(geography, report, social_centrum):
    """Decisions recorded before issue #9 kept a breakdown of every linked report: the data
    migration re-scores their report criteria on the shared base."""
    today = timezone.localdate()
    linked = [report("centrum", "sf_centrum", PUBLIC, "vald", today)]
    linked += [report("centrum", "lpo_city", POLICE_ONLY, "vald", today) for _ in range(2)]
    problem = _problem(geography, social_centrum, linked)
    decision = priority_decision_record(
        actor=social_centrum, problem=problem, level=PriorityLevel.PRIORITISED, reason="Ökar."
    ).obj
    now = decision.breakdown
    legacy = copy.deepcopy(now)
    for component in legacy["components"]:
        if component["criterion"] == "frequency":
            component["inputs"] |= {"reports": 3, "restricted": 2}
            component["points"] = "9.9"
    PriorityDecision.objects.filter(pk=decision.pk).update(breakdown=legacy, score="99.9")
    migration = importlib.import_module("plans.migrations.0004_rescore_decisions_on_shared_base")

    migration.rescore(apps, None)

    decision.refresh_from_db()
    frequency = next(c for c in decision.breakdown["components"] if c["criterion"] == "frequency")
    assert frequency["inputs"] == {"reports": 1, "full_at": frequency["inputs"]["full_at"]}
    assert decision.breakdown["recomputed_from"]["basis"] == "all"
    assert decision.score == PriorityScore.from_json(now).total
    assert decision.level == PriorityLevel.PRIORITISED and decision.reason == "Ökar."
