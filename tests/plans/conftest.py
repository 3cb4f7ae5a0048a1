"""Fixtures of the plans tests: a few more people beside the fixed cast, and a problem, a plan
and a measure in Centrum written through the services."""

from datetime import date

import pytest
from django.utils import timezone, translation

from accounts.choices import Role
from plans.forms.plans import MEASURE_ROW_FIELDS
from plans.models import Problem
from plans.services.measures import MeasureData, measure_create
from plans.services.plans import plan_create, plan_sign
from plans.services.problems import problem_create
from tests.conftest import _member
from tests.incidents.conftest import category, make_report  # noqa: F401 (fixtures)

THIS_YEAR = timezone.localdate().year


@pytest.fixture(autouse=True)
def english():
    """The tests read the services' messages; they are worded in English here."""
    with translation.override("en"):
        yield


@pytest.fixture
def reporter_centrum(organisations, centrum):
    """A social services field worker in Centrum: reads problems and plans, writes none."""
    return _member("reporter.social.centrum", organisations["sf_centrum"], Role.REPORTER, [centrum])


@pytest.fixture
def partner_centrum(organisations, centrum):
    """Housing company staff in Centrum: reads public measures only."""
    return _member("partner.centrum", organisations["bostad"], Role.ANALYST, [centrum])


@pytest.fixture
def manager_police_hisingen_only(organisations, hisingen):
    """A manager of the right organisation (LPO City) but in another district."""
    return _member("chef.lpocity.hisingen", organisations["lpo_city"], Role.MANAGER, [hisingen])


@pytest.fixture
def manager_lpo_hisingen_in_centrum(organisations, centrum):
    """A police manager in Centrum, but of an organisation that does not own the plan."""
    return _member("chef.lpohisingen", organisations["lpo_hisingen"], Role.MANAGER, [centrum])


@pytest.fixture
def problem(centrum, social_centrum, geography) -> Problem:
    written, _links = problem_create(
        actor=social_centrum,
        district=centrum,
        title="Öppen narkotikahandel vid Brunnsparken kvällstid",
        situation="Langning vid hållplatserna efter 20.",
        places=list(centrum.places.filter(slug="brunnsparken")),
        influence=4,
        influence_reason="Platsen går att påverka.",
    )
    return written.obj


@pytest.fixture
def plan(centrum, organisations, social_centrum, police_centrum):
    written = plan_create(
        actor=social_centrum,
        district=centrum,
        period_start=date(THIS_YEAR, 1, 1),
        period_end=date(THIS_YEAR, 12, 31),
        social_services=organisations["sf_centrum"],
        police=organisations["lpo_city"],
        summary="Fokus på kollektivtrafikens knutpunkter.",
    )
    return written.obj


def measure_data(problems, organisation, **overrides) -> MeasureData:
    values = {
        "title": "Sanera klotter",
        "responsible": organisation,
        "target": "Klotter borta inom 24 timmar",
        "target_direction": "at_most",
        "target_value": 24,
        "target_unit": "timmar",
        "start_date": date(THIS_YEAR, 1, 1),
        "end_date": date(THIS_YEAR, 12, 31),
        "problems": problems,
    }
    return MeasureData(**(values | overrides))


@pytest.fixture
def measure(plan, problem, organisations, social_centrum):
    written, _change = measure_create(
        actor=social_centrum,
        plan=plan,
        data=measure_data(
            [problem],
            organisations["lpo_city"],
            title="Närvaro vid hållplatserna",
            target="Polisens närvaro minst 200 gånger",
            target_direction="at_least",
            target_value=200,
            target_unit="gånger",
            is_public=True,
            public_text="Polisen är på plats vid hållplatserna kvällstid.",
        ),
    )
    return written.obj


@pytest.fixture
def agreed_plan(plan, measure, manager_social_centrum, manager_police_centrum):
    plan_sign(actor=manager_social_centrum, plan=plan)
    plan_sign(actor=manager_police_centrum, plan=plan)
    plan.refresh_from_db()
    return plan


def measure_data_of(measure, **overrides) -> MeasureData:
    """``measure`` as its form would send it back, with ``overrides``."""
    values = {name: getattr(measure, name) for name in MEASURE_ROW_FIELDS}
    values |= {"problems": list(measure.problems.all()), "causes": list(measure.causes.all())}
    return MeasureData(**(values | overrides))
