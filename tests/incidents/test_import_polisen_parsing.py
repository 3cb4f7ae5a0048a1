"""The traps of the police events feed, on small records written here (no database)."""

import gzip
import io
import json
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from incidents.importers.jsonstream import JsonStreamError, iter_json_list, open_text
from incidents.importers.polisen import (
    EventProblem,
    event_time,
    is_bundle_type,
    is_goteborg,
    parse_published,
    read_event,
)

STOCKHOLM = ZoneInfo("Europe/Stockholm")


def record(**fields):
    base = {
        "id": 1,
        "datetime": "2023-03-02 22:10:05 +01:00",
        "name": "2 mars 21:40, Misshandel, Göteborg",
        "summary": "En man misshandlad.",
        "url": "/aktuellt/handelser/2023/mars/2/",
        "type": "Misshandel",
        "location": {"name": "Göteborg", "gps": "57.70887,11.97456"},
    }
    return {**base, **fields}


def test_it_reads_a_publication_hour_without_its_leading_zero():
    published = parse_published("2025-06-07 7:32:06 +02:00")
    assert published == datetime(2025, 6, 7, 7, 32, 6, tzinfo=STOCKHOLM)


def test_it_takes_the_event_time_from_the_name_not_the_publication():
    occurred = event_time(
        name="13 oktober 05:15, Mord/dråp, Göteborg", published="2022-10-13 15:18:42 +02:00"
    )
    assert occurred == datetime(2022, 10, 13, 5, 15, tzinfo=STOCKHOLM)


def test_it_reads_the_newer_dot_between_hour_and_minute():
    occurred = event_time(
        name="22 augusti 07.20, Misshandel, Göteborg", published="2026-08-22 8:30:20 +02:00"
    )
    assert occurred == datetime(2026, 8, 22, 7, 20, tzinfo=STOCKHOLM)


def test_it_reads_an_unpadded_hour_in_the_name_too():
    occurred = event_time(name="5 maj 7.05, Brand, Göteborg", published="2024-05-05 9:01:00 +02:00")
    assert occurred == datetime(2024, 5, 5, 7, 5, tzinfo=STOCKHOLM)


def test_it_puts_a_new_years_eve_event_published_on_new_years_day_in_the_old_year():
    occurred = event_time(
        name="31 december 23.30, Brand, Göteborg", published="2026-01-01 6:50:38 +01:00"
    )
    assert occurred == datetime(2025, 12, 31, 23, 30, tzinfo=STOCKHOLM)


def test_it_keeps_a_new_years_day_event_in_the_new_year():
    occurred = event_time(
        name="1 januari 00.40, Brand, Göteborg", published="2026-01-01 2:10:00 +01:00"
    )
    assert occurred == datetime(2026, 1, 1, 0, 40, tzinfo=STOCKHOLM)


def test_it_uses_swedish_summer_time_for_the_event():
    occurred = event_time(name="1 juli 12:00, Stöld, Göteborg", published="2023-07-01 13:00 +02:00")
    assert occurred.utcoffset().total_seconds() == 2 * 3600


@pytest.mark.parametrize(
    "name",
    ["Misshandel, Göteborg", "13 oktobre 05:15, Brand, Göteborg", "13 oktober 25:15, Brand, x"],
)
def test_it_refuses_a_name_without_a_readable_time(name):
    with pytest.raises(EventProblem):
        event_time(name=name, published="2022-10-13 15:18:42 +02:00")


def test_it_refuses_an_unreadable_publication_time():
    with pytest.raises(EventProblem) as caught:
        read_event(record(datetime="igår"))
    assert caught.value.problem["code"] == "bad_publication_time"


def test_it_knows_goteborg_by_location_until_2026():
    assert is_goteborg(record())
    assert not is_goteborg(
        record(name="2 mars 21:40, Misshandel, Mölndal", location={"name": "Mölndal"})
    )


def test_it_knows_goteborg_by_the_last_part_of_the_name_since_the_county_came_in_2026():
    county = {"name": "Västra Götalands län", "gps": "58.252793,13.059643"}
    assert is_goteborg(
        record(name="20 januari 12.04, Trafikolycka, personskada, Göteborg", location=county)
    )
    assert not is_goteborg(record(name="20 januari 12.04, Brand, Borås", location=county))


def test_it_does_not_mistake_a_longer_name_for_goteborg():
    assert not is_goteborg(
        record(name="2 mars 21:40, Brand, Göteborgs hamn", location={"name": "Öckerö"})
    )


@pytest.mark.parametrize(
    ("event_type", "bundle"),
    [
        ("Sammanfattning natt", True),
        ("Sammanfattning kväll och natt", True),
        ("Uppdatering", True),
        ("Misshandel", False),
        ("Mord/dråp, försök", False),
    ],
)
def test_it_knows_the_types_that_bundle_several_incidents(event_type, bundle):
    assert is_bundle_type(event_type) is bundle


def test_it_reads_the_police_id_as_the_external_id():
    event = read_event(record(id=376000))
    assert event.external_id == "376000"
    assert event.event_type == "Misshandel"


def test_it_streams_a_json_list_element_by_element_across_chunks():
    events = [record(id=n, summary="å" * (n % 50)) for n in range(300)]
    text = io.StringIO(json.dumps(events, ensure_ascii=False, indent=1))
    read = list(iter_json_list(text, chunk_size=37))
    assert read == events


def test_it_reads_a_number_that_straddles_two_chunks_whole():
    assert list(iter_json_list(io.StringIO("[1234567, 89]"), chunk_size=3)) == [1234567, 89]


def test_it_opens_gzipped_and_plain_files_alike_whatever_their_name():
    payload = json.dumps([record()], ensure_ascii=False).encode()
    for data in (payload, gzip.compress(payload), b"\xef\xbb\xbf" + payload):
        assert list(iter_json_list(open_text(io.BytesIO(data)))) == [record()]


@pytest.mark.parametrize(
    "text",
    ['{"id": 1}', '[{"id": 1}, {"id": 2}', '[{"id": 1} {"id": 2}]', "[1] x", "", '[{"id": 1,'],
)
def test_it_refuses_what_is_not_one_whole_json_list(text):
    with pytest.raises(JsonStreamError):
        list(iter_json_list(io.StringIO(text), chunk_size=4))


def test_it_refuses_a_truncated_gzip_file():
    data = gzip.compress(json.dumps([record()] * 50).encode())
    with pytest.raises(JsonStreamError):
        list(iter_json_list(open_text(io.BytesIO(data[: len(data) // 2]))))
