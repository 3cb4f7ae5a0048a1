"""Who may do what through the API: each principal of the cast and API clients with and
without each scope × each resource × list/retrieve/create/update/delete × an object in and
out of their reach.

Each principal is one test that calls every cell and compares the whole table, so a failure
shows every wrong cell at once. Writes run in a savepoint that is rolled back, so that each
cell sees the same data.

Objects: ``in`` is one the principal may read (of its own organisation where it has one),
``other`` one it may read but not change (another organisation's), ``out`` one it may not
read. Reference data's ``out`` is a code that does not exist.
"""

from datetime import date, timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from accounts.choices import Confidentiality
from areas.models import IntermediateArea, PoliceArea, PrimaryArea, VulnerableArea
from incidents.choices import PeriodKind, PictureStatus
from incidents.models import SituationPicture
from tests.api.conftest import READ, WRITE, report_payload

ORG, SHARED = Confidentiality.ORGANISATION, Confidentiality.PARTNERSHIP

REPORTS = {
    # key: district, organisation, confidentiality
    "sf_centrum": ("centrum", "sf_centrum", SHARED),
    "police_only": ("centrum", "lpo_city", ORG),
    "police_shared": ("centrum", "lpo_city", SHARED),
    "sf_hisingen": ("hisingen", "sf_hisingen", SHARED),
    "lpo_hisingen": ("hisingen", "lpo_hisingen", ORG),
    "bostad_nordost": ("nordost", "bostad", ORG),
    "bostad_centrum": ("centrum", "bostad", ORG),
}

# Reports: principal -> (in, other, out) and the expected status of each cell.
R = "list={} create={} get:in={} patch:in={} delete:in={} get:other={} patch:other={} " + (
    "get:out={} patch:out={} delete:out={}"
)
REPORT_MATRIX = {
    "anonymous": (
        ("sf_centrum", "police_shared", "police_only"),
        R.format(401, 401, 401, 401, 401, 401, 401, 401, 401, 401),
    ),
    "police_centrum": (
        ("police_only", "sf_centrum", "sf_hisingen"),
        R.format(200, 201, 200, 200, 204, 200, 403, 404, 404, 404),
    ),
    "manager_police_centrum": (
        ("police_only", "sf_centrum", "sf_hisingen"),
        R.format(200, 201, 200, 200, 204, 200, 403, 404, 404, 404),
    ),
    "social_centrum": (
        ("sf_centrum", "police_shared", "police_only"),
        R.format(200, 201, 200, 200, 204, 200, 403, 404, 404, 404),
    ),
    "manager_social_centrum": (
        ("sf_centrum", "police_shared", "police_only"),
        R.format(200, 201, 200, 200, 204, 200, 403, 404, 404, 404),
    ),
    "social_hisingen": (
        ("sf_hisingen", None, "sf_centrum"),
        R.format(200, 201, 200, 200, 204, 0, 0, 404, 404, 404),
    ),
    # A reporter reads what is visible one report at a time, as on the pages, but no list.
    "police_hisingen": (
        ("lpo_hisingen", "sf_hisingen", "police_only"),
        R.format(403, 201, 200, 200, 204, 200, 403, 404, 404, 404),
    ),
    # Coordinators read the partnership's records everywhere but file and change nothing.
    "coordinator": (
        (None, "sf_centrum", "police_only"),
        R.format(200, 403, 0, 0, 0, 200, 403, 404, 404, 404),
    ),
    "partner": (
        ("bostad_nordost", None, "bostad_centrum"),
        R.format(403, 201, 200, 200, 204, 0, 0, 404, 404, 404),
    ),
    "administrator": (
        (None, None, "sf_centrum"),
        R.format(403, 403, 0, 0, 0, 0, 0, 404, 404, 404),
    ),
    "outsider": (
        (None, None, "sf_centrum"),
        R.format(403, 403, 0, 0, 0, 0, 0, 404, 404, 404),
    ),
    # Tokens: the organisation's own reports in the token's districts, as far as its scopes go.
    "client:read+write": (
        ("bostad_nordost", None, "bostad_centrum"),
        R.format(200, 201, 200, 200, 204, 0, 0, 404, 404, 404),
    ),
    "client:read": (
        ("bostad_nordost", None, "bostad_centrum"),
        R.format(200, 403, 200, 403, 403, 0, 0, 404, 403, 403),
    ),
    "client:write": (
        ("bostad_nordost", None, "bostad_centrum"),
        R.format(403, 201, 403, 200, 204, 0, 0, 403, 404, 404),
    ),
    "client:no report scope": (
        ("bostad_nordost", None, "bostad_centrum"),
        R.format(403, 403, 403, 403, 403, 0, 0, 403, 403, 403),
    ),
    # A police system reads its own organisation's reports, not the partnership's as its
    # staff do: a token is a partner of the agreement, whoever holds it (DESIGN.md 5).
    "client:police": (
        ("police_only", None, "sf_centrum"),
        R.format(200, 201, 200, 200, 204, 0, 0, 404, 404, 404),
    ),
    "client:revoked": (
        ("bostad_nordost", None, "bostad_centrum"),
        R.format(401, 401, 401, 401, 401, 0, 0, 401, 401, 401),
    ),
    "client:expired": (
        ("bostad_nordost", None, "bostad_centrum"),
        R.format(401, 401, 401, 401, 401, 0, 0, 401, 401, 401),
    ),
}

# Agreed situation pictures (read only): principal -> (in, out) and the expected cells.
P = "list={} create={} get:in={} patch:in={} delete:in={} get:out={}"
PICTURE_MATRIX = {
    "anonymous": (("centrum", "hisingen"), P.format(401, 401, 401, 401, 401, 401)),
    "police_centrum": (("centrum", "hisingen"), P.format(200, 405, 200, 405, 405, 404)),
    "manager_police_centrum": (("centrum", "hisingen"), P.format(200, 405, 200, 405, 405, 404)),
    "social_centrum": (("centrum", "hisingen"), P.format(200, 405, 200, 405, 405, 404)),
    "manager_social_centrum": (("centrum", "hisingen"), P.format(200, 405, 200, 405, 405, 404)),
    "social_hisingen": (("hisingen", "centrum"), P.format(200, 405, 200, 405, 405, 404)),
    "police_hisingen": (("hisingen", "centrum"), P.format(200, 405, 200, 405, 405, 404)),
    # A draft is no agreed picture: not in the API, even for a coordinator.
    "coordinator": (("centrum", "draft"), P.format(200, 405, 200, 405, 405, 404)),
    "partner": ((None, "centrum"), P.format(200, 405, 0, 0, 0, 404)),
    "administrator": ((None, "centrum"), P.format(200, 405, 0, 0, 0, 404)),
    "outsider": ((None, "centrum"), P.format(200, 405, 0, 0, 0, 404)),
    # DESIGN.md gives partner systems no lägesbild: no scope opens it.
    "client:read+write": (("centrum", "hisingen"), P.format(403, 403, 403, 403, 403, 403)),
    "client:read": (("centrum", "hisingen"), P.format(403, 403, 403, 403, 403, 403)),
    "client:write": (("centrum", "hisingen"), P.format(403, 403, 403, 403, 403, 403)),
    "client:no report scope": (("centrum", "hisingen"), P.format(403, 403, 403, 403, 403, 403)),
    "client:police": (("centrum", "hisingen"), P.format(403, 403, 403, 403, 403, 403)),
    "client:revoked": (("centrum", "hisingen"), P.format(401, 401, 401, 401, 401, 401)),
    "client:expired": (("centrum", "hisingen"), P.format(401, 401, 401, 401, 401, 401)),
}

# Reference data: (path, an existing key, a missing key). Everyone who authenticates reads
# it; nobody writes it (405 for people, 403 for tokens, whose write scope names nothing).
REFERENCE = {
    "districts": ("centrum", "atlantis"),
    "intermediate-areas": None,  # keys looked up in the test
    "primary-areas": None,
    "police-areas": None,
    "places": ("brunnsparken", "ingenstans"),
    "vulnerable-areas": None,
    "categories": ("narkotikahandel", "okand-kategori"),
}
REF_PEOPLE = "list=200 create=405 get:in=200 patch:in=405 delete:in=405 get:out=404"
REF_CLIENTS = "list=200 create=403 get:in=200 patch:in=403 delete:in=403 get:out=404"
REF_NOBODY = "list=401 create=401 get:in=401 patch:in=401 delete:in=401 get:out=401"

PRINCIPALS = list(REPORT_MATRIX)


def _expected(spec: str) -> dict[str, int]:
    """The cells of a spec; a 0 marks a cell that does not apply (no such object)."""
    cells = dict(part.split("=") for part in spec.split())
    return {cell: int(code) for cell, code in cells.items() if code != "0"}


@pytest.fixture
def world(make_report, geography, organisations, police_centrum, make_api_client):
    reports = {
        key: make_report(district=district, organisation=org, confidentiality=level)
        for key, (district, org, level) in REPORTS.items()
    }
    today = timezone.localdate()
    start = date(today.year - 1, 1, 1)

    def picture(district, status, kind=PeriodKind.YEAR):
        return SituationPicture.objects.create(
            district=geography[district],
            period_kind=kind,
            period_start=start,
            period_end=date(start.year, 12, 31),
            status=status,
            created_by=police_centrum,
            agreed_at=timezone.now() if status == PictureStatus.AGREED else None,
        )

    pictures = {
        "centrum": picture("centrum", PictureStatus.AGREED),
        "hisingen": picture("hisingen", PictureStatus.AGREED),
    }
    pictures["draft"] = SituationPicture.objects.create(
        district=geography["centrum"],
        period_kind=PeriodKind.QUARTER,
        period_start=start,
        period_end=start + timedelta(days=89),
        created_by=police_centrum,
    )
    return {"reports": reports, "pictures": pictures}


def _authenticate(request, api, name):
    """Log ``name`` in on ``api``: a person of the cast by session, a client by its token."""
    if name == "anonymous":
        return
    if not name.startswith("client:"):
        api.force_login(request.getfixturevalue(name))
        return
    make = request.getfixturevalue("make_api_client")
    kind = name.removeprefix("client:")
    if kind == "police":
        caller = make("lpo-city-system", organisation="lpo_city", districts=("centrum",))
    else:
        scopes = {
            "read+write": (READ, WRITE),
            "read": (READ,),
            "write": (WRITE,),
            "no report scope": ("overview:read",),
            "revoked": (READ, WRITE),
            "expired": (READ, WRITE),
        }[kind]
        caller = make(
            f"bostad-{kind}",
            scopes=scopes,
            expires_in=timedelta(days=-1) if kind == "expired" else timedelta(days=30),
        )
        if kind == "revoked":
            caller.client.revoked_at = timezone.now()
            caller.client.save()
    api.credentials(**{"HTTP_AUTHORIZATION": caller.headers["Authorization"]})


def _status(api, method, url, data=None):
    """The status of one request, with whatever it wrote rolled back."""
    with transaction.atomic():
        response = getattr(api, method)(url, data, format="json")
        transaction.set_rollback(True)
    return response.status_code


def _cells(api, base, expected, objects, *, create_body, patch_body):
    actual = {}
    for cell in expected:
        action, _, which = cell.partition(":")
        if action == "list":
            actual[cell] = _status(api, "get", base)
        elif action == "create":
            actual[cell] = _status(api, "post", base, create_body)
        else:
            url = f"{base}{objects[which]}/"
            method = {"get": "get", "patch": "patch", "delete": "delete"}[action]
            actual[cell] = _status(api, method, url, patch_body if method == "patch" else None)
    return actual


@pytest.mark.parametrize("name", PRINCIPALS)
def test_it_answers_each_principal_as_the_access_rules_say(request, api, world, name):
    _authenticate(request, api, name)
    report_keys, report_spec = REPORT_MATRIX[name]
    picture_keys, picture_spec = PICTURE_MATRIX[name]

    expected = {"reports": _expected(report_spec), "situation-pictures": _expected(picture_spec)}
    objects = {
        "reports": {
            which: world["reports"][key].pk
            for which, key in zip(("in", "other", "out"), report_keys, strict=True)
            if key
        },
        "situation-pictures": {
            which: world["pictures"][key].pk
            for which, key in zip(("in", "out"), picture_keys, strict=True)
            if key
        },
    }
    actual = {
        "reports": _cells(
            api,
            "/api/v1/reports/",
            expected["reports"],
            objects["reports"],
            # A token files within its districts only: the police system's is Centrum.
            create_body=report_payload(
                place="brunnsparken" if name == "client:police" else "hjallbo-centrum"
            ),
            patch_body={"severity": 3},
        ),
        "situation-pictures": _cells(
            api,
            "/api/v1/situation-pictures/",
            expected["situation-pictures"],
            objects["situation-pictures"],
            create_body={},
            patch_body={},
        ),
    }
    reference_spec = (
        REF_NOBODY
        if name in ("anonymous", "client:revoked", "client:expired")
        else REF_CLIENTS
        if name.startswith("client:")
        else REF_PEOPLE
    )
    for resource, keys in REFERENCE.items():
        if keys is None:
            keys = _existing_and_missing(resource)
        expected[resource] = _expected(reference_spec)
        actual[resource] = _cells(
            api,
            f"/api/v1/{resource}/",
            expected[resource],
            {"in": keys[0], "out": keys[1]},
            create_body={},
            patch_body={},
        )
    wrong = {
        f"{resource} {cell}": f"got {actual[resource][cell]}, expected {code}"
        for resource, cells in expected.items()
        for cell, code in cells.items()
        if actual[resource][cell] != code
    }
    assert wrong == {}


def _existing_and_missing(resource):
    existing = {
        "intermediate-areas": lambda: IntermediateArea.objects.order_by("code").first().code,
        "primary-areas": lambda: PrimaryArea.objects.order_by("code").first().code,
        "police-areas": lambda: PoliceArea.objects.order_by("slug").first().slug,
        "vulnerable-areas": lambda: VulnerableArea.objects.order_by("id").first().pk,
    }[resource]()
    missing = {"vulnerable-areas": 999999}.get(resource, "zz99")
    return existing, missing
