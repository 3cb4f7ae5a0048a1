"""Who may do what with problems, action plans, measures and follow-ups through the API: each
principal of the cast, the report tokens of tests/api/test_permission_matrix.py (which hold no
plans scope) and tokens with plans scopes × each resource × list/create/retrieve/update/
delete × objects in and out of reach.

The world: in Centrum a problem, an agreed plan with an internal and a public measure (the
public one followed up), and a draft plan of next year with a public measure; in Hisingen a
problem and an active plan with an internal measure, followed up.

Each principal is one test that calls every cell and compares the whole table, and then what
each list shows, so a failure shows every wrong cell at once.
"""

from datetime import date

import pytest
from django.utils import timezone

from accounts.choices import ApiScope
from plans.choices import PlanStatus
from plans.models import ActionPlan, FollowUp, Measure, Problem
from plans.services.measures import follow_up_create, measure_create
from plans.services.plans import plan_create
from tests.api.test_permission_matrix import PRINCIPALS, _authenticate, _cells, _expected
from tests.plans.conftest import (  # noqa: F401  (fixtures)
    THIS_YEAR,
    agreed_plan,
    measure,
    measure_data,
    plan,
    problem,
)

PLANS_READ, PLANS_WRITE = ApiScope.PLANS_READ, ApiScope.PLANS_WRITE

# Tokens with plans scopes: name -> (organisation, scopes, districts).
PLAN_CLIENTS = {
    "plans:police read": ("lpo_city", (PLANS_READ,), ("centrum",)),
    "plans:police read+write": ("lpo_city", (PLANS_READ, PLANS_WRITE), ("centrum",)),
    "plans:police write": ("lpo_city", (PLANS_WRITE,), ("centrum",)),
    "plans:social read+write": ("sf_centrum", (PLANS_READ, PLANS_WRITE), ("centrum",)),
    "plans:police hisingen read": ("lpo_hisingen", (PLANS_READ,), ("hisingen",)),
    "plans:bostad read": ("bostad", (PLANS_READ,), ("nordost", "centrum")),
    "plans:bostad read+write": ("bostad", (PLANS_READ, PLANS_WRITE), ("nordost", "centrum")),
}
HISINGEN_PRINCIPALS = {"social_hisingen", "police_hisingen", "plans:police hisingen read"}

PR = "list={} create={} get:in={} patch:in={} delete:in={} get:out={} patch:out={} delete:out={}"
PL = "list={} create={} get:in={} patch:in={} delete:in={} get:out={}"
ME = "list={} create={} get:in={} get:public={} get:draft={} get:out={} patch:public={} " + (
    "delete:public={}"
)
FU = "list={} create={} get:in={} patch:in={} delete:in={} get:out={}"

# principal -> resource -> ((object keys), spec). Keys: problems and plans (in, out);
# measures (in, out), beside the fixed public and draft ones; follow-ups (in, out).
CENTRUM_STAFF = {
    "problems": (("centrum", "hisingen"), PR.format(200, 201, 200, 200, 405, 404, 404, 405)),
    "action-plans": (("centrum", "hisingen"), PL.format(200, 405, 200, 405, 405, 404)),
    "measures": (("centrum", "hisingen"), ME.format(200, 405, 200, 200, 200, 404, 405, 405)),
    "follow-ups": (("centrum", "hisingen"), FU.format(200, 201, 200, 405, 405, 404)),
}
NOBODY = {
    "problems": ((None, "centrum"), PR.format(200, 403, 0, 0, 0, 404, 404, 405)),
    "action-plans": ((None, "centrum"), PL.format(200, 405, 0, 0, 0, 404)),
    # No content role: not even the public measures (as for anyone, they are on the public
    # page, which needs no log-in).
    "measures": ((None, "centrum"), ME.format(200, 405, 0, 404, 404, 404, 405, 405)),
    # The public measure is unknown to them: its id is refused as a field.
    "follow-ups": ((None, "centrum"), FU.format(200, 400, 0, 0, 0, 404)),
}


def _tokens(problems: str, plans: str, measures: str, follow_ups: str) -> dict:
    """Specs with Centrum's objects in reach and Hisingen's out of it."""
    specs = {"problems": problems, "action-plans": plans, "measures": measures}
    return {
        resource: (("centrum", "hisingen"), spec)
        for resource, spec in (specs | {"follow-ups": follow_ups}).items()
    }


def _all(status: int) -> dict:
    return _tokens(
        PR.format(*[status] * 8), PL.format(*[status] * 6), ME.format(*[status] * 8),
        FU.format(*[status] * 6),
    )  # fmt: skip


POLICE_READ = _tokens(
    PR.format(200, 403, 200, 403, 403, 404, 403, 403),
    PL.format(200, 403, 200, 403, 403, 404),
    ME.format(200, 403, 200, 200, 200, 404, 403, 403),
    FU.format(200, 403, 200, 403, 403, 404),
)
POLICE_READ_WRITE = POLICE_READ | {
    # plans:write opens follow-ups only; problems, plans and measures stay people's.
    "follow-ups": (("centrum", "hisingen"), FU.format(200, 201, 200, 405, 405, 404)),
}
PARTNER_TOKEN = {
    "problems": ((None, "centrum"), PR.format(200, 403, 0, 0, 0, 404, 403, 403)),
    "action-plans": ((None, "centrum"), PL.format(200, 403, 0, 0, 0, 404)),
    "measures": ((None, "centrum"), ME.format(200, 403, 0, 200, 404, 404, 403, 403)),
    "follow-ups": ((None, "centrum"), FU.format(200, 403, 0, 0, 0, 404)),
}
HISINGEN_READERS = {
    "problems": (("hisingen", "centrum"), PR.format(200, 403, 200, 403, 405, 404, 404, 405)),
    "action-plans": (("hisingen", "centrum"), PL.format(200, 405, 200, 405, 405, 404)),
    "measures": (("hisingen", "centrum"), ME.format(200, 405, 200, 200, 404, 404, 405, 405)),
    # A reporter reads the follow-ups and records none.
    "follow-ups": (("hisingen", "centrum"), FU.format(200, 403, 200, 405, 405, 404)),
}

MATRIX = {
    "anonymous": _all(401),
    "police_centrum": CENTRUM_STAFF,
    "manager_police_centrum": CENTRUM_STAFF,
    "social_centrum": CENTRUM_STAFF,
    "manager_social_centrum": CENTRUM_STAFF,
    # Staff of another district: their own district's, and 404 for Centrum's.
    "social_hisingen": HISINGEN_READERS
    | {
        "problems": (("hisingen", "centrum"), PR.format(200, 201, 200, 200, 405, 404, 404, 405)),
        "follow-ups": (("hisingen", "centrum"), FU.format(200, 201, 200, 405, 405, 404)),
    },
    "police_hisingen": HISINGEN_READERS,
    # Coordinators read everything and write nothing.
    "coordinator": {
        "problems": (("centrum", None), PR.format(200, 403, 200, 403, 405, 0, 0, 0)),
        "action-plans": (("centrum", None), PL.format(200, 405, 200, 405, 405, 0)),
        "measures": (("centrum", None), ME.format(200, 405, 200, 200, 200, 0, 405, 405)),
        "follow-ups": (("centrum", None), FU.format(200, 403, 200, 405, 405, 0)),
    },
    # A partner's staff read the public measures of plans in force: no problem, no plan.
    "partner": NOBODY
    | {
        "measures": ((None, "centrum"), ME.format(200, 405, 0, 200, 404, 404, 405, 405)),
        "follow-ups": ((None, "centrum"), FU.format(200, 403, 0, 0, 0, 404)),
    },
    "administrator": NOBODY,
    "outsider": NOBODY,
    # Report tokens hold no plans scope.
    "client:read+write": _all(403),
    "client:read": _all(403),
    "client:write": _all(403),
    "client:no report scope": _all(403),
    "client:police": _all(403),
    "client:revoked": _all(401),
    "client:expired": _all(401),
    # The two parties' tokens read their districts; plans:write records follow-ups there.
    "plans:police read": POLICE_READ,
    "plans:police read+write": POLICE_READ_WRITE,
    "plans:social read+write": POLICE_READ_WRITE,
    # Without plans:read nothing is read, yet follow-ups are recorded in its districts.
    "plans:police write": _all(403)
    | {"follow-ups": (("centrum", "hisingen"), FU.format(403, 201, 403, 405, 405, 403))},
    "plans:police hisingen read": {
        "problems": (("hisingen", "centrum"), PR.format(200, 403, 200, 403, 403, 404, 403, 403)),
        "action-plans": (("hisingen", "centrum"), PL.format(200, 403, 200, 403, 403, 404)),
        "measures": (("hisingen", "centrum"), ME.format(200, 403, 200, 200, 404, 404, 403, 403)),
        "follow-ups": (("hisingen", "centrum"), FU.format(200, 403, 200, 403, 403, 404)),
    },
    # Any other organisation's token: the public measures of plans in force only, even in a
    # district of its token.
    "plans:bostad read": PARTNER_TOKEN,
    # plans:write is no use to it: the two parties' systems follow up, nobody else's.
    "plans:bostad read+write": PARTNER_TOKEN
    | {"follow-ups": ((None, "centrum"), FU.format(200, 403, 0, 0, 0, 404))},
}

# What each list shows (for those whose list answers 200), by the world's keys.
CENTRUM_SEES = {
    "problems": {"centrum"},
    "action-plans": {"centrum", "draft"},
    "measures": {"centrum", "public", "draft"},
    "follow-ups": {"centrum"},
}
HISINGEN_SEES = {
    "problems": {"hisingen"},
    "action-plans": {"hisingen"},
    "measures": {"hisingen", "public"},
    "follow-ups": {"hisingen"},
}
PUBLIC_SEES = {
    "problems": set(),
    "action-plans": set(),
    "measures": {"public"},
    "follow-ups": set(),
}
SEES_NOTHING = {"problems": set(), "action-plans": set(), "measures": set(), "follow-ups": set()}
LISTS = {
    "police_centrum": CENTRUM_SEES,
    "manager_police_centrum": CENTRUM_SEES,
    "social_centrum": CENTRUM_SEES,
    "manager_social_centrum": CENTRUM_SEES,
    "social_hisingen": HISINGEN_SEES,
    "police_hisingen": HISINGEN_SEES,
    "coordinator": {
        "problems": {"centrum", "hisingen"},
        "action-plans": {"centrum", "draft", "hisingen"},
        "measures": {"centrum", "public", "draft", "hisingen"},
        "follow-ups": {"centrum", "hisingen"},
    },
    "partner": PUBLIC_SEES,
    "administrator": SEES_NOTHING,
    "outsider": SEES_NOTHING,
    "plans:police read": CENTRUM_SEES,
    "plans:police read+write": CENTRUM_SEES,
    "plans:social read+write": CENTRUM_SEES,
    "plans:police hisingen read": HISINGEN_SEES,
    "plans:bostad read": PUBLIC_SEES,
    "plans:bostad read+write": PUBLIC_SEES,
}


@pytest.fixture
def plans_world(
    request, centrum, hisingen, organisations, social_centrum, police_centrum, social_hisingen
):
    # The plans tests' fixtures (imported above): a problem, and the agreed plan with its
    # public measure.
    centrum_plan, public, centrum_problem = (
        request.getfixturevalue(name) for name in ("agreed_plan", "measure", "problem")
    )
    internal, _change = measure_create(
        actor=social_centrum,
        plan=centrum_plan,
        data=measure_data([centrum_problem], organisations["lpo_city"], title="Intern åtgärd"),
        reason="Tillägg",
    )
    follow_up = follow_up_create(
        actor=police_centrum, measure=public, date=timezone.localdate(), status="started"
    ).obj
    next_year = plan_create(
        actor=social_centrum,
        district=centrum,
        period_start=date(THIS_YEAR + 1, 1, 1),
        period_end=date(THIS_YEAR + 1, 12, 31),
        social_services=organisations["sf_centrum"],
        police=organisations["lpo_city"],
    ).obj
    draft_public, _change = measure_create(
        actor=social_centrum,
        plan=next_year,
        data=measure_data(
            [centrum_problem],
            organisations["sf_centrum"],
            start_date=date(THIS_YEAR + 1, 1, 1),
            end_date=date(THIS_YEAR + 1, 12, 31),
            is_public=True,
            public_text="Vi städar torget varje vecka.",
        ),
    )
    # Hisingen's, written straight to the tables (the services are tested on their own).
    hisingen_problem = Problem.objects.create(
        district=hisingen, title="Buskörning vid Vårväderstorget", created_by=social_hisingen
    )
    hisingen_plan = ActionPlan.objects.create(
        district=hisingen,
        period_start=date(THIS_YEAR, 1, 1),
        period_end=date(THIS_YEAR, 12, 31),
        social_services=organisations["sf_hisingen"],
        police=organisations["lpo_hisingen"],
        status=PlanStatus.ACTIVE,
        agreed_at=timezone.now(),
        revision=1,
        created_by=social_hisingen,
    )
    hisingen_measure = Measure.objects.create(
        plan=hisingen_plan,
        title="Trafikkontroller",
        responsible=organisations["lpo_hisingen"],
        target="Kontroller varje vecka",
        start_date=date(THIS_YEAR, 1, 1),
        end_date=date(THIS_YEAR, 12, 31),
        created_by=social_hisingen,
    )
    hisingen_measure.problems.set([hisingen_problem])
    hisingen_follow_up = FollowUp.objects.create(
        measure=hisingen_measure,
        date=timezone.localdate(),
        status="started",
        created_by=social_hisingen,
    )
    return {
        "problems": {"centrum": centrum_problem.pk, "hisingen": hisingen_problem.pk},
        "action-plans": {
            "centrum": centrum_plan.pk,
            "draft": next_year.pk,
            "hisingen": hisingen_plan.pk,
        },
        "measures": {
            "centrum": internal.obj.pk,
            "public": public.pk,
            "draft": draft_public.obj.pk,
            "hisingen": hisingen_measure.pk,
        },
        "follow-ups": {"centrum": follow_up.pk, "hisingen": hisingen_follow_up.pk},
    }


def _log_in(request, api, name):
    if name not in PLAN_CLIENTS:
        _authenticate(request, api, name)
        return
    organisation, scopes, districts = PLAN_CLIENTS[name]
    make = request.getfixturevalue("make_api_client")
    caller = make(
        name.replace(":", "-").replace(" ", "-").replace("+", "-"),
        organisation=organisation,
        scopes=scopes,
        districts=districts,
    )
    api.credentials(HTTP_AUTHORIZATION=caller.headers["Authorization"])


def _objects(world, resource, keys) -> dict[str, int]:
    names = ("in", "out")
    objects = {which: world[resource][key] for which, key in zip(names, keys, strict=True) if key}
    if resource == "measures":
        objects |= {"public": world[resource]["public"], "draft": world[resource]["draft"]}
    return objects


def _bodies(world, name) -> dict[str, tuple[dict, dict]]:
    home = "hisingen" if name in HISINGEN_PRINCIPALS else "centrum"
    follow_up = {
        "measure": world["measures"]["hisingen" if home == "hisingen" else "public"],
        "date": timezone.localdate().isoformat(),
        "status": "started",
        "indicator_value": "12.50",
        "note": "Inrapporterat",
    }
    return {
        "problems": ({"district": home, "title": "Bråk vid hållplatsen"}, {"title": "Ny rubrik"}),
        "action-plans": ({}, {}),
        "measures": ({}, {}),
        "follow-ups": (follow_up, {"note": "Ändrad"}),
    }


def _listed(api, resource, world) -> set[str]:
    ids = {row["id"] for row in api.get(f"/api/v1/{resource}/?page_size=200").json()["results"]}
    return {key for key, pk in world[resource].items() if pk in ids}


@pytest.mark.parametrize("name", PRINCIPALS + list(PLAN_CLIENTS))
def test_it_answers_each_principal_as_the_plans_access_rules_say(request, api, plans_world, name):
    _log_in(request, api, name)
    bodies = _bodies(plans_world, name)
    expected, actual = {}, {}
    for resource, (keys, spec) in MATRIX[name].items():
        expected[resource] = _expected(spec)
        create_body, patch_body = bodies[resource]
        actual[resource] = _cells(
            api,
            f"/api/v1/{resource}/",
            expected[resource],
            _objects(plans_world, resource, keys),
            create_body=create_body,
            patch_body=patch_body,
        )
    wrong = {
        f"{resource} {cell}": f"got {actual[resource][cell]}, expected {code}"
        for resource, cells in expected.items()
        for cell, code in cells.items()
        if actual[resource][cell] != code
    }
    listed = {resource: _listed(api, resource, plans_world) for resource in LISTS.get(name, {})}
    assert (wrong, listed) == ({}, LISTS.get(name, {}))
