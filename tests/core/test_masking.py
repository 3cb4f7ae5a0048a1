"""Identity numbers are masked on every road into the database (issue #9, item 3).

The same numbers, spelled as the probe spelled them, go through the report form, the API
(single, bulk, change), the CSV import, the police import, the admin, the plans API and the
ORM's own bulk paths; each test reads back the whole row as PostgreSQL holds it. The
inventory test keeps a new free-text column from being added without the masking field.
"""

import json
from datetime import timedelta

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, models
from django.urls import reverse
from django.utils import timezone

from accounts.choices import ApiScope
from core.fields import MaskedCharField, MaskedJSONField, MaskedTextField
from core.identity_numbers import MASK
from incidents.choices import ImportKind, ImportStatus, PeriodKind
from incidents.models import Category, ImportRun, Report, SituationPicture
from incidents.services.imports import (
    import_run_decide,
    import_run_execute,
    import_run_start,
    police_events_import_file,
)
from incidents.services.situation import situation_picture_create, situation_picture_update
from plans.models import FollowUp, Measure
from tests.api.conftest import report_payload

# The spellings the probe found unmasked, and two more: a glued "nr:" and none at all.
NUMBERS = [
    "pnr-19121212-1212",
    "19121212\u20131212",
    "19121212.1212",
    "x-811218-9876",
    "nr:8112189876",
    "19811278 9873",
]
# What must never reach a row: each number's date of birth, and serials, as digits.
DIGITS = ["121212", "811218", "811278", "9876", "9873"]
TEXT = "Sågs vid porten: " + ", ".join(NUMBERS) + "."


def stored_row(model, pk) -> str:
    """The row as PostgreSQL holds it, every column (a generated search vector too), as text:
    read with SQL, so no field of ours stands between."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT row_to_json(t)::text FROM {model._meta.db_table} t WHERE id = %s",  # noqa: S608
            [pk],
        )
        return cursor.fetchone()[0]


def assert_masked(model, pk, *, expect_mask=True) -> None:
    row = stored_row(model, pk)
    # Timestamps' microseconds and ids are digits too ("04:41:57.698736" holds "9873"): only
    # what was written as text or JSON is searched.
    values = json.loads(row)
    written = json.dumps(
        [v for k, v in values.items() if not (k == "id" or k.endswith(("_at", "_id")))],
        ensure_ascii=False,
    )
    assert not [digits for digits in DIGITS if digits in written], row
    if expect_mask:
        assert MASK in row, row


# --- The inventory: every free-text column masks ----------------------------------------------

CONFIDENTIAL_APPS = ("incidents", "plans")
# Columns of those apps that are not free text: machine codes and figures Trygg computes.
NOT_FREE_TEXT = {
    "incidents.Category.code",  # a slug
    "incidents.Category.police_event_types",  # the Police's vocabulary, matched as is
    "incidents.ImportRun.counts",  # numbers
    "incidents.SituationPicture.figures",  # computed from reports, frozen when agreed
    "plans.PriorityDecision.breakdown",  # computed scores
    "plans.EvaluationDesignRevision.previous",  # the design before: area ids, dates, codes
}


def _free_text_columns():
    for app in CONFIDENTIAL_APPS:
        for model in apps.get_app_config(app).get_models():
            for field in model._meta.concrete_fields:
                name = f"{model._meta.label}.{field.name}"
                text = isinstance(field, models.CharField | models.TextField | models.JSONField)
                if text and not field.choices and name not in NOT_FREE_TEXT:
                    yield name, field


FREE_TEXT_COLUMNS = dict(_free_text_columns())


def test_it_knows_every_confidential_model_s_free_text():
    assert {"incidents.Report.description", "incidents.Report.external_id"} <= set(
        FREE_TEXT_COLUMNS
    )
    assert "plans.FollowUp.note" in FREE_TEXT_COLUMNS
    assert len(FREE_TEXT_COLUMNS) >= 35


@pytest.mark.parametrize("name", sorted(FREE_TEXT_COLUMNS))
def test_it_masks_in_every_free_text_column(name):
    field = FREE_TEXT_COLUMNS[name]
    assert isinstance(field, MaskedCharField | MaskedTextField | MaskedJSONField), (
        f"{name} is free text: make it a core.fields masking field"
    )
    value = {"text": TEXT} if isinstance(field, models.JSONField) else TEXT
    prepared = json.dumps(field.get_prep_value(value), ensure_ascii=False)
    assert MASK in prepared
    assert not [digits for digits in DIGITS if digits in prepared]


def test_it_needs_no_migration_for_masking():
    field = Report._meta.get_field("description")
    assert field.deconstruct()[1] == "django.db.models.TextField"


# --- Reports: every road ----------------------------------------------------------------------


def test_it_masks_a_report_filed_on_the_form(client, social_centrum, category, organisations):
    client.force_login(social_centrum)
    response = client.post(
        reverse("incidents:report_create"),
        {
            "organisation": organisations["sf_centrum"].pk,
            "category": category.pk,
            "occurred_at": (timezone.localtime() - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
            "description": TEXT,
            "place_name": "Brunnsparken",
            "severity": "3",
            "confidentiality": "partnership",
        },
        follow=True,
    )
    report = Report.objects.get()
    assert_masked(Report, report.pk)
    assert report.description.count(MASK) == len(NUMBERS)
    html = response.content.decode()
    assert "personnummer" in html or "identity number" in html  # the writer is told


@pytest.fixture
def bostad_token(make_api_client):
    return make_api_client()


@pytest.mark.parametrize("number", NUMBERS)
def test_it_masks_the_external_id_and_text_of_a_report_filed_through_the_api(
    api, bostad_token, number
):
    response = api.post(
        "/api/v1/reports/",
        report_payload(external_id=number, description=f"Mannen {number} sågs."),
        format="json",
        headers=bostad_token.headers,
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert MASK in body["external_id"] and MASK in body["description"]
    assert_masked(Report, body["id"])
    # Sent again, the id is known by its masked form: the same report, not a second one.
    again = api.post(
        "/api/v1/reports/",
        report_payload(external_id=number),
        format="json",
        headers=bostad_token.headers,
    )
    assert (again.status_code, again.json()["id"]) == (200, body["id"])


def test_it_masks_reports_filed_in_bulk_through_the_api(api, bostad_token):
    # Ids that differ besides the number: masked, they must stay apart.
    items = [
        report_payload(external_id=f"R{index}-{number}", description=f"Sågs: {number}")
        for index, number in enumerate(NUMBERS)
    ]
    response = api.post(
        "/api/v1/reports/bulk/", {"reports": items}, format="json", headers=bostad_token.headers
    )
    assert response.status_code == 200, response.json()
    assert response.json()["created"] == len(NUMBERS)
    for report in Report.objects.all():
        assert_masked(Report, report.pk)


def test_it_masks_a_report_changed_through_the_api(api, bostad_token):
    filed = api.post(
        "/api/v1/reports/", report_payload(), format="json", headers=bostad_token.headers
    ).json()
    response = api.patch(
        f"/api/v1/reports/{filed['id']}/",
        {"description": TEXT},
        format="json",
        headers=bostad_token.headers,
    )
    assert response.status_code == 200, response.json()
    assert_masked(Report, filed["id"])


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_it_masks_the_external_id_and_text_of_a_csv_import(
    partner, organisations, nordost, media, django_capture_on_commit_callbacks
):
    when = (timezone.localdate() - timedelta(days=1)).isoformat() + " 21:30"
    lines = ["external_id;occurred_at;category;description;place"]
    lines += [
        f"R{index}-{n};{when};klotter;Klotter, {n};hjallbo-centrum"
        for index, n in enumerate(NUMBERS)
    ]
    # The same number under another spelling is the same id once masked: refused as a twin.
    lines.append(f"R0-pnr-19121212\u20141212;{when};klotter;Klotter;hjallbo-centrum")
    upload = SimpleUploadedFile("rapporter.csv", "\n".join(lines).encode(), "text/csv")
    with django_capture_on_commit_callbacks(execute=False):
        started = import_run_start(
            actor=partner,
            organisation=organisations["bostad"],
            kind=ImportKind.CSV,
            uploaded_file=upload,
        )
    import_run_execute(run_id=started.pk)
    run = ImportRun.objects.get(pk=started.pk)
    assert run.status == ImportStatus.AWAITING_DECISION, run.row_errors
    assert [entry["line"] for entry in run.row_errors] == [len(NUMBERS) + 2]
    assert_masked(ImportRun, run.pk)  # the refused row's id, as the run keeps it

    with django_capture_on_commit_callbacks(execute=False):
        import_run_decide(actor=partner, run=run, import_good_rows=True)
    import_run_execute(run_id=run.pk)
    reports = Report.objects.all()
    assert reports.count() == len(NUMBERS)
    for report in reports:
        assert_masked(Report, report.pk)
    assert ImportRun.objects.get(pk=run.pk).counts["masked_identity_numbers"] == 2 * len(NUMBERS)


def test_it_masks_the_id_and_text_of_a_police_event(organisations, geography, tmp_path):
    path = tmp_path / "events.json"
    path.write_text(
        json.dumps(
            [
                {
                    "id": "pnr-19121212-1212",
                    "datetime": "2024-03-02 22:10:05 +01:00",
                    "name": "2 mars 21:40, Misshandel, Göteborg",
                    "summary": f"En man misshandlad. {TEXT}",
                    "url": "/aktuellt/handelser/2024/mars/2/misshandel-goteborg/",
                    "type": "Misshandel",
                    "location": {"name": "Göteborg", "gps": "57.70887,11.97456"},
                }
            ]
        )
    )
    _run, summary = police_events_import_file(organisation=organisations["lpo_city"], path=path)
    report = Report.objects.get()
    assert report.external_id == f"pnr-{MASK}"
    assert_masked(Report, report.pk)
    assert summary.masked_identity_numbers == len(NUMBERS) + 1
    # A second run finds the same (masked) id: nothing new, nothing changed.
    _run, again = police_events_import_file(organisation=organisations["lpo_city"], path=path)
    assert (again.imported, again.updated, again.unchanged) == (0, 0, 1)


def test_it_masks_what_an_administrator_types_in_the_admin(admin_client, category):
    url = reverse("admin:incidents_category_change", args=[category.pk])
    form = admin_client.get(url).context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None}
    data |= {
        "name": f"Narkotika {NUMBERS[0]}",
        "police_event_types": json.dumps(category.police_event_types),
        "parent": category.parent_id or "",
    }
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert_masked(Category, category.pk)


# --- The ORM's own bulk roads: no service, still no number --------------------------------------


def test_it_masks_on_bulk_create_bulk_update_and_update(make_report, organisations, category):
    created = Report.objects.bulk_create(
        [
            Report(
                category=category,
                occurred_at=timezone.now(),
                organisation=organisations["sf_centrum"],
                source_kind="field_observation",
                description=TEXT,
                external_id=NUMBERS[0],
            )
        ]
    )[0]
    assert_masked(Report, created.pk)

    updated = make_report()
    updated.description, updated.place_text = TEXT, NUMBERS[1]
    Report.objects.bulk_update([updated], ["description", "place_text"])
    assert_masked(Report, updated.pk)

    changed = make_report()
    Report.objects.filter(pk=changed.pk).update(description=TEXT, external_id=NUMBERS[3])
    assert_masked(Report, changed.pk)

    saved = make_report(description=TEXT)
    assert MASK in saved.description  # the instance shows what the row holds
    assert_masked(Report, saved.pk)


def test_it_cuts_a_masked_external_id_to_its_column(make_report):
    report = make_report(external_id="A" * 90 + NUMBERS[4])
    stored = Report.objects.get(pk=report.pk).external_id
    assert len(stored) == 100 and stored.startswith("A" * 90)
    assert_masked(Report, report.pk, expect_mask=False)


# --- The other models' free texts -----------------------------------------------------------


def test_it_masks_a_follow_up_recorded_through_the_api(api, make_api_client, agreed_plan, measure):
    police = make_api_client(
        "lpo-city-indikatorer",
        organisation="lpo_city",
        scopes=(ApiScope.PLANS_READ, ApiScope.PLANS_WRITE),
        districts=("centrum",),
    )
    response = api.post(
        "/api/v1/follow-ups/",
        {
            "measure": measure.pk,
            "date": timezone.localdate().isoformat(),
            "status": "started",
            "note": TEXT,
        },
        format="json",
        headers=police.headers,
    )
    assert response.status_code == 201, response.json()
    assert response.json()["masked_identity_numbers"] == len(NUMBERS)
    assert_masked(FollowUp, response.json()["id"])


def test_it_masks_measures_and_follow_ups_written_in_bulk(measure, social_centrum):
    Measure.objects.filter(pk=measure.pk).update(title=NUMBERS[0], public_text=TEXT)
    assert_masked(Measure, measure.pk)
    written = FollowUp.objects.bulk_create(
        [
            FollowUp(
                measure=measure,
                date=timezone.localdate(),
                status="started",
                note=TEXT,
                created_by=social_centrum,
            )
        ]
    )[0]
    assert_masked(FollowUp, written.pk)


def test_it_masks_a_situation_picture_s_texts(social_centrum, centrum):
    today = timezone.localdate()
    picture = situation_picture_create(
        actor=social_centrum,
        district=centrum,
        period_kind=PeriodKind.MONTH,
        period_start=today.replace(day=1),
    )
    written = situation_picture_update(
        actor=social_centrum,
        picture=picture,
        version=picture.version,
        summary=TEXT,
        assessment=NUMBERS[2],
    )
    assert written.masked_identity_numbers == len(NUMBERS) + 1
    assert_masked(SituationPicture, picture.pk)
