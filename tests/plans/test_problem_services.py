"""Problems: naming, linking reports (and their status), the cause analysis, edit conflicts."""

import pytest
from django.core.exceptions import ValidationError

from accounts.choices import Confidentiality
from core.exceptions import DomainError
from core.identity_numbers import MASK
from incidents.choices import ReportStatus
from plans.choices import ProblemStatus
from plans.models import Cause, Problem
from plans.services.measures import measure_create
from plans.services.problems import (
    CauseInput,
    ProblemConflict,
    problem_analysis_update,
    problem_create,
    problem_link_reports,
    problem_unlink_report,
    problem_update,
)
from tests.plans.conftest import measure_data


def test_it_links_reports_and_marks_them_linked(
    make_report, problem, social_centrum, police_centrum
):
    new = make_report()
    reviewed = make_report(status=ReportStatus.REVIEWED)
    dismissed = make_report(status=ReportStatus.DISMISSED)
    elsewhere = make_report(district="hisingen", organisation="sf_hisingen")
    police_only = make_report(organisation="lpo_city", confidentiality=Confidentiality.ORGANISATION)

    result = problem_link_reports(
        actor=social_centrum,
        problem=problem,
        report_ids=[new.pk, reviewed.pk, dismissed.pk, elsewhere.pk, police_only.pk],
    )

    assert result.linked == sorted([new.pk, reviewed.pk])
    assert result.dismissed == [dismissed.pk]
    # Hisingen's report is not readable by a Centrum analyst; nor is the police's own.
    assert result.unreadable == 2
    for report in (new, reviewed):
        report.refresh_from_db()
        assert report.status == ReportStatus.LINKED
    again = problem_link_reports(actor=social_centrum, problem=problem, report_ids=[new.pk])
    assert again.already == [new.pk]
    # The police analyst may read and link the police's own report.
    assert problem_link_reports(
        actor=police_centrum, problem=problem, report_ids=[police_only.pk]
    ).linked == [police_only.pk]


def test_it_reviews_a_report_again_when_its_last_link_goes(make_report, problem, social_centrum):
    report = make_report()
    other = Problem.objects.create(
        district=problem.district, title="Annat problem", created_by=social_centrum
    )
    for each in (problem, other):
        problem_link_reports(actor=social_centrum, problem=each, report_ids=[report.pk])

    problem_unlink_report(actor=social_centrum, problem=problem, report=report)
    report.refresh_from_db()
    assert report.status == ReportStatus.LINKED  # still part of the other problem

    problem_unlink_report(actor=social_centrum, problem=other, report=report)
    report.refresh_from_db()
    assert report.status == ReportStatus.REVIEWED
    with pytest.raises(DomainError):
        problem_unlink_report(actor=social_centrum, problem=other, report=report)


@pytest.mark.parametrize(
    "who", ["reporter_centrum", "social_hisingen", "coordinator", "partner_centrum"]
)
def test_it_leaves_problems_to_the_districts_analysts(request, problem, centrum, make_report, who):
    user = request.getfixturevalue(who)
    with pytest.raises(DomainError):
        problem_create(actor=user, district=centrum, title="Nytt")
    with pytest.raises(DomainError):
        problem_link_reports(actor=user, problem=problem, report_ids=[make_report().pk])


def test_it_masks_identity_numbers_and_refuses_places_of_another_district(
    centrum, hisingen, social_centrum
):
    written, _links = problem_create(
        actor=social_centrum,
        district=centrum,
        title="Bråk vid torget",
        situation="Personen 811228-9874 syns ofta.",
    )
    assert MASK in written.obj.situation
    assert written.masked_identity_numbers == 1

    with pytest.raises(ValidationError) as refused:
        problem_create(
            actor=social_centrum,
            district=centrum,
            title="Fel plats",
            places=list(hisingen.places.all()[:1]),
        )
    assert "places" in refused.value.message_dict


def test_it_refuses_a_stale_problem_save(problem, social_centrum, police_centrum):
    fields = {
        "situation": "",
        "places": [],
        "primary_areas": [],
        "status": ProblemStatus.ACTIVE,
        "influence": 3,
        "influence_reason": "",
    }
    problem_update(actor=police_centrum, problem=problem, version=1, title="Polisens", **fields)

    with pytest.raises(ProblemConflict) as conflict:
        problem_update(actor=social_centrum, problem=problem, version=1, title="Vår", **fields)

    assert conflict.value.current.title == "Polisens"


def test_it_saves_the_cause_analysis_and_keeps_causes_a_measure_addresses(
    problem, plan, organisations, social_centrum
):
    triangle = {"offender": "Säljare", "place_manager": "Västtrafik"}
    written = problem_analysis_update(
        actor=social_centrum,
        problem=problem,
        version=problem.version,
        triangle=triangle,
        causes=[
            CauseInput("Mörkt", "situational", "short", "place"),
            CauseInput("Rekrytering", "social", "long", "offender"),
        ],
    )
    problem = written.obj
    assert problem.offender == "Säljare" and problem.place_manager == "Västtrafik"
    dark, recruiting = problem.causes.order_by("position")
    measure_create(
        actor=social_centrum,
        plan=plan,
        data=measure_data([problem], organisations["bostad"], causes=[dark]),
    )

    with pytest.raises(ValidationError) as kept:
        problem_analysis_update(
            actor=social_centrum,
            problem=problem,
            version=problem.version,
            triangle={},
            causes=[CauseInput("Rekrytering", "social", "long", pk=recruiting.pk)],
        )
    assert "Mörkt" in str(kept.value)
    assert Cause.objects.count() == 2

    problem_analysis_update(
        actor=social_centrum,
        problem=problem,
        version=problem.version,
        triangle={},
        causes=[
            CauseInput("Mörkt bakom hållplatsen", "situational", "short", pk=dark.pk),
        ],
    )
    assert list(problem.causes.values_list("description", flat=True)) == ["Mörkt bakom hållplatsen"]

    with pytest.raises(ValidationError):
        problem_analysis_update(
            actor=social_centrum,
            problem=problem,
            version=problem.version + 1,
            triangle={},
            causes=[CauseInput("", "situational", "short")],
        )
    with pytest.raises(ProblemConflict):
        problem_analysis_update(
            actor=social_centrum, problem=problem, version=1, triangle={}, causes=[]
        )


def test_it_links_reports_to_active_problems_only(make_report, problem, social_centrum):
    Problem.objects.filter(pk=problem.pk).update(status=ProblemStatus.RESOLVED)
    problem.refresh_from_db()
    with pytest.raises(DomainError):
        problem_link_reports(actor=social_centrum, problem=problem, report_ids=[make_report().pk])
