"""Fuzzing the import parsers (partners' CSV, the police events feed, plain and gzipped) and
the identity-number masking with hypothesis: whatever the input, the only exceptions are the
ones that name a file's problem; rows and records are refused with a message, never by a
database error. The examples run are counted and printed with the hostile-input cases."""

import gzip
import io
import json

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from areas.selectors import DistrictLocator
from core.identity_numbers import MASK, find_identity_numbers, mask_identity_numbers
from incidents.importers import csv_reports
from incidents.importers.jsonstream import (
    JsonStreamError,
    UnpackedTooLarge,
    iter_json_list,
    open_text,
)
from incidents.importers.polisen import PoliceEventImporter
from incidents.services.imports import ImportFileError, police_events_import_file
from tests.incidents.test_import_polisen import event

FIXTURES = [HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large]
# Any character, lone surrogates and NUL included (hypothesis leaves surrogates out of text()).
ANY_CHAR = st.characters(codec=None, exclude_categories=())
NASTY = st.sampled_from(
    [
        "\x00",
        "\ud800",
        ";",
        ",",
        '"',
        "\n",
        "\r",
        "=",
        "-1e309",
        "1e400",
        "9" * 5000,
        "19121212-1212",
        "0001-01-01 00:00",
        "<script>",
        "\u202e",
        "🔥",
        "{{ x }}",
    ]
)
FIELD = st.one_of(st.text(ANY_CHAR, max_size=30), NASTY, st.lists(NASTY, max_size=3).map("".join))


@pytest.fixture
def locator(geography):
    return DistrictLocator.from_db()


def _csv_text(header: list[str], rows: list[list[str]], separator: str) -> str:
    def cell(value: str) -> str:
        if any(mark in value for mark in (separator, '"', "\n", "\r")):
            return '"' + value.replace('"', '""') + '"'
        return value

    lines = [separator.join(header)] + [separator.join(cell(v) for v in row) for row in rows]
    return "\n".join(lines)


@settings(max_examples=60, deadline=None, suppress_health_check=FIXTURES)
@given(
    columns=st.permutations(csv_reports.COLUMNS),
    rows=st.lists(st.lists(FIELD, min_size=0, max_size=10), min_size=1, max_size=5),
    separator=st.sampled_from([";", ","]),
    raw=st.booleans(),
    noise=st.binary(max_size=200),
)
def test_it_reads_any_csv_as_rows_or_a_file_problem(
    columns, rows, separator, raw, noise, organisations, partner, locator, count_cases
):
    count_cases["fuzz examples"] += 1
    data = (
        noise if raw else _csv_text(list(columns), rows, separator).encode("utf-8", "surrogatepass")
    )
    try:
        check = csv_reports.csv_check(data, organisation=organisations["bostad"], locator=locator)
    except csv_reports.CsvFileError:
        return
    assert check.total == len(check.good) + len(check.bad)
    with transaction.atomic():
        imported, refused, _masked = csv_reports.csv_import_rows(
            rows=check.good, actor=partner, organisation=organisations["bostad"]
        )
        assert imported + len(refused) in (0, len(check.good))
        transaction.set_rollback(True)


JSON_VALUE = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(ANY_CHAR, max_size=20),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3)
    ),
    max_leaves=12,
)
RECORD = st.fixed_dictionaries(
    {},
    optional={
        "id": st.one_of(st.integers(), FIELD, st.integers(min_value=10**200)),
        "datetime": st.one_of(FIELD, st.just("2024-03-02 22:10:05 +01:00")),
        "name": st.one_of(FIELD, st.just("2 mars 21:40, Misshandel, Göteborg")),
        "summary": FIELD,
        "url": FIELD,
        "type": st.one_of(FIELD, st.just("Misshandel")),
        "location": st.one_of(JSON_VALUE, st.just({"name": "Göteborg"})),
    },
).map(lambda fields: {**event(), **fields})


@settings(max_examples=60, deadline=None, suppress_health_check=FIXTURES)
@given(records=st.lists(st.one_of(RECORD, JSON_VALUE), max_size=6))
def test_it_imports_any_records_or_names_why_not(records, organisations, geography, count_cases):
    count_cases["fuzz examples"] += 1
    importer = PoliceEventImporter(organisation=organisations["lpo_city"], batch_size=3)
    with transaction.atomic():
        summary = importer.run(records)
        transaction.set_rollback(True)
    assert summary.adds_up()


@settings(max_examples=150, deadline=None, suppress_health_check=FIXTURES)
@given(
    data=st.one_of(
        st.binary(max_size=300),
        st.lists(JSON_VALUE, max_size=5).map(
            lambda value: json.dumps(value).encode("utf-8", "surrogatepass")
        ),
        st.text(st.sampled_from(' \t\n[]{},":0123456789eE.-+truefalsn\\'), max_size=300).map(
            str.encode
        ),
    ),
    gzipped=st.booleans(),
    cut=st.integers(min_value=0, max_value=400),
)
def test_it_streams_any_bytes_as_json_records_or_a_file_problem(data, gzipped, cut, count_cases):
    count_cases["fuzz examples"] += 1
    if gzipped:
        data = gzip.compress(data)[: cut or None]
    try:
        for _record in iter_json_list(open_text(io.BytesIO(data), max_bytes=1 << 20)):
            pass
    except (JsonStreamError, UnpackedTooLarge):
        pass


@settings(max_examples=25, deadline=None, suppress_health_check=FIXTURES)
@given(records=st.lists(st.one_of(RECORD, JSON_VALUE), max_size=4), gzipped=st.booleans())
def test_it_runs_any_police_file_to_an_end_or_a_named_failure(
    records, gzipped, organisations, geography, tmp_path, count_cases
):
    count_cases["fuzz examples"] += 1
    data = json.dumps(records).encode("utf-8", "surrogatepass")
    path = tmp_path / "events.json.gz"
    path.write_bytes(gzip.compress(data) if gzipped else data)
    with transaction.atomic():
        try:
            run, _summary = police_events_import_file(
                organisation=organisations["lpo_city"], path=path
            )
            assert run.status == "done"
        except ImportFileError as exc:
            assert exc.code != "unexpected"
        transaction.set_rollback(True)


@settings(max_examples=300, deadline=None, suppress_health_check=FIXTURES)
@given(
    text=st.text(ANY_CHAR, max_size=200)
    | st.lists(st.one_of(NASTY, st.text(ANY_CHAR, max_size=5)), max_size=8).map("".join),
    max_length=st.none() | st.integers(min_value=0, max_value=300),
)
def test_it_masks_any_text_without_leaving_a_number(text, max_length, count_cases):
    count_cases["fuzz examples"] += 1
    masked, count = mask_identity_numbers(text, max_length=max_length)
    assert count == len(find_identity_numbers(text))
    if max_length is not None and count:
        assert len(masked) <= max_length
    if count:
        assert find_identity_numbers(masked) == [] or MASK in masked
    else:
        assert masked == text
