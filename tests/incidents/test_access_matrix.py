"""Who × page × object → outcome for the situation pictures and the import runs, the two
incidents models beside reports (tests/incidents/test_report_access.py and the API matrices).

Each spec is a small dataclass with a field per page, so a row reads as what that person
meets on that object. Every principal is one test that compares the whole row, so a failure
shows each wrong cell. Writes run in a savepoint that is rolled back: every cell sees the
same data.
"""

from dataclasses import asdict, dataclass
from datetime import date

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.choices import Role
from accounts.models import Membership, User
from incidents.choices import ImportKind, ImportStatus, PeriodKind
from incidents.models import ImportRun, SituationPicture, SituationPictureSignature
from incidents.selectors.situation import Period
from incidents.services.situation import situation_picture_sign

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
    "anonymous",
)
LOGIN = 302  # anonymous: every page sends to the log-in


# --- Situation pictures ------------------------------------------------------------------------


@dataclass(frozen=True)
class PicturePages:
    """What one person meets on one picture: ``listed`` on the list page; the status of its
    page, its edit page and its PDF; ``sign``: what a POST to sign does ("signed", "refused"
    with a message, or a status); ``api``: the status of the API's detail."""

    listed: bool
    detail: int
    edit: int
    sign: str | int
    pdf: int
    api: int


HIDDEN = PicturePages(listed=False, detail=404, edit=404, sign=404, pdf=404, api=404)
ANONYMOUS = PicturePages(listed=False, detail=LOGIN, edit=LOGIN, sign=LOGIN, pdf=LOGIN, api=401)
# A draft: its analysts and managers edit it; it has no PDF and is not in the API.
DRAFT_EDITOR = PicturePages(listed=True, detail=200, edit=200, sign="refused", pdf=404, api=404)
DRAFT_SIGNATORY = PicturePages(listed=True, detail=200, edit=200, sign="signed", pdf=404, api=404)
DRAFT_READER = PicturePages(listed=True, detail=200, edit=403, sign="refused", pdf=404, api=404)
# An agreed picture is final: its editors are sent back to it, nobody signs it again.
AGREED_EDITOR = PicturePages(listed=True, detail=200, edit=302, sign="refused", pdf=200, api=200)
AGREED_READER = PicturePages(listed=True, detail=200, edit=403, sign="refused", pdf=200, api=200)

PICTURE_MATRIX: dict[str, dict[str, PicturePages]] = {
    "police_centrum": {"draft": DRAFT_EDITOR, "agreed": AGREED_EDITOR, "hisingen": HIDDEN},
    "social_centrum": {"draft": DRAFT_EDITOR, "agreed": AGREED_EDITOR, "hisingen": HIDDEN},
    "manager_police_centrum": {
        "draft": DRAFT_SIGNATORY,
        "agreed": AGREED_EDITOR,
        "hisingen": HIDDEN,
    },
    "manager_social_centrum": {
        "draft": DRAFT_SIGNATORY,
        "agreed": AGREED_EDITOR,
        "hisingen": HIDDEN,
    },
    # Staff of another district: 404, as if Centrum's pictures did not exist.
    "social_hisingen": {"draft": HIDDEN, "agreed": HIDDEN, "hisingen": AGREED_EDITOR},
    # A reporter of the police in Hisingen reads the agreed picture only.
    "police_hisingen": {"draft": HIDDEN, "agreed": HIDDEN, "hisingen": AGREED_READER},
    "coordinator": {"draft": DRAFT_READER, "agreed": AGREED_READER, "hisingen": AGREED_READER},
    # The picture is the two parties' own work: partners, administrators, outsiders see none.
    "partner": {"draft": HIDDEN, "agreed": HIDDEN, "hisingen": HIDDEN},
    "administrator": {"draft": HIDDEN, "agreed": HIDDEN, "hisingen": HIDDEN},
    "outsider": {"draft": HIDDEN, "agreed": HIDDEN, "hisingen": HIDDEN},
    "anonymous": {"draft": ANONYMOUS, "agreed": ANONYMOUS, "hisingen": ANONYMOUS},
}


def _member(username, organisation, role, districts):
    user = User.objects.create_user(username=username)
    Membership.objects.create(user=user, organisation=organisation, role=role).districts.set(
        districts
    )
    return user


def _picture(district, author, start) -> SituationPicture:
    return SituationPicture.objects.create(
        district=district,
        period_kind=PeriodKind.QUARTER,
        period_start=start,
        period_end=Period.starting(PeriodKind.QUARTER, start).end,
        created_by=author,
    )


@pytest.fixture
def pictures(
    organisations, centrum, hisingen, social_centrum, manager_social_centrum, manager_police_centrum
):
    year = timezone.localdate().year - 1
    agreed = _picture(centrum, social_centrum, date(year, 1, 1))
    situation_picture_sign(actor=manager_social_centrum, picture=agreed)
    situation_picture_sign(actor=manager_police_centrum, picture=agreed)
    # Hisingen's managers sign its picture; they are no part of the matrix.
    hisingen_picture = _picture(hisingen, social_centrum, date(year, 4, 1))
    for username, organisation in (
        ("chef.social.hisingen", "sf_hisingen"),
        ("chef.polis.hisingen", "lpo_hisingen"),
    ):
        manager = _member(username, organisations[organisation], Role.MANAGER, [hisingen])
        situation_picture_sign(actor=manager, picture=hisingen_picture)
    return {
        "draft": _picture(centrum, social_centrum, date(year, 7, 1)),
        "agreed": agreed,
        "hisingen": hisingen_picture,
    }


def _log_in(request, client, name):
    if name != "anonymous":
        client.force_login(request.getfixturevalue(name))


def _rolled_back(call):
    with transaction.atomic():
        result = call()
        transaction.set_rollback(True)
    return result


def _sign(client, picture) -> str | int:
    def post():
        before = SituationPictureSignature.objects.filter(picture=picture).count()
        response = client.post(
            reverse("incidents:situationpicture_sign", args=[picture.pk]),
            {"version": picture.version},
        )
        if response.status_code != 302 or response.url.startswith(reverse("login")):
            return response.status_code
        after = SituationPictureSignature.objects.filter(picture=picture).count()
        return "signed" if after > before else "refused"

    return _rolled_back(post)


def _picture_cells(client, picture, listed_ids) -> PicturePages:
    def status(name, method="get"):
        url = reverse(f"incidents:{name}", args=[picture.pk])
        return _rolled_back(lambda: getattr(client, method)(url).status_code)

    return PicturePages(
        listed=picture.pk in listed_ids,
        detail=status("situationpicture_detail"),
        edit=status("situationpicture_update"),
        sign=_sign(client, picture),
        pdf=status("situationpicture_pdf"),
        api=client.get(f"/api/v1/situation-pictures/{picture.pk}/").status_code,
    )


@pytest.mark.parametrize("name", PEOPLE)
def test_it_shows_each_person_the_situation_pictures_as_the_access_rules_say(
    request, client, pictures, name
):
    _log_in(request, client, name)
    response = client.get(reverse("incidents:situationpicture_list"))
    listed_ids = (
        {picture.pk for picture in response.context["pictures"]}
        if response.status_code == 200
        else set()
    )
    actual = {key: _picture_cells(client, picture, listed_ids) for key, picture in pictures.items()}
    wrong = {
        f"{key}.{cell}": f"got {got!r}, expected {want!r}"
        for key, expected in PICTURE_MATRIX[name].items()
        for cell, want in asdict(expected).items()
        if (got := asdict(actual[key])[cell]) != want
    }
    assert wrong == {}


# --- Import runs -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ImportPages:
    """The upload pages of one person (object-free) ..."""

    police_upload: int
    csv_upload: int


@dataclass(frozen=True)
class RunPages:
    """... and what they meet on one run: ``listed`` on the list page, the status of its
    progress page and its polled partial, and what their decision (cancel) does."""

    listed: bool
    detail: int
    progress: int
    decide: str | int


RUN_HIDDEN = RunPages(listed=False, detail=404, progress=404, decide=404)
RUN_ANONYMOUS = RunPages(listed=False, detail=LOGIN, progress=LOGIN, decide=LOGIN)
RUN_OWNER = RunPages(listed=True, detail=200, progress=200, decide="cancelled")
# Members of the organisation who may not import that kind read the run, but decide nothing.
RUN_READER = RunPages(listed=True, detail=200, progress=200, decide=403)

IMPORT_MATRIX: dict[str, tuple[ImportPages, dict[str, RunPages]]] = {
    "police_centrum": (
        ImportPages(police_upload=200, csv_upload=200),
        {"police": RUN_OWNER, "social_csv": RUN_HIDDEN, "bostad_csv": RUN_HIDDEN},
    ),
    "manager_police_centrum": (
        ImportPages(police_upload=200, csv_upload=200),
        {"police": RUN_OWNER, "social_csv": RUN_HIDDEN, "bostad_csv": RUN_HIDDEN},
    ),
    # City staff never see the police's run, in their own district or not.
    "social_centrum": (
        ImportPages(police_upload=403, csv_upload=200),
        {"police": RUN_HIDDEN, "social_csv": RUN_OWNER, "bostad_csv": RUN_HIDDEN},
    ),
    "manager_social_centrum": (
        ImportPages(police_upload=403, csv_upload=200),
        {"police": RUN_HIDDEN, "social_csv": RUN_OWNER, "bostad_csv": RUN_HIDDEN},
    ),
    # Staff of another district and organisation: 404.
    "social_hisingen": (
        ImportPages(police_upload=403, csv_upload=200),
        {"police": RUN_HIDDEN, "social_csv": RUN_HIDDEN, "bostad_csv": RUN_HIDDEN},
    ),
    # A police reporter imports no police events, and reads no other police unit's runs.
    "police_hisingen": (
        ImportPages(police_upload=403, csv_upload=200),
        {"police": RUN_HIDDEN, "social_csv": RUN_HIDDEN, "bostad_csv": RUN_HIDDEN},
    ),
    # Coordinators read the partnership's records, not another organisation's imports.
    "coordinator": (
        ImportPages(police_upload=403, csv_upload=403),
        {"police": RUN_HIDDEN, "social_csv": RUN_HIDDEN, "bostad_csv": RUN_HIDDEN},
    ),
    "partner": (
        ImportPages(police_upload=403, csv_upload=200),
        {"police": RUN_HIDDEN, "social_csv": RUN_HIDDEN, "bostad_csv": RUN_OWNER},
    ),
    "administrator": (
        ImportPages(police_upload=403, csv_upload=403),
        {"police": RUN_HIDDEN, "social_csv": RUN_HIDDEN, "bostad_csv": RUN_HIDDEN},
    ),
    "outsider": (
        ImportPages(police_upload=403, csv_upload=403),
        {"police": RUN_HIDDEN, "social_csv": RUN_HIDDEN, "bostad_csv": RUN_HIDDEN},
    ),
    "anonymous": (
        ImportPages(police_upload=LOGIN, csv_upload=LOGIN),
        {"police": RUN_ANONYMOUS, "social_csv": RUN_ANONYMOUS, "bostad_csv": RUN_ANONYMOUS},
    ),
}


@pytest.fixture
def runs(organisations, police_centrum, social_centrum, partner):
    def run(organisation, kind, started_by):
        # Every run waits for a decision, so that the decision page answers by the rule
        # alone (a police import never stops to ask; the rule does not depend on that).
        return ImportRun.objects.create(
            kind=kind,
            organisation=organisations[organisation],
            started_by=started_by,
            status=ImportStatus.AWAITING_DECISION,
            file_name="rader.csv",
            counts={"rows": 3, "good": 2, "bad": 1},
        )

    return {
        "police": run("lpo_city", ImportKind.POLICE_EVENTS, police_centrum),
        "social_csv": run("sf_centrum", ImportKind.CSV, social_centrum),
        "bostad_csv": run("bostad", ImportKind.CSV, partner),
    }


def _decide(client, run) -> str | int:
    def post():
        response = client.post(
            reverse("incidents:import_run_decide", args=[run.pk]), {"decision": "cancel"}
        )
        if response.status_code != 302 or response.url.startswith(reverse("login")):
            return response.status_code
        run.refresh_from_db()
        return run.status if run.status == ImportStatus.CANCELLED else "unchanged"

    return _rolled_back(post)


def _run_cells(client, run, listed_ids) -> RunPages:
    detail = reverse("incidents:import_run_detail", args=[run.pk])
    return RunPages(
        listed=run.pk in listed_ids,
        detail=client.get(detail).status_code,
        progress=client.get(detail, headers={"HX-Request": "true"}).status_code,
        decide=_decide(client, run),
    )


@pytest.mark.parametrize("name", PEOPLE)
def test_it_shows_each_person_the_import_runs_as_the_access_rules_say(request, client, runs, name):
    _log_in(request, client, name)
    pages, expected_runs = IMPORT_MATRIX[name]
    response = client.get(reverse("incidents:import_run_list"))
    listed_ids = (
        {run.pk for run in response.context["runs"]} if response.status_code == 200 else set()
    )
    actual_pages = ImportPages(
        police_upload=client.get(reverse("incidents:import_police_create")).status_code,
        csv_upload=client.get(reverse("incidents:import_csv_create")).status_code,
    )
    actual = {key: _run_cells(client, run, listed_ids) for key, run in runs.items()}
    wrong = {
        f"{key}.{cell}": f"got {got!r}, expected {want!r}"
        for key, expected in expected_runs.items()
        for cell, want in asdict(expected).items()
        if (got := asdict(actual[key])[cell]) != want
    }
    wrong |= {
        f"pages.{cell}": f"got {got!r}, expected {want!r}"
        for cell, want in asdict(pages).items()
        if (got := asdict(actual_pages)[cell]) != want
    }
    assert wrong == {}
