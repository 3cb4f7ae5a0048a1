"""An analyst corrects a report's place or category: the services, who may (and may not), and
the report page, with the audit entries. The API and the list's "unplaced" filter are in
test_api.py; the overview's figures after a correction in tests/overview/test_corrections.py.
"""

import json
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.access import CORRECT, can, restrict
from areas.models import PrimaryArea
from core.exceptions import DomainError
from incidents.choices import PlacedBy
from incidents.models import Category, Report
from incidents.services.corrections import report_correct_category, report_correct_placement
from incidents.services.imports import police_events_import_file
from incidents.services.reports import (
    report_update,
)
from tests.incidents.corrections.conftest import (
    LIST,
    category_url,
    corrections_of,
    placement_url,
)

# --- The services ------------------------------------------------------------------------------


def test_it_places_an_unplaced_report_by_hand_and_audits_before_and_after(
    make_report, social_centrum, redbergsplatsen
):
    report = make_report(district=None)

    corrected = report_correct_placement(actor=social_centrum, report=report, place=redbergsplatsen)

    corrected.refresh_from_db()
    assert corrected.district_id == redbergsplatsen.district_id
    assert corrected.primary_area_id == redbergsplatsen.primary_area_id is not None
    assert corrected.place_id == redbergsplatsen.pk
    assert corrected.place_text == "Redbergsplatsen"
    assert corrected.placed_by == PlacedBy.MANUAL
    [entry] = corrections_of(report)
    assert entry.action == "report.place_corrected"
    assert entry.actor == social_centrum
    assert entry.details == {
        "changes": {
            "place": [None, redbergsplatsen.pk],
            "district": [None, redbergsplatsen.district_id],
            "primary_area": [None, redbergsplatsen.primary_area_id],
            "intermediate_area": [None, redbergsplatsen.primary_area.intermediate_area_id],
            "place_text": ["", "Redbergsplatsen"],
            "placed_by": [PlacedBy.UNPLACED, PlacedBy.MANUAL],
        }
    }


def test_it_hands_a_report_to_another_district_by_its_primary_area(
    make_report, police_centrum, centrum, hisingen, hisingen_area
):
    # Placed in Centrum by a point, but the analyst knows better: the point stays as filed.
    report = make_report(latitude="57.70690", longitude="11.96760", placed_by=PlacedBy.POINT)

    report_correct_placement(actor=police_centrum, report=report, primary_area=hisingen_area)

    report.refresh_from_db()
    assert (report.district, report.primary_area) == (hisingen, hisingen_area)
    assert report.placed_by == PlacedBy.MANUAL
    assert str(report.latitude) == "57.70690"
    [entry] = corrections_of(report)
    assert entry.details["changes"]["district"] == [centrum.pk, hisingen.pk]


def test_placing_every_report_again_keeps_an_analysts_pick(
    make_report, police_centrum, hisingen, hisingen_area
):
    # The point lies in Centrum; the analyst moved the report to Hisingen. A later run of
    # ``replace_reports`` (new polygons, a better gazetteer) must not undo that.
    from incidents.services.placement import reports_place_again

    report = make_report(latitude="57.70690", longitude="11.96760", placed_by=PlacedBy.POINT)
    report_correct_placement(actor=police_centrum, report=report, primary_area=hisingen_area)

    reports_place_again()

    report.refresh_from_db()
    assert (report.district, report.primary_area) == (hisingen, hisingen_area)
    assert report.placed_by == PlacedBy.MANUAL
    assert report.intermediate_area_id == hisingen_area.intermediate_area_id


def test_it_places_by_a_district_alone_and_checks_a_district_given_with_a_place(
    make_report, social_centrum, centrum, hisingen, brunnsparken
):
    report = make_report(district=None)
    report_correct_placement(actor=social_centrum, report=report, district=centrum)
    report.refresh_from_db()
    assert (report.district, report.primary_area, report.place_text) == (centrum, None, "")
    assert report.placed_by == PlacedBy.MANUAL

    with pytest.raises(ValidationError) as refused:
        report_correct_placement(
            actor=social_centrum, report=report, place=brunnsparken, district=hisingen
        )
    assert "district" in refused.value.error_dict
    with pytest.raises(ValidationError):
        report_correct_placement(actor=social_centrum, report=report)
    with pytest.raises(ValidationError):
        report_correct_placement(
            actor=social_centrum,
            report=report,
            place=brunnsparken,
            primary_area=PrimaryArea.objects.filter(district=centrum).first(),
        )
    report.refresh_from_db()
    assert report.district == centrum and report.place is None
    assert len(corrections_of(report)) == 1


def test_it_writes_nothing_when_the_correction_changes_nothing(
    make_report, social_centrum, centrum
):
    report = make_report(district=None)
    report_correct_placement(actor=social_centrum, report=report, district=centrum)
    report_correct_placement(actor=social_centrum, report=report, district=centrum)
    report_correct_category(actor=social_centrum, report=report, category=report.category)
    assert len(corrections_of(report)) == 1


def test_it_keeps_a_manual_placement_when_the_owner_edits_the_text_only(
    make_report, social_centrum, centrum, nordost
):
    report = make_report(district=None)
    report_correct_placement(actor=social_centrum, report=report, district=centrum)

    # The gazetteer would place this text in Nordost: the analyst's placement stands.
    report_update(
        actor=social_centrum,
        report=report,
        changes={"description": "Langning i Hjällbo centrum på kvällen"},
    )
    report.refresh_from_db()
    assert (report.district, report.placed_by) == (centrum, PlacedBy.MANUAL)

    # A new point from the owner (Hjällbo centrum, DESIGN.md) places it again.
    report_update(
        actor=social_centrum,
        report=report,
        changes={"latitude": Decimal("57.76960"), "longitude": Decimal("12.02210")},
    )
    report.refresh_from_db()
    assert (report.district, report.placed_by) == (nordost, PlacedBy.POINT)


def test_it_corrects_the_category_and_audits_before_and_after(
    make_report, police_centrum, category, klotter
):
    report = make_report()

    report_correct_category(actor=police_centrum, report=report, category=klotter)

    report.refresh_from_db()
    assert report.category == klotter
    assert report.category_corrected
    [entry] = corrections_of(report)
    assert entry.action == "report.category_corrected"
    assert entry.details == {"changes": {"category": [category.pk, klotter.pk]}}


def test_it_refuses_a_category_no_longer_in_use(make_report, police_centrum, klotter):
    report = make_report()
    Category.objects.filter(pk=klotter.pk).update(is_active=False)
    klotter.refresh_from_db()
    with pytest.raises(ValidationError):
        report_correct_category(actor=police_centrum, report=report, category=klotter)
    assert not corrections_of(report)


def test_it_refuses_a_correction_by_anyone_but_the_districts_analysts(
    make_report, coordinator, police_hisingen, social_hisingen, klotter, nordost
):
    report = make_report(district="hisingen", organisation="sf_hisingen")
    for who in (coordinator, police_hisingen):
        with pytest.raises(DomainError) as refused:
            report_correct_category(actor=who, report=report, category=klotter)
        assert refused.value.code == "not_an_analyst"
        with pytest.raises(DomainError):
            report_correct_placement(actor=who, report=report, district=nordost)
    assert not corrections_of(report)
    report_correct_category(actor=social_hisingen, report=report, category=klotter)
    assert len(corrections_of(report)) == 1


def test_an_import_keeps_what_analysts_corrected(
    organisations, police_centrum, centrum, klotter, tmp_path
):
    police = organisations["lpo_city"]
    first = {
        "id": 77,
        "datetime": "2024-03-02 22:10:05 +01:00",
        "name": "2 mars 21:40, Misshandel, Göteborg",
        "summary": "En man misshandlad.",
        "url": "/aktuellt/handelser/2024/mars/2/x/",
        "type": "Misshandel",
        "location": {"name": "Göteborg", "gps": "57.70887,11.97456"},
    }
    path = tmp_path / "events.json"
    path.write_text(json.dumps([first]), encoding="utf-8")
    police_events_import_file(organisation=police, path=path)
    report = Report.objects.get(external_id="77")
    assert report.placed_by == PlacedBy.UNPLACED
    report_correct_placement(actor=police_centrum, report=report, district=centrum)
    report_correct_category(actor=police_centrum, report=report, category=klotter)

    # The feed says more about the event, a place the gazetteer knows among it: the text
    # follows, the analyst's place and category stay.
    path.write_text(
        json.dumps([{**first, "summary": "En man misshandlad i Hjällbo, gripen."}]),
        encoding="utf-8",
    )
    _run, summary = police_events_import_file(organisation=police, path=path)
    assert summary.updated == 1
    report.refresh_from_db()
    assert "gripen" in report.description
    assert (report.district, report.placed_by) == (centrum, PlacedBy.MANUAL)
    assert report.category == klotter


# --- Who may: accounts.access ----------------------------------------------------------------


CENTRUM_ANALYSTS = {
    "police_centrum",
    "manager_police_centrum",
    "social_centrum",
    "manager_social_centrum",
}
POLICE_CENTRUM = {"police_centrum", "manager_police_centrum"}
SOCIAL_CENTRUM = {"social_centrum", "manager_social_centrum"}


@dataclass(frozen=True)
class MayCorrect:
    report: str
    who: frozenset[str]


CORRECTORS = [
    MayCorrect("centrum_social", frozenset(CENTRUM_ANALYSTS)),
    # Police information the city may not read: the city's analysts may not correct it.
    MayCorrect("centrum_police_only", frozenset(POLICE_CENTRUM)),
    MayCorrect("hisingen_social", frozenset({"social_hisingen"})),
    # Placed nowhere: the owning organisation's analysts (the only staff who read it).
    MayCorrect("unplaced_police", frozenset(POLICE_CENTRUM)),
    MayCorrect("unplaced_social_centrum", frozenset(SOCIAL_CENTRUM)),
    # A partner's report in Nordost: no analyst there reads it; its reporters may not.
    MayCorrect("nordost_bostad", frozenset()),
    # The partner filed it and reads it, but curates nothing.
    MayCorrect("filed_by_partner_for_police", frozenset(POLICE_CENTRUM)),
]


@pytest.mark.parametrize("spec", CORRECTORS, ids=lambda spec: spec.report)
def test_it_lets_exactly_the_reports_analysts_correct_it(cast, reports, spec):
    report = reports[spec.report]
    allowed = {name for name, who in cast.items() if can(who, CORRECT, report)}
    assert allowed == set(spec.who)


def test_it_answers_can_correct_as_restrict_does(cast, reports):
    """The rule for one record in memory and the rule in SQL are one rule."""
    disagreements = []
    for name, who in cast.items():
        in_sql = set(restrict(Report.objects.all(), who, CORRECT).values_list("pk", flat=True))
        for key, report in reports.items():
            if can(who, CORRECT, report) != (report.pk in in_sql):
                disagreements.append(f"{name} {key}")
    assert disagreements == []


# --- The report page -------------------------------------------------------------------------


def test_it_offers_the_correction_forms_to_an_analyst_only(client, reports, cast):
    report = reports["centrum_social"]
    url = reverse("incidents:report_detail", args=[report.pk])
    client.force_login(cast["social_centrum"])
    page = client.get(url)
    assert page.context["may_correct"]
    body = page.content.decode()
    assert placement_url(report) in body and category_url(report) in body
    # Every field has its label (keyboard and screen reader).
    assert 'for="id_place_name"' in body and 'for="id_district"' in body
    assert 'for="id_category"' in body
    client.force_login(cast["coordinator"])
    page = client.get(url)
    assert page.status_code == 200 and not page.context["may_correct"]
    assert placement_url(report) not in page.content.decode()


def test_it_places_a_report_from_its_page(client, reports, cast, brunnsparken):
    report = reports["unplaced_social_centrum"]
    client.force_login(cast["social_centrum"])
    response = client.post(placement_url(report), {"place_name": "brunnsparken", "district": ""})
    assert response.status_code == 302
    assert response["Location"] == reverse("incidents:report_detail", args=[report.pk])
    report.refresh_from_db()
    assert (report.place, report.placed_by) == (brunnsparken, PlacedBy.MANUAL)
    assert [e.action for e in corrections_of(report)] == ["report.place_corrected"]


def test_it_says_what_is_wrong_and_keeps_what_was_typed(client, reports, cast, hisingen):
    report = reports["unplaced_social_centrum"]
    client.force_login(cast["social_centrum"])
    unknown = client.post(placement_url(report), {"place_name": "Atlantis", "district": ""})
    assert unknown.status_code == 422
    assert "Atlantis" in unknown.context["placement_form"].errors["place_name"][0]
    assert 'value="Atlantis"' in unknown.content.decode()
    nothing = client.post(placement_url(report), {"place_name": "", "district": ""})
    assert nothing.status_code == 422
    assert nothing.context["placement_form"].non_field_errors()
    mismatch = client.post(
        placement_url(report), {"place_name": "Brunnsparken", "district": hisingen.pk}
    )
    assert mismatch.status_code == 422
    assert mismatch.context["placement_form"].errors["district"]
    bad_category = client.post(category_url(report), {"category": "999999"})
    assert bad_category.status_code == 422
    report.refresh_from_db()
    assert report.district is None and report.placed_by == PlacedBy.UNPLACED
    assert not corrections_of(report)


def test_it_sends_an_analyst_to_the_list_when_the_report_left_their_reach(
    client, reports, cast, centrum, hisingen
):
    client.force_login(cast["social_centrum"])
    own = reports["unplaced_social_centrum"]
    response = client.post(placement_url(own), {"place_name": "", "district": centrum.pk})
    assert response["Location"] == reverse("incidents:report_detail", args=[own.pk])
    # Handed over to Hisingen, the report is no longer social_centrum's to read.
    shared = reports["centrum_social"]
    response = client.post(placement_url(shared), {"place_name": "", "district": hisingen.pk})
    assert response.status_code == 302 and response["Location"] == LIST
    assert client.get(reverse("incidents:report_detail", args=[shared.pk])).status_code == 404


@dataclass(frozen=True)
class PageRefusal:
    who: str
    report: str
    status: int  # 404 where the report is unreadable, 403 where it is read but not curated


PAGE_REFUSALS = [
    PageRefusal("social_centrum", "centrum_police_only", 404),
    PageRefusal("social_hisingen", "centrum_social", 404),
    PageRefusal("social_centrum", "unplaced_police", 404),
    PageRefusal("police_hisingen", "hisingen_social", 403),
    PageRefusal("coordinator", "centrum_social", 403),
    PageRefusal("coordinator", "unplaced_social_centrum", 403),
    PageRefusal("partner", "nordost_bostad", 403),
    PageRefusal("partner", "filed_by_partner_for_police", 403),
    PageRefusal("administrator", "centrum_social", 404),
    PageRefusal("outsider", "centrum_social", 404),
]


@pytest.mark.parametrize("spec", PAGE_REFUSALS, ids=lambda s: f"{s.who}-{s.report}")
def test_it_refuses_a_correction_on_the_page(client, cast, reports, klotter, nordost, spec):
    report = reports[spec.report]
    before = Report.objects.values().get(pk=report.pk)
    client.force_login(cast[spec.who])
    placed = client.post(placement_url(report), {"place_name": "", "district": nordost.pk})
    recategorised = client.post(category_url(report), {"category": klotter.pk})
    assert (placed.status_code, recategorised.status_code) == (spec.status, spec.status)
    assert Report.objects.values().get(pk=report.pk) == before
    assert not corrections_of(report)


def test_it_sends_the_anonymous_to_the_login(client, reports, nordost):
    report = reports["centrum_social"]
    response = client.post(placement_url(report), {"district": nordost.pk})
    assert response.status_code == 302 and "login" in response["Location"]
    assert Report.objects.get(pk=report.pk).district_id != nordost.pk
