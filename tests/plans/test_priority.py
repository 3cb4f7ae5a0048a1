"""The priority score: each criterion from its source, the breakdown adding up to the score,
versioned weights (a decision keeps its own), the shared base of its report figures, and the
ranking."""

from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.utils import timezone

from accounts.choices import Confidentiality
from areas.models import PrimaryArea
from core.exceptions import DomainError
from incidents.choices import ReportStatus
from plans.choices import Criterion, PriorityLevel
from plans.models import PriorityWeights, Problem, ProblemReport, ResidentConcern
from plans.selectors.priority import (
    PriorityScore,
    priority_scores,
    priority_weights_current,
    ranked,
)
from plans.services.priority import priority_decision_record, priority_weights_create

WEIGHTS_V2 = {
    "frequency": 10,
    "trend": 10,
    "severity": 10,
    "concern": 10,
    "vulnerability": 10,
    "influence": 50,
}


def _problem(district, user, **fields) -> Problem:
    return Problem.objects.create(
        district=district, title=fields.pop("title", "Problem"), created_by=user, **fields
    )


def _link(problem, report):
    ProblemReport.objects.create(problem=problem, report=report)
    return report


@pytest.fixture
def superuser(db):
    from accounts.models import User

    return User.objects.create_superuser("root", password="test-password-123")


def test_it_computes_each_criterion_from_its_source(make_report, nordost, social_centrum):
    hjallbo = PrimaryArea.objects.get(code="612")  # särskilt utsatt område since 2023
    problem = _problem(nordost, social_centrum, influence=3, influence_reason="Går att påverka")
    problem.primary_areas.add(hjallbo)
    for days, severity in [(1, 4), (10, 4), (20, 2), (30, 2), (40, 3), (50, 3)]:
        _link(problem, make_report(district="nordost", hours_ago=24 * days, severity=severity))
    for days in (100, 150):
        _link(problem, make_report(district="nordost", hours_ago=24 * days, severity=1))
    _link(problem, make_report(district="nordost", hours_ago=24 * 300, severity=1))
    _link(problem, make_report(district="nordost", hours_ago=24 * 400, severity=4))  # too old
    _link(
        problem,
        make_report(
            district="nordost", hours_ago=24 * 5, severity=4, status=ReportStatus.DISMISSED
        ),
    )
    year = timezone.localdate().year
    ResidentConcern.objects.create(
        district=nordost, year=year - 1, level=5, basis="Enkät", entered_by=social_centrum
    )

    score = priority_scores(problems=[Problem.objects.select_related("district").get()])[problem.pk]

    parts = {c.criterion: c for c in score.components}
    assert parts[Criterion.FREQUENCY].inputs["reports"] == 9
    assert parts[Criterion.FREQUENCY].share == Decimal("0.18")  # 9 of 50
    assert (parts[Criterion.TREND].inputs["recent"], parts[Criterion.TREND].inputs["earlier"]) == (
        6,
        2,
    )
    assert parts[Criterion.TREND].share == Decimal("0.8")  # +4 against a base of 5
    # Average severity of the nine: (4+4+2+2+3+3+1+1+1)/9 = 21/9; (21/9 - 1) / 3 = 0.4444
    assert parts[Criterion.SEVERITY].share == Decimal("0.4444")
    assert parts[Criterion.CONCERN].inputs["year"] == year - 1  # the latest earlier year
    assert parts[Criterion.CONCERN].share == Decimal(1)
    assert parts[Criterion.VULNERABILITY].inputs["name"] == "Hjällbo"
    assert parts[Criterion.VULNERABILITY].share == Decimal(1)
    assert parts[Criterion.INFLUENCE].share == Decimal("0.5")
    assert "Går att påverka" in parts[Criterion.INFLUENCE].explanation


@pytest.mark.parametrize(
    "influence,reports,concern",
    [(None, 0, None), (1, 1, 1), (5, 7, 3), (2, 60, 5), (3, 13, 2)],
)
def test_it_adds_the_breakdown_up_to_the_score(
    make_report, centrum, social_centrum, influence, reports, concern
):
    problem = _problem(centrum, social_centrum, influence=influence)
    problem.places.add(centrum.places.get(slug="brunnsparken"))
    for index in range(reports):
        _link(problem, make_report(hours_ago=24 * (index * 7 % 200) + 1, severity=index % 4 + 1))
    if concern:
        ResidentConcern.objects.create(
            district=centrum,
            year=timezone.localdate().year,
            level=concern,
            basis="Dialog",
            entered_by=social_centrum,
        )
    weights = priority_weights_current()

    score = priority_scores(problems=[Problem.objects.select_related("district").get()])[problem.pk]

    assert sum(component.points for component in score.components) == score.total
    # Independently: each criterion's weight times its share, rounded half up to a tenth.
    expected = sum(
        (weights.weight(c.criterion) * c.share).quantize(Decimal("0.1"), ROUND_HALF_UP)
        for c in score.components
    )
    assert score.total == expected
    assert [c.criterion for c in score.components] == Criterion.values
    assert 0 <= score.total <= 100
    # Stored with a decision and read back, it still adds up and explains itself.
    again = PriorityScore.from_json(score.as_json())
    assert again.total == score.total
    assert [c.explanation for c in again.components] == [c.explanation for c in score.components]


def test_it_keeps_the_weights_a_decision_was_made_with(
    make_report, centrum, social_centrum, superuser
):
    problem = _problem(centrum, social_centrum, influence=5)
    _link(problem, make_report())
    first = priority_decision_record(
        actor=social_centrum, problem=problem, level=PriorityLevel.PRIORITISED, reason="Viktigt"
    ).obj
    assert first.weights.version == 1

    second_weights = priority_weights_create(
        actor=superuser, weights=WEIGHTS_V2, frequency_full_at=10, note="Mer vikt på påverkan"
    )
    second = priority_decision_record(
        actor=social_centrum, problem=problem, level=PriorityLevel.WATCH, reason="Följ"
    ).obj

    first.refresh_from_db()
    assert second_weights.version == 2
    assert first.weights.version == 1 and second.weights.version == 2
    assert PriorityScore.from_json(first.breakdown).weights_version == 1
    assert PriorityScore.from_json(first.breakdown).total == first.score
    # The new weights give the influence criterion 50 points, and the new decision has them.
    influence = {c["criterion"]: c for c in second.breakdown["components"]}["influence"]
    assert (influence["weight"], influence["points"]) == (50, "50.0")
    assert first.score != second.score
    assert priority_weights_current().version == 2
    assert PriorityWeights.objects.count() == 2  # version 1 is kept, not changed


def test_it_refuses_weights_that_do_not_add_up_to_100(superuser, db):
    wrong = WEIGHTS_V2 | {"influence": 51}
    with pytest.raises(ValidationError):
        priority_weights_create(actor=superuser, weights=wrong, frequency_full_at=50)
    with pytest.raises(IntegrityError):
        PriorityWeights.objects.create(version=9, frequency_full_at=50, **wrong)


def test_it_leaves_the_weights_to_administrators(social_centrum, administrator):
    with pytest.raises(DomainError):
        priority_weights_create(actor=social_centrum, weights=WEIGHTS_V2, frequency_full_at=50)
    made = priority_weights_create(actor=administrator, weights=WEIGHTS_V2, frequency_full_at=50)
    assert made.version == 2


def test_it_counts_only_the_reports_shared_in_the_partnership(
    make_report, centrum, social_centrum, police_centrum
):
    shared = _problem(centrum, social_centrum, title="Delad")
    _link(shared, make_report(severity=2))
    _link(shared, make_report(severity=2))
    with_police = _problem(centrum, social_centrum, title="Med polisens")
    _link(with_police, make_report(severity=2))
    _link(with_police, make_report(severity=2))
    for _ in range(2):
        _link(
            with_police,
            make_report(
                organisation="lpo_city", confidentiality=Confidentiality.ORGANISATION, severity=4
            ),
        )

    scores = priority_scores(problems=list(Problem.objects.select_related("district")))

    def components(problem):
        return {c.criterion: c for c in scores[problem.pk].components}

    # The police's two organisation-level reports change nothing: not the count, the trend,
    # the average severity or the score. The priority is one number for every reader.
    for criterion in ("frequency", "trend", "severity"):
        assert components(shared)[criterion].inputs == components(with_police)[criterion].inputs
    assert scores[shared.pk].total == scores[with_police.pk].total
    assert components(with_police)["frequency"].explanation.startswith(
        "2 linked reports shared in the partnership"
    )
    assert components(with_police)["severity"].inputs["average"].startswith("2.0")


def test_it_ranks_by_score_then_by_reports(make_report, centrum, social_centrum):
    low = _problem(centrum, social_centrum, title="A låg", influence=1)
    high = _problem(centrum, social_centrum, title="B hög", influence=5)
    tie_more = _problem(centrum, social_centrum, title="D fler", influence=1)
    _link(tie_more, make_report(hours_ago=24 * 200, severity=1))
    problems = list(Problem.objects.select_related("district"))

    # Influence 1 gives 0 points; one old report of severity 1 gives 0.5 frequency points.
    scores = priority_scores(problems=problems)

    assert [p.pk for p in ranked(problems, scores)] == [high.pk, tie_more.pk, low.pk]


def test_it_costs_the_same_queries_for_any_number_of_problems(
    make_report, centrum, social_centrum, django_assert_num_queries
):
    def scored(count):
        for index in range(count):
            problem = _problem(centrum, social_centrum, title=f"P{index}")
            _link(problem, make_report(hours_ago=index + 1))
            problem.places.add(centrum.places.get(slug="brunnsparken"))
        return list(Problem.objects.select_related("district"))

    few = scored(2)
    with django_assert_num_queries(6):
        priority_scores(problems=few)
    many = scored(30)
    with django_assert_num_queries(6):
        priority_scores(problems=many)


def test_it_dates_a_report_window_by_the_day_it_is_computed(make_report, centrum, social_centrum):
    problem = _problem(centrum, social_centrum)
    _link(problem, make_report(hours_ago=24 * 30))
    problem = Problem.objects.select_related("district").get()
    as_of = timezone.localdate() - timedelta(days=60)

    score = priority_scores(problems=[problem], as_of=as_of)[problem.pk]

    assert score.components[0].inputs["reports"] == 0  # the report lies after that day
