"""Importing the Police's events feed into reports, on the real files and on small ones."""

import gzip
import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from accounts.models import AuditEvent
from core.identity_numbers import MASK
from incidents.choices import ImportStatus, PlacedBy, ReportStatus, SourceKind
from incidents.importers.polisen import is_bundle_type, is_goteborg
from incidents.models import ImportRun, Report
from incidents.services.imports import police_events_import_file

# The shared data lives next to the repository and is never copied into it.
DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data"


def shared_file(name: str) -> Path:
    path = DATA / name
    if not path.is_file():
        pytest.skip(f"{path} is missing: these tests read the shared police data next to the repo")
    return path


def event(**fields):
    base = {
        "id": 900001,
        "datetime": "2024-03-02 22:10:05 +01:00",
        "name": "2 mars 21:40, Misshandel, Göteborg",
        "summary": "En man misshandlad.",
        "url": "/aktuellt/handelser/2024/mars/2/2-mars-2140-misshandel-goteborg/",
        "type": "Misshandel",
        "location": {"name": "Göteborg", "gps": "57.70887,11.97456"},
    }
    return {**base, **fields}


@pytest.fixture
def police(organisations):
    return organisations["lpo_city"]


@pytest.fixture
def write_events(tmp_path):
    def write(events, name="events.json", *, gzipped=False):
        data = json.dumps(events, ensure_ascii=False).encode()
        path = tmp_path / name
        path.write_bytes(gzip.compress(data) if gzipped else data)
        return path

    return write


def test_it_imports_the_goteborg_file_twice_without_adding_a_report_the_second_time(police):
    path = shared_file("polisen_events_goteborg_2022-09_2026-08.json")
    events = json.loads(path.read_text(encoding="utf-8"))
    bundles = sum(1 for e in events if is_bundle_type(e["type"]))

    run, first = police_events_import_file(organisation=police, path=path)
    assert first.read == len(events) == 1576
    assert first.adds_up()
    assert first.skipped["bundle_type"] == bundles
    assert first.imported == len(events) - sum(first.skipped.values())
    assert Report.objects.filter(organisation=police).count() == first.imported
    assert run.status == ImportStatus.DONE
    assert run.counts["read"] == 1576 and run.processed == run.total == 1576

    run, second = police_events_import_file(organisation=police, path=path)
    assert second.adds_up()
    assert (second.imported, second.updated) == (0, 0)
    assert second.unchanged == first.imported
    assert Report.objects.filter(organisation=police).count() == first.imported
    assert AuditEvent.objects.filter(action="import.police_events").count() == 2


def test_it_keeps_only_the_goteborg_events_of_the_all_sweden_snapshot(police):
    path = shared_file("polisen_events_snapshot_1df068af.json")
    events = json.loads(path.read_text(encoding="utf-8"))
    expected = {str(e["id"]) for e in events if is_goteborg(e) and not is_bundle_type(e["type"])}

    _, summary = police_events_import_file(organisation=police, path=path)

    assert summary.read == 500
    assert summary.adds_up()
    assert summary.skipped["not_goteborg"] == sum(1 for e in events if not is_goteborg(e))
    imported = set(Report.objects.values_list("external_id", flat=True))
    assert imported == expected
    assert expected  # the snapshot does hold Göteborg events
    for report in Report.objects.all():
        assert report.source_kind == SourceKind.POLICE_EVENT
        assert report.organisation == police
        assert report.confidentiality == "partnership"


def test_it_places_an_event_by_the_place_named_in_its_summary(police, nordost, write_events):
    # The gps is Centrum's; the summary's Hjällbo decides, the centroid never does.
    path = write_events(
        [
            event(id=1, summary="Skottlossning i Hjällbo, en man skadad.", type="Skottlossning"),
            event(id=2, summary="En bil har körts in i ett staket.", type="Trafikolycka"),
        ]
    )
    police_events_import_file(organisation=police, path=path)

    placed = Report.objects.get(external_id="1")
    assert placed.district == nordost
    assert placed.placed_by == PlacedBy.GAZETTEER
    assert placed.category.code == "skjutning-explosion"
    assert placed.severity == 4
    unplaced = Report.objects.get(external_id="2")
    assert unplaced.district is None
    assert unplaced.placed_by == PlacedBy.UNPLACED
    assert (unplaced.latitude, unplaced.longitude) == (None, None)


def test_it_masks_a_personnummer_in_a_summary(police, write_events):
    path = write_events([event(summary="Efterlyst man, 121212-1212, gripen vid Järntorget.")])
    run, summary = police_events_import_file(organisation=police, path=path)

    report = Report.objects.get()
    assert "121212-1212" not in report.description
    assert MASK in report.description
    assert summary.masked_identity_numbers == 1
    assert run.counts["masked_identity_numbers"] == 1


def test_it_reads_a_gzipped_file_from_the_command_line(police, write_events):
    path = write_events(
        [event(id=1), event(id=2, name="3 mars 01.10, Rån, Göteborg", type="Rån")],
        name="events.json.gz",
        gzipped=True,
    )
    out = StringIO()
    call_command("import_polisen_events", str(path), organisation=police.slug, stdout=out)

    assert Report.objects.count() == 2
    assert "read 2: imported 2, updated 0, unchanged 0, skipped 0" in out.getvalue()


def test_it_updates_what_changed_and_leaves_the_analysts_status_alone(police, write_events):
    police_events_import_file(organisation=police, path=write_events([event()]))
    Report.objects.update(status=ReportStatus.REVIEWED)

    changed = write_events([event(summary="En man misshandlad vid Brunnsparken.")], "v2.json")
    _, summary = police_events_import_file(organisation=police, path=changed)

    assert (summary.imported, summary.updated, summary.unchanged) == (0, 1, 0)
    report = Report.objects.get()
    assert "Brunnsparken" in report.description
    assert report.status == ReportStatus.REVIEWED


def test_it_counts_every_record_once_whatever_becomes_of_it(police, write_events):
    path = write_events(
        [
            event(id=1),
            event(id=1),  # twice in the same file: the second finds the first
            event(id=2, type="Sammanfattning natt"),
            event(id=3, type="Uppdatering"),
            event(id=4, name="2 mars 21:40, Brand, Borås", location={"name": "Borås"}),
            event(id=5, name="Misshandel, Göteborg"),
            event(id=6, name="2 mars 21:40, Ny typ, Göteborg", type="Ny typ"),
            "not an event",
            event(id=7, name="2 mars 21:40, Brand, Göteborg", datetime="2099-03-02 22:00 +01:00"),
        ]
    )
    run, summary = police_events_import_file(organisation=police, path=path)

    assert summary.read == 9
    assert summary.adds_up()
    assert (summary.imported, summary.unchanged) == (2, 1)
    assert summary.skipped == {"bundle_type": 2, "not_goteborg": 1, "bad_record": 3}
    assert summary.unknown_types == {"Ny typ": 1}
    assert Report.objects.get(external_id="6").category.code == "ovrigt-annat"
    assert [entry["record"] for entry in run.row_errors] == [6, 8, 9]
    assert AuditEvent.objects.get(action="import.police_events").details["read"] == 9


def test_it_fails_a_truncated_file_before_writing_anything(police, tmp_path):
    path = tmp_path / "cut.json"
    path.write_text(json.dumps([event(id=n) for n in range(10)])[:-40], encoding="utf-8")

    with pytest.raises(CommandError):
        call_command(
            "import_polisen_events", str(path), organisation=police.slug, stderr=StringIO()
        )

    assert not Report.objects.exists()
    run = ImportRun.objects.get()
    assert run.status == ImportStatus.FAILED
    assert run.counts["failure"]["code"] == "not_a_json_list"
    assert AuditEvent.objects.get(action="import.police_events").details["status"] == "failed"


def test_it_refuses_an_organisation_that_is_not_the_police(organisations, write_events):
    with translation.override("en"), pytest.raises(CommandError, match="not a police organisation"):
        call_command(
            "import_polisen_events",
            str(write_events([event()])),
            organisation=organisations["sf_centrum"].slug,
        )
    assert not ImportRun.objects.exists()
