"""Import of the Police's public events feed (polisen.se ``/api/events``) as reports.

A record looks like this (``shared/data/README.md``)::

    {"id": 376000, "datetime": "2022-10-13 15:18:42 +02:00",
     "name": "13 oktober 05:15, Mord/dråp, Göteborg", "summary": "Kvinna hittad avliden",
     "url": "/aktuellt/handelser/2022/oktober/13/...", "type": "Mord/dråp",
     "location": {"name": "Göteborg", "gps": "57.70887,11.97456"}}

and hides traps that decide how it is read:

- ``datetime`` is when the police *published*; the event's own day and time are at the start
  of ``name``, as "05:15" in older records and "05.15" in newer ones, without a year. The
  year is the publication's, or the one before when that would put the event after its
  publication (an event of 31 December published on 1 January).
- The hour in ``datetime`` may lack its leading zero ("2025-06-07 7:32:06 +02:00").
- ``location.gps`` is the centroid of the municipality or county, never the incident's spot,
  so it is not used at all: events are placed by the place names in their summary.
- Since January 2026 ``location.name`` is the county; the municipality is then the last
  comma-separated part of ``name``.
- ``Sammanfattning …`` and ``Uppdatering`` records bundle several incidents (or repeat one)
  and are skipped.

The police id is the report's ``external_id``: importing the same or an overlapping file
again updates what changed and creates nothing twice.
"""

import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from django.db import connection, transaction
from django.utils import timezone as django_timezone

from accounts.choices import Confidentiality
from areas.selectors import Gazetteer
from core.identity_numbers import mask_identity_numbers
from core.text import has_unstorable_characters, storable
from incidents.choices import PlacedBy, Severity, SourceKind
from incidents.importers.problems import problem
from incidents.importers.summary import ImportSummary
from incidents.models import DESCRIPTION_MAX_LENGTH, EARLIEST_OCCURRED_AT, Category, Report
from incidents.services.corrections import without_analyst_corrections
from incidents.services.reports import (
    Placement,
    Placer,
    report_place,
)
from incidents.signals import reports_written

STOCKHOLM = ZoneInfo("Europe/Stockholm")
GOTEBORG = "göteborg"
POLICE_SITE = "https://polisen.se"
FALLBACK_CATEGORY_CODE = "ovrigt-annat"
BUNDLE_TYPE_PREFIXES = ("sammanfattning", "uppdatering")
# The police publish after the event; a little slack covers a clock or a typing slip.
PUBLICATION_SLACK = timedelta(days=1)
FUTURE_TOLERANCE = timedelta(minutes=5)
DEFAULT_BATCH_SIZE = 500
EXTERNAL_ID_MAX_LENGTH = Report._meta.get_field("external_id").max_length
# Any fixed number: the first key of the advisory lock that serialises report imports of one
# organisation (the second key is the organisation's id).
IMPORT_LOCK_NAMESPACE = 0x7472_7967  # "tryg"

MONTHS = {
    name: number
    for number, name in enumerate(
        [
            "januari",
            "februari",
            "mars",
            "april",
            "maj",
            "juni",
            "juli",
            "augusti",
            "september",
            "oktober",
            "november",
            "december",
        ],
        start=1,
    )
}
_NAME_TIME = re.compile(
    r"^\s*(?P<day>\d{1,2})\s+(?P<month>[^\W\d_]+)\s+(?P<hour>\d{1,2})[:.](?P<minute>\d{2})(?!\d)"
)
_PUBLISHED = re.compile(
    r"^\s*(?P<date>\d{4}-\d{2}-\d{2})[ T](?P<hour>\d{1,2}):(?P<minute>\d{2})"
    r"(?::(?P<second>\d{2}))?\s*(?P<offset>Z|[+-]\d{2}:?\d{2})?\s*$"
)

# How serious an event of a category is (1-4), and the types that differ from their category.
SEVERITY_BY_CATEGORY = {
    "skjutning-explosion": Severity.CRITICAL,
    "vald": Severity.SERIOUS,
    "ran": Severity.SERIOUS,
    "hot": Severity.SERIOUS,
    "bilbrand": Severity.SERIOUS,
    "narkotikahandel": Severity.MODERATE,
    "inbrott-stold": Severity.MODERATE,
    "skadegorelse": Severity.MODERATE,
    "brak": Severity.MODERATE,
    "storande-grupper": Severity.MODERATE,
    "ovrig-brottslighet": Severity.MODERATE,
    "trafikolycka": Severity.MODERATE,
    "brand": Severity.MODERATE,
    "paverkade-personer": Severity.LOW,
    "trafikbrott": Severity.LOW,
    "trafikhinder": Severity.LOW,
    "arrangemang": Severity.LOW,
    "ovrigt-annat": Severity.LOW,
}
SEVERITY_BY_TYPE = {
    "mord/dråp": Severity.CRITICAL,
    "mord/dråp, försök": Severity.CRITICAL,
    # Possession, suspicion and a found object are less than a shot fired or a blast.
    "vapenlagen": Severity.SERIOUS,
    "farligt föremål, misstänkt": Severity.SERIOUS,
    "skottlossning, misstänkt": Severity.SERIOUS,
    "knivlagen": Severity.MODERATE,
    # Arson in a building is as serious as the car fires it is no longer counted with; a
    # reported bang is less than a shot or a blast, with which it is now counted.
    "mordbrand": Severity.SERIOUS,
    "smällar": Severity.MODERATE,
    "trafikolycka, personskada": Severity.SERIOUS,
    "trafikolycka, vilt": Severity.LOW,
}

# The report fields an import derives from the feed. Only these are compared and updated on
# a later import: status, confidentiality and the like belong to the analysts once imported.
FEED_FIELDS = (
    "category_id",
    "occurred_at",
    "description",
    "severity",
    "district_id",
    "intermediate_area_id",
    "primary_area_id",
    "place_text",
    "placed_by",
)


class EventProblem(ValueError):
    """A record that cannot be read as an event; ``problem`` says why (see problems.py)."""

    def __init__(self, code: str, **params) -> None:
        super().__init__(code)
        self.problem = problem(code, **params)


def _key(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())


def parse_published(value: str) -> datetime:
    """The publication time of ``datetime``, whose hour may lack its leading zero."""
    match = _PUBLISHED.match(value or "")
    if match is None:
        raise EventProblem("bad_publication_time", value=value)
    offset = match["offset"]
    if offset in (None, "Z"):
        tz = STOCKHOLM if offset is None else UTC
    else:
        sign = -1 if offset[0] == "-" else 1
        digits = offset[1:].replace(":", "")
        tz = timezone(sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:])))
    try:
        year, month, day = (int(part) for part in match["date"].split("-"))
        if not EARLIEST_OCCURRED_AT.year <= year < 9999:
            # Year 1 east of UTC or 9999 west of it has no Swedish time (OverflowError).
            raise ValueError(year)
        return datetime(
            year,
            month,
            day,
            int(match["hour"]),
            int(match["minute"]),
            int(match["second"] or 0),
            tzinfo=tz,
        )
    except ValueError as exc:
        raise EventProblem("bad_publication_time", value=value) from exc


def event_time(*, name: str, published: str) -> datetime:
    """When the event happened: the day and time at the start of ``name`` ("13 oktober 05:15"
    or "13 oktober 05.15"), Swedish local time, in the year that puts it at or before its
    publication."""
    published_at = parse_published(published)
    match = _NAME_TIME.match(name or "")
    month = MONTHS.get(match["month"].casefold()) if match else None
    if match is None or month is None:
        raise EventProblem("no_time_in_name", value=name)
    day, hour, minute = int(match["day"]), int(match["hour"]), int(match["minute"])
    if not (0 <= hour <= 23 and 0 <= minute <= 59):
        raise EventProblem("no_time_in_name", value=name)
    local_year = published_at.astimezone(STOCKHOLM).year
    for year in (local_year, local_year - 1):
        try:
            candidate = datetime(year, month, day, hour, minute, tzinfo=STOCKHOLM)
        except ValueError:  # 29 februari in a year without one, 31 april
            continue
        if EARLIEST_OCCURRED_AT <= candidate <= published_at + PUBLICATION_SLACK:
            return candidate
    raise EventProblem("no_time_in_name", value=name)


def is_goteborg(record: dict) -> bool:
    """Whether the event is in Göteborg: ``location.name`` says so (until 2026), or the last
    comma-separated part of ``name`` does (since, when ``location.name`` became the county)."""
    location = record.get("location")
    location_name = location.get("name") if isinstance(location, dict) else None
    if isinstance(location_name, str) and _key(location_name) == GOTEBORG:
        return True
    name = record.get("name")
    return isinstance(name, str) and _key(name.rsplit(",", 1)[-1]) == GOTEBORG


def is_bundle_type(event_type: str) -> bool:
    """Summaries and updates bundle or repeat several incidents: not one event."""
    return _key(event_type).startswith(BUNDLE_TYPE_PREFIXES)


@dataclass(frozen=True)
class PoliceEvent:
    """One event as read from the feed, before it is mapped onto a report."""

    external_id: str
    occurred_at: datetime
    event_type: str
    name: str
    summary: str
    url: str


def _text_field(record: dict, field: str, *, required: bool = True) -> str:
    value = record.get(field)
    if value is None and not required:
        return ""
    if not isinstance(value, str) or (required and not value.strip()):
        raise EventProblem("missing_field", field=field)
    if has_unstorable_characters(value):
        raise EventProblem("unstorable_character", column=field)
    return value.strip()


def read_event(record: dict) -> PoliceEvent:
    """The event in ``record`` (a dict from the feed); raises EventProblem."""
    raw_id = record.get("id")
    if isinstance(raw_id, bool) or not isinstance(raw_id, int | str) or not str(raw_id).strip():
        raise EventProblem("missing_field", field="id")
    if len(str(raw_id).strip()) > EXTERNAL_ID_MAX_LENGTH:
        # Also a whole number of hundreds of digits (core.jsonlimits.LongNumber).
        raise EventProblem("bad_id", value=str(raw_id)[:40] + "…")
    if has_unstorable_characters(str(raw_id)):
        raise EventProblem("unstorable_character", column="id")
    name = _text_field(record, "name")
    occurred_at = event_time(name=name, published=_text_field(record, "datetime"))
    return PoliceEvent(
        external_id=str(raw_id).strip(),
        occurred_at=occurred_at,
        event_type=" ".join(_text_field(record, "type").split()),
        name=name,
        summary=_text_field(record, "summary", required=False),
        url=_text_field(record, "url", required=False),
    )


class CategoryMap:
    """Police event type → category, from ``Category.police_event_types``; read once per run."""

    def __init__(self, categories: Iterable[Category]) -> None:
        self.by_type: dict[str, Category] = {}
        self.fallback: Category | None = None
        for category in categories:
            if not category.is_active:
                continue
            if category.code == FALLBACK_CATEGORY_CODE:
                self.fallback = category
            for event_type in category.police_event_types or []:
                self.by_type.setdefault(_key(str(event_type)), category)
        if self.fallback is None:
            raise LookupError(f"the category {FALLBACK_CATEGORY_CODE!r} is missing or not in use")

    @classmethod
    def from_db(cls) -> "CategoryMap":
        return cls(Category.objects.order_by("code"))

    def category_for(self, event_type: str) -> tuple[Category, bool]:
        """The type's category, and whether the type was known (else the fallback)."""
        category = self.by_type.get(_key(event_type))
        return (category, True) if category is not None else (self.fallback, False)


def severity_for(*, event_type: str, category: Category) -> int:
    return SEVERITY_BY_TYPE.get(
        _key(event_type), SEVERITY_BY_CATEGORY.get(category.code, Severity.MODERATE)
    )


def describe(event: PoliceEvent, summary: str) -> str:
    """The report text: the type, the summary and where the police tell the rest."""
    link = f"\n{POLICE_SITE}{event.url}" if event.url.startswith("/") else ""
    head = f"{event.event_type}: "
    room = DESCRIPTION_MAX_LENGTH - len(head) - len(link)
    body = summary if len(summary) <= room else summary[: room - 1] + "…"
    return f"{head}{body}{link}" if body else f"{event.event_type}{link}"


class PoliceEventImporter:
    """Turns feed records into reports of one police organisation, in batches.

    Build it once per run: the gazetteer and the category map are read from the database
    when it is built, so each record costs no query; each batch costs three or four.
    """

    def __init__(
        self,
        *,
        organisation,
        gazetteer: Gazetteer | None = None,
        categories: CategoryMap | None = None,
        batch_size: int = DEFAULT_BATCH_SIZE,
    ) -> None:
        self.organisation = organisation
        self.gazetteer = gazetteer if gazetteer is not None else Gazetteer.from_db()
        self.placer = Placer(gazetteer=self.gazetteer)
        self.categories = categories if categories is not None else CategoryMap.from_db()
        self.batch_size = batch_size
        self.summary = ImportSummary()
        self._batch: dict[str, dict] = {}
        self._now = django_timezone.now()

    def run(
        self, records: Iterable, *, progress: Callable[[int], None] | None = None
    ) -> ImportSummary:
        """Import every record; ``progress`` is told how many were read so far."""
        for index, record in enumerate(records, start=1):
            self.summary.read += 1
            self._take(index, record)
            if len(self._batch) >= self.batch_size:
                self._flush()
            if progress is not None:
                progress(index)
        self._flush()
        return self.summary

    def _skip(self, reason: str, index: int | None = None, entry: dict | None = None) -> None:
        self.summary.skipped[reason] += 1
        if entry is not None:
            self.summary.note_problem({"record": index, **entry})

    def _take(self, index: int, record) -> None:
        if not isinstance(record, dict):
            entry = {"external_id": "", "problems": [problem("not_a_record")]}
            self._skip("bad_record", index, entry)
            return
        # Cheap tests first: in the all-Sweden file 98 % of records stop here.
        if not is_goteborg(record):
            self._skip("not_goteborg")
            return
        if is_bundle_type(str(record.get("type") or "")):
            self._skip("bundle_type")
            return
        try:
            event = read_event(record)
            if event.occurred_at > self._now + FUTURE_TOLERANCE:
                raise EventProblem("time_in_future")
        except EventProblem as exc:
            self._skip(
                "bad_record",
                index,
                {
                    "external_id": storable(str(record.get("id", ""))[:100]),
                    "problems": [exc.problem],
                },
            )
            return
        # The id is the batch's key and the stored row's: masked before it is either.
        external_id, masked = mask_identity_numbers(
            event.external_id, max_length=EXTERNAL_ID_MAX_LENGTH
        )
        if masked:
            self.summary.masked_identity_numbers += masked
            event = replace(event, external_id=external_id)
        if event.external_id in self._batch:
            # The same id twice in a file: write the first, so the second is compared with it.
            self._flush()
        self._batch[event.external_id] = self._values(event)

    def _values(self, event: PoliceEvent) -> dict:
        category, known = self.categories.category_for(event.event_type)
        if not known:
            self.summary.unknown_types[event.event_type] += 1
        summary, masked = mask_identity_numbers(event.summary)
        # The whole text again, type and link too: the feed is not ours to trust. Masked
        # here, not only by the column, so it compares equal to what an earlier run stored.
        description, masked_elsewhere = mask_identity_numbers(describe(event, summary))
        self.summary.masked_identity_numbers += masked + masked_elsewhere
        # The summary names the place if anything does; the name rarely adds one, but costs
        # nothing to try. Never gps: it is the municipality's centre. Placed as every report
        # is (report_place), with the gazetteer and areas read once per run.
        placement = self._place(summary)
        if placement.placed_by == PlacedBy.UNPLACED:
            placement = self._place(event.name)
        if placement.placed_by == PlacedBy.UNPLACED:
            self.summary.unplaced += 1
        return {
            "category_id": category.pk,
            "occurred_at": event.occurred_at,
            "description": description,
            "severity": severity_for(event_type=event.event_type, category=category),
            "district_id": placement.district_id,
            "intermediate_area_id": placement.intermediate_area_id,
            "primary_area_id": placement.primary_area_id,
            "place_text": placement.place_text[:300],
            "placed_by": placement.placed_by,
        }

    def _place(self, text: str) -> Placement:
        return report_place(
            place=None, latitude=None, longitude=None, description=text, placer=self.placer
        )

    def _flush(self) -> None:
        if not self._batch:
            return
        batch, self._batch = self._batch, {}
        with transaction.atomic():
            # Two imports for the same organisation at once would both find an id missing
            # and both insert it; the lock makes the second wait for the first's batch.
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT pg_advisory_xact_lock(%s, %s)",
                    [IMPORT_LOCK_NAMESPACE, self.organisation.pk],
                )
            # Django cannot name the partial unique index (external_id <> '') in an
            # ON CONFLICT clause, so read the batch's existing rows and split it instead,
            # which also tells updated from unchanged.
            existing = {
                report.external_id: report
                for report in Report.objects.filter(
                    organisation=self.organisation, external_id__in=list(batch)
                )
                .order_by()
                .only("external_id", "category_corrected", *FEED_FIELDS)
            }
            to_create, to_update = [], []
            for external_id, values in batch.items():
                report = existing.get(external_id)
                if report is None:
                    to_create.append(
                        Report(
                            **values,
                            external_id=external_id,
                            organisation=self.organisation,
                            source_kind=SourceKind.POLICE_EVENT,
                            confidentiality=Confidentiality.PARTNERSHIP,
                        )
                    )
                    continue
                # What analysts corrected by hand stays theirs.
                values = without_analyst_corrections(report, values)
                if any(getattr(report, name) != value for name, value in values.items()):
                    for name, value in values.items():
                        setattr(report, name, value)
                    report.updated_at = django_timezone.now()
                    to_update.append(report)
                else:
                    self.summary.unchanged += 1
            Report.objects.bulk_create(to_create)
            if to_update:
                Report.objects.bulk_update(to_update, [*FEED_FIELDS, "updated_at"])
            if to_create or to_update:
                reports_written.send(sender=Report)
        self.summary.imported += len(to_create)
        self.summary.updated += len(to_update)
