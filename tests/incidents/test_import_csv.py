"""A partner's CSV file: checked whole, bad rows reported by line, imported on decision."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation

from accounts.models import AuditEvent
from core.identity_numbers import MASK
from incidents.choices import ImportKind, ImportStatus, PlacedBy, SourceKind
from incidents.importers.problems import describe_problem
from incidents.models import ImportRun, Report
from incidents.services.imports import import_run_decide, import_run_execute, import_run_start

HEADER = "external_id;occurred_at;category;description;latitude;longitude;place;severity"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def bostad(organisations):
    return organisations["bostad"]


@pytest.fixture
def run_csv(django_capture_on_commit_callbacks):
    """Upload ``text`` as ``user`` and run the task's service in this process."""

    def run(user, organisation, text, *, encoding="utf-8"):
        upload = SimpleUploadedFile("rapporter.csv", text.encode(encoding), "text/csv")
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            started = import_run_start(
                actor=user, organisation=organisation, kind=ImportKind.CSV, uploaded_file=upload
            )
        assert len(callbacks) == 1  # the task is enqueued once the upload commits
        import_run_execute(run_id=started.pk)
        return ImportRun.objects.get(pk=started.pk)

    return run


def yesterday(hour="21:30"):
    return f"{(timezone.localdate() - timedelta(days=1)).isoformat()} {hour}"


def lines_and_codes(run):
    return [(e["line"], [p["code"] for p in e["problems"]]) for e in run.row_errors]


def test_it_imports_a_good_file_in_one_go(partner, bostad, nordost, run_csv):
    text = "\ufeff" + "\n".join(
        [
            HEADER,
            f"A-1;{yesterday()};klotter;Klotter på tvättstugans dörr;57,7696;12,0221;;1",
            f"A-2;{yesterday('08:00')};nedskrapning;Soptunnor välta vid 121212-1212;;;"
            "hjallbo-centrum;",
            f'A-3;{yesterday("23:15")};storande-grupper;"Grupp vid entrén;\nspringer i trapphus";'
            ";;Hjällbo centrum;3",
        ]
    )
    run = run_csv(partner, bostad, text)

    assert run.status == ImportStatus.DONE, run.row_errors
    assert run.counts["read"] == run.counts["imported"] == 3
    reports = {r.external_id: r for r in Report.objects.all()}
    assert set(reports) == {"A-1", "A-2", "A-3"}
    assert reports["A-1"].district == nordost
    assert reports["A-1"].placed_by == PlacedBy.POINT
    assert reports["A-2"].place.slug == "hjallbo-centrum"
    assert MASK in reports["A-2"].description
    assert "\n" in reports["A-3"].description
    for report in reports.values():
        assert report.reporter == partner
        assert report.organisation == bostad
        assert report.source_kind == SourceKind.PROPERTY_OWNER
    # Each report is audited as if filed by hand, and the run once.
    assert AuditEvent.objects.filter(action="report.created").count() == 3
    assert AuditEvent.objects.get(action="import.csv").details["imported"] == 3


def test_it_reads_a_comma_separated_file_with_the_columns_in_another_order(
    partner, bostad, run_csv
):
    text = f"category,description,occurred_at\nklotter,Tag på busskur,{yesterday()}\n"
    run = run_csv(partner, bostad, text)
    assert run.status == ImportStatus.DONE
    assert Report.objects.get().description == "Tag på busskur"


def test_it_reports_every_bad_row_by_line_and_saves_nothing_until_the_user_decides(
    partner, bostad, run_csv
):
    future = (timezone.localtime() + timedelta(days=2)).strftime("%Y-%m-%d %H:%M")
    text = "\n".join(
        [
            HEADER,  # line 1
            f'B-1;{yesterday()};klotter;"Två rader\ntext";;;;',  # lines 2-3: good
            f"B-2;{yesterday()};finns-inte;Okänd kategori;;;;",  # 4
            f"B-3;{future};klotter;I framtiden;;;;",  # 5
            f"B-4;{yesterday()};klotter;Stockholm;59.3293;18.0686;;",  # 6
            f"B-5;{yesterday()};klotter;;;;;",  # 7
            f"B-1;{yesterday()};klotter;Samma id igen;;;;",  # 8
            f"B-7;{yesterday()};klotter;{'x' * 4001};;;;",  # 9
            f"B-8;{yesterday()};klotter;Allvarlig?;;;;9",  # 10
            f"B-9;{yesterday()};klotter;Bra rad;;;;2",  # 11: good
        ]
    )
    run = run_csv(partner, bostad, text)

    assert run.status == ImportStatus.AWAITING_DECISION
    assert not Report.objects.exists()
    assert lines_and_codes(run) == [
        (4, ["unknown_category"]),
        (5, ["time_in_future"]),
        (6, ["outside_goteborg"]),
        (7, ["missing_value"]),
        (8, ["duplicate_in_file"]),
        (9, ["too_long"]),
        (10, ["bad_severity"]),
    ]
    with translation.override("en"):
        assert describe_problem(run.row_errors[4]["problems"][0]) == (
            "The external id “B-1” is also used on line 2."
        )
    assert (run.counts["good"], run.counts["bad"]) == (2, 7)
    assert not AuditEvent.objects.filter(action="import.csv").exists()


def test_it_imports_exactly_the_good_rows_when_the_user_says_so(
    partner, bostad, run_csv, django_capture_on_commit_callbacks
):
    text = "\n".join(
        [
            HEADER,
            f"C-1;{yesterday()};klotter;Bra;;;;",
            f"C-2;{yesterday()};inte-en-kategori;Dålig;;;;",
            f"C-3;{yesterday()};klotter;Också bra;;;;",
            "C-4;inte-en-tid;klotter;Dålig tid;;;;",
        ]
    )
    run = run_csv(partner, bostad, text)
    assert run.status == ImportStatus.AWAITING_DECISION

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        import_run_decide(actor=partner, run=run, import_good_rows=True)
    assert len(callbacks) == 1
    assert ImportRun.objects.get(pk=run.pk).status == ImportStatus.PENDING
    import_run_execute(run_id=run.pk)

    run.refresh_from_db()
    assert run.status == ImportStatus.DONE
    assert sorted(Report.objects.values_list("external_id", flat=True)) == ["C-1", "C-3"]
    assert run.counts["imported"] == 2
    assert run.counts["skipped"] == {"bad_row": 2}
    assert [e["line"] for e in run.row_errors] == [3, 5]  # still shown after the import


def test_it_imports_nothing_when_the_user_cancels(partner, bostad, run_csv):
    text = f"{HEADER}\nD-1;{yesterday()};klotter;Bra;;;;\nD-2;{yesterday()};nej;Dålig;;;;\n"
    run = run_csv(partner, bostad, text)

    import_run_decide(actor=partner, run=run, import_good_rows=False)

    run.refresh_from_db()
    assert run.status == ImportStatus.CANCELLED
    assert not Report.objects.exists()
    assert AuditEvent.objects.get(action="import.csv").details["status"] == "cancelled"


def test_it_refuses_rows_already_imported_so_a_file_sent_twice_adds_nothing(
    partner, bostad, run_csv
):
    text = f"{HEADER}\nE-1;{yesterday()};klotter;Bra;;;;\n"
    assert run_csv(partner, bostad, text).status == ImportStatus.DONE

    again = run_csv(partner, bostad, text)

    assert again.status == ImportStatus.FAILED
    assert lines_and_codes(again) == [(2, ["already_imported"])]
    assert Report.objects.count() == 1


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("", "no_header"),
        ("external_id;occurred_at;category\n", "missing_columns"),
        ("occurred_at;category;description;colour\n", "unknown_columns"),
        ("occurred_at;category;description\n\n", "no_rows"),
    ],
)
def test_it_fails_a_file_it_cannot_read_with_a_reason(partner, bostad, run_csv, text, code):
    run = run_csv(partner, bostad, text or "\n")
    assert run.status == ImportStatus.FAILED
    assert run.counts["failure"]["code"] == code
    assert run.message


def test_it_fails_a_file_that_is_not_utf8(partner, bostad, run_csv):
    text = f"occurred_at;category;description\n{yesterday()};klotter;Skräp på gården\n"
    run = run_csv(partner, bostad, text, encoding="cp1252")
    assert run.counts["failure"] == {"code": "not_utf8", "params": {"line": "2"}}
