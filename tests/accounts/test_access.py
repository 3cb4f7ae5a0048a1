"""``accounts.access`` on its own: for each record of each confidential model and each action,
exactly who of the cast (and two tokens) may do it, and that ``can`` on one record agrees with
``restrict`` over the table.

A spec names the people who may; everyone else of ``PRINCIPALS`` may not, so each row is as
much a test of who is refused.
"""

from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from accounts import access
from accounts.access import (
    CORRECT,
    CREATE,
    EDIT,
    EXPORT,
    FOLLOW_UP,
    IMPORT,
    LIST,
    READ,
    REVIEW,
    SIGN,
    can,
    restrict,
)
from accounts.api.services import api_client_create
from accounts.choices import ApiScope, Confidentiality
from incidents.choices import ImportKind, ImportStatus, PeriodKind, PictureStatus
from incidents.models import ImportRun, Report, SituationPicture
from plans.models import ActionPlan, FollowUp, Measure, Problem
from plans.services.measures import follow_up_create
from tests.incidents.conftest import category, make_report  # noqa: F401  (fixtures)
from tests.plans.conftest import agreed_plan, measure, plan, problem  # noqa: F401  (fixtures)

PEOPLE = (
    "police_centrum",
    "manager_police_centrum",
    "social_centrum",
    "manager_social_centrum",
    "social_hisingen",
    "police_hisingen",
    "coordinator",
    "partner",
    "administrator",
    "outsider",
)
TOKENS = ("police_token", "bostad_token")
PRINCIPALS = (*PEOPLE, *TOKENS, "anonymous")

CENTRUM_STAFF = frozenset(
    {"police_centrum", "manager_police_centrum", "social_centrum", "manager_social_centrum"}
)
POLICE_CENTRUM = frozenset({"police_centrum", "manager_police_centrum"})
SOCIAL_CENTRUM = frozenset({"social_centrum", "manager_social_centrum"})
MANAGERS_CENTRUM = frozenset({"manager_police_centrum", "manager_social_centrum"})


@dataclass(frozen=True)
class May:
    """``action`` on ``target`` (a key of the world, or a model label) is for ``who`` only."""

    action: str
    target: str
    who: frozenset[str]
    where: tuple[tuple[str, object], ...] = ()


SPECS = [
    # Reports: district, owning organisation and level.
    May(READ, "report:social_centrum", CENTRUM_STAFF | {"coordinator"}),
    May(READ, "report:police_only", POLICE_CENTRUM | {"police_token"}),
    May(
        READ,
        "report:social_hisingen",
        frozenset({"social_hisingen", "police_hisingen", "coordinator"}),
    ),
    May(READ, "report:bostad_nordost", frozenset({"partner", "bostad_token"})),
    May(READ, "report:filed_by_partner_in_centrum", POLICE_CENTRUM | {"police_token", "partner"}),
    May(LIST, "incidents.report", CENTRUM_STAFF | {"social_hisingen", "coordinator", *TOKENS}),
    May(EXPORT, "incidents.report", CENTRUM_STAFF | {"social_hisingen", "coordinator", *TOKENS}),
    May(
        CREATE,
        "incidents.report",
        CENTRUM_STAFF | {"social_hisingen", "police_hisingen", "partner", *TOKENS},
    ),
    May(EDIT, "report:social_centrum", SOCIAL_CENTRUM),
    May(EDIT, "report:police_only", POLICE_CENTRUM | {"police_token"}),
    May(EDIT, "report:bostad_nordost", frozenset({"partner", "bostad_token"})),
    May(REVIEW, "report:social_centrum", CENTRUM_STAFF),
    May(REVIEW, "report:social_hisingen", frozenset({"social_hisingen"})),
    # Correcting place and category: the district's analysts who read it; never a token.
    May(CORRECT, "report:social_centrum", CENTRUM_STAFF),
    May(CORRECT, "report:police_only", POLICE_CENTRUM),
    May(CORRECT, "report:bostad_nordost", frozenset()),
    May(CORRECT, "report:filed_by_partner_in_centrum", POLICE_CENTRUM),
    # Situation pictures: the two parties' staff of the district, and coordinators.
    May(READ, "picture:draft_centrum", CENTRUM_STAFF | {"coordinator"}),
    May(READ, "picture:agreed_centrum", CENTRUM_STAFF | {"coordinator"}),
    May(READ, "picture:draft_hisingen", frozenset({"social_hisingen", "coordinator"})),
    May(
        READ,
        "picture:agreed_hisingen",
        frozenset({"social_hisingen", "police_hisingen", "coordinator"}),
    ),
    May(EDIT, "picture:draft_centrum", CENTRUM_STAFF),
    May(EDIT, "picture:draft_hisingen", frozenset({"social_hisingen"})),
    May(CREATE, "incidents.situationpicture", CENTRUM_STAFF | {"social_hisingen"}),
    May(SIGN, "picture:draft_centrum", MANAGERS_CENTRUM),
    May(SIGN, "picture:draft_hisingen", frozenset()),
    # Import runs: the importing organisation's members.
    May(READ, "run:police", POLICE_CENTRUM | {"police_token"}),
    May(READ, "run:social_csv", SOCIAL_CENTRUM),
    May(READ, "run:bostad_csv", frozenset({"partner", "bostad_token"})),
    May(IMPORT, "run:police", POLICE_CENTRUM),
    May(IMPORT, "run:social_csv", SOCIAL_CENTRUM),
    May(IMPORT, "run:bostad_csv", frozenset({"partner", "bostad_token"})),
    May(
        IMPORT,
        "incidents.importrun",
        POLICE_CENTRUM,
        where=(("kind", ImportKind.POLICE_EVENTS),),
    ),
    # Problems, plans, measures, follow-ups: the two parties' staff, coordinators, and a
    # party's token with plans:read; the public measure for anyone with a content role.
    May(READ, "problem:centrum", CENTRUM_STAFF | {"coordinator", "police_token"}),
    May(EDIT, "problem:centrum", CENTRUM_STAFF),
    May(READ, "plan:centrum", CENTRUM_STAFF | {"coordinator", "police_token"}),
    May(EDIT, "plan:centrum", CENTRUM_STAFF),
    May(SIGN, "plan:centrum", MANAGERS_CENTRUM),
    May(
        READ,
        "measure:public",
        CENTRUM_STAFF | {"coordinator", "social_hisingen", "police_hisingen", "partner", *TOKENS},
    ),
    May(EDIT, "measure:public", CENTRUM_STAFF),
    May(FOLLOW_UP, "measure:public", CENTRUM_STAFF | {"police_token"}),
    May(READ, "follow_up:centrum", CENTRUM_STAFF | {"coordinator", "police_token"}),
]


def _spec_id(spec: May) -> str:
    return f"{spec.action}-{spec.target}"


def _token(name, organisation, scopes, districts):
    return api_client_create(
        name=name,
        organisation=organisation,
        scopes=list(scopes),
        districts=districts,
        expires_at=timezone.now() + timedelta(days=30),
    ).client


@pytest.fixture
def principals(request, organisations, centrum, nordost):
    cast = {name: request.getfixturevalue(name) for name in PEOPLE}
    cast["police_token"] = _token(
        "lpo-city-system",
        organisations["lpo_city"],
        (ApiScope.REPORTS_READ, ApiScope.PLANS_READ, ApiScope.PLANS_WRITE),
        [centrum],
    )
    cast["bostad_token"] = _token(
        "bostad-system",
        organisations["bostad"],
        (ApiScope.REPORTS_READ, ApiScope.REPORTS_WRITE, ApiScope.PLANS_READ),
        [nordost],
    )
    cast["anonymous"] = AnonymousUser()
    return cast


def _picture(district, status, start, author):
    return SituationPicture.objects.create(
        district=district,
        period_kind=PeriodKind.YEAR,
        period_start=start,
        period_end=date(start.year, 12, 31),
        status=status,
        created_by=author,
        agreed_at=timezone.now() if status == PictureStatus.AGREED else None,
    )


@pytest.fixture
def world(make_report, organisations, geography, social_centrum, partner, agreed_plan, problem):  # noqa: F811  (fixtures)
    last_year = date(timezone.localdate().year - 1, 1, 1)
    earlier = date(last_year.year - 1, 1, 1)
    centrum, hisingen = geography["centrum"], geography["hisingen"]
    public_measure = agreed_plan.measures.get()
    follow_up = follow_up_create(
        actor=social_centrum, measure=public_measure, date=timezone.localdate(), status="started"
    ).obj

    def run(organisation, kind):
        return ImportRun.objects.create(
            kind=kind, organisation=organisations[organisation], status=ImportStatus.DONE
        )

    return {
        "report:social_centrum": make_report(),
        "report:police_only": make_report(
            organisation="lpo_city", confidentiality=Confidentiality.ORGANISATION
        ),
        "report:social_hisingen": make_report(district="hisingen", organisation="sf_hisingen"),
        "report:bostad_nordost": make_report(
            district="nordost", organisation="bostad", confidentiality=Confidentiality.ORGANISATION
        ),
        # Filed by the partner's person for the police, somewhere they have no membership:
        # the reporter reads what they filed, whoever owns it.
        "report:filed_by_partner_in_centrum": make_report(
            organisation="lpo_city", confidentiality=Confidentiality.ORGANISATION, reporter=partner
        ),
        "picture:draft_centrum": _picture(centrum, PictureStatus.DRAFT, last_year, social_centrum),
        "picture:agreed_centrum": _picture(centrum, PictureStatus.AGREED, earlier, social_centrum),
        "picture:draft_hisingen": _picture(
            hisingen, PictureStatus.DRAFT, last_year, social_centrum
        ),
        "picture:agreed_hisingen": _picture(
            hisingen, PictureStatus.AGREED, earlier, social_centrum
        ),
        "run:police": run("lpo_city", ImportKind.POLICE_EVENTS),
        "run:social_csv": run("sf_centrum", ImportKind.CSV),
        "run:bostad_csv": run("bostad", ImportKind.CSV),
        "problem:centrum": problem,
        "plan:centrum": agreed_plan,
        "measure:public": public_measure,
        "follow_up:centrum": follow_up,
    }


@pytest.mark.parametrize("spec", SPECS, ids=_spec_id)
def test_it_lets_exactly_the_named_principals_do_each_action(principals, world, spec):
    target = world.get(spec.target, spec.target)
    where = dict(spec.where)
    allowed = {name for name, who in principals.items() if can(who, spec.action, target, **where)}
    assert allowed == set(spec.who)


READ_MODELS = {
    "report": Report,
    "picture": SituationPicture,
    "run": ImportRun,
    "problem": Problem,
    "plan": ActionPlan,
    "measure": Measure,
    "follow_up": FollowUp,
}


def test_it_answers_can_read_as_restrict_does_for_every_record(principals, world):
    """The rule for one record in memory and the rule in SQL are one rule."""
    disagreements = []
    for key, record in world.items():
        model = READ_MODELS[key.partition(":")[0]]
        for name, who in principals.items():
            in_sql = restrict(model.objects.filter(pk=record.pk), who, READ).exists()
            if can(who, READ, record) != in_sql:
                disagreements.append(f"{name} {key}: can={not in_sql} restrict={in_sql}")
    assert disagreements == []


def test_it_covers_every_confidential_model():
    assert set(access.MODELS) == {
        "incidents.report",
        "incidents.situationpicture",
        "incidents.importrun",
        "plans.problem",
        "plans.cause",
        "plans.prioritydecision",
        "plans.residentconcern",
        "plans.actionplan",
        "plans.planrevision",
        "plans.measure",
        "plans.followup",
    }


def test_it_refuses_a_question_it_has_no_rule_for(police_centrum):
    with pytest.raises(ValueError, match="no rule"):
        can(police_centrum, SIGN, "incidents.report")


def test_it_gives_every_confidential_model_a_visible_to_that_asks_it(principals, world):
    """Each model's entry point is the module's rule: same rows for every principal."""
    for key in world:
        model = READ_MODELS[key.partition(":")[0]]
        for who in principals.values():
            assert set(model.objects.visible_to(who).values_list("pk", flat=True)) == set(
                restrict(model.objects.all(), who, READ).values_list("pk", flat=True)
            )


def test_it_gives_the_analysis_the_districts_whose_partnership_records_one_reads_all_of(
    principals, centrum, geography
):
    """``partnership_district_ids``: what alerts, hotspots and effects are made of and shown
    to. Nobody who reads only their own organisation's records (partners, tokens) gets any."""
    reach = {name: access.partnership_district_ids(who) for name, who in principals.items()}
    assert reach["coordinator"] is None
    for name in CENTRUM_STAFF:
        assert reach[name] == {centrum.pk}
    assert reach["social_hisingen"] == {geography["hisingen"].pk}
    for name in ("partner", "administrator", "outsider", *TOKENS, "anonymous"):
        assert reach[name] == frozenset(), name
