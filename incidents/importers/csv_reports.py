"""Reports from a CSV file, for partners whose own systems can export one.

The format (also shown on the upload page):

- UTF-8 text, with or without a byte order mark. Fields are separated by ``;`` or by ``,``,
  whichever the first line uses. A field holding the separator, a quote or a line break is
  put in double quotes, with quotes inside doubled (as spreadsheets save it).
- The first line names the columns, in any order (case does not matter):

  ==================  ========  ===================================================
  column              required  what
  ==================  ========  ===================================================
  ``external_id``     no        your own id for the row, at most 100 characters;
                                unique within the file and your organisation
  ``occurred_at``     yes       ISO 8601 (``2025-06-07T21:30:00+02:00``) or
                                ``2025-06-07 21:30``; Swedish time when no offset
  ``category``        yes       a category code, e.g. ``klotter`` or ``narkotikahandel``
  ``description``     yes       at most 4,000 characters
  ``latitude``        no        WGS 84 decimal degrees (``57.70887`` or ``57,70887``),
  ``longitude``                 both or neither; the point must lie in Göteborg
  ``place``           no        a known place, by its slug or name
  ``severity``        no        1-4 (default 2)
  ``confidentiality`` no        ``partnership`` (default) or ``organisation``
  ==================  ========  ===================================================

Every row is checked before any is written. Bad rows are reported by line number (the
header is line 1) and reason; the uploader then decides to import the good rows or none.
Rows are written through ``report_create``, so identity numbers in the description and the
external id are masked, the district is derived and each report is audited like one filed
by hand.
"""

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.choices import Confidentiality, OrganisationKind
from areas.models import Place
from areas.selectors import DistrictLocator
from core.exceptions import DomainError
from core.identity_numbers import mask_identity_numbers
from core.text import has_unstorable_characters, storable
from incidents.choices import Severity, SourceKind
from incidents.importers.problems import problem
from incidents.models import DESCRIPTION_MAX_LENGTH, EARLIEST_OCCURRED_AT, Category, Report
from incidents.services.reports import FUTURE_TOLERANCE, Placer, report_create

COLUMNS = (
    "external_id",
    "occurred_at",
    "category",
    "description",
    "latitude",
    "longitude",
    "place",
    "severity",
    "confidentiality",
)
REQUIRED_COLUMNS = ("occurred_at", "category", "description")
EXTERNAL_ID_MAX_LENGTH = 100
MAX_ROWS = 10_000
_DATE_ONLY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_FIVE_DECIMALS = Decimal("0.00001")

# Where a partner's rows come from, by the kind of organisation that sends them.
SOURCE_KIND_BY_ORGANISATION = {
    OrganisationKind.HOUSING: SourceKind.PROPERTY_OWNER,
    OrganisationKind.SCHOOL: SourceKind.SCHOOL,
    OrganisationKind.SECURITY: SourceKind.SECURITY_COMPANY,
}


class CsvFileError(ValueError):
    """The file as a whole cannot be read (not a row's fault): ``code`` and ``params``."""

    def __init__(self, code: str, **params) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


@dataclass(frozen=True)
class CsvRow:
    """A row that passed every check, ready for ``report_create``."""

    line: int
    external_id: str
    occurred_at: datetime
    category: Category
    description: str
    latitude: Decimal | None
    longitude: Decimal | None
    place: Place | None
    severity: int
    confidentiality: str


@dataclass
class CsvCheck:
    """The outcome of checking a file: the good rows and, per bad row, its problems."""

    total: int = 0
    good: list[CsvRow] = field(default_factory=list)
    bad: list[dict] = field(default_factory=list)


def decode(data: bytes) -> str:
    """The file's text; a byte order mark is dropped. Raises CsvFileError if not UTF-8."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise CsvFileError("not_utf8", line=line) from exc


def sniff_delimiter(header_line: str) -> str:
    """``;`` (as Swedish spreadsheets save) or ``,``: whichever the header uses more."""
    return ";" if header_line.count(";") >= header_line.count(",") and ";" in header_line else ","


class _Context:
    """What checking needs from the database, read once per file."""

    def __init__(self, organisation, locator: DistrictLocator | None) -> None:
        self.organisation = organisation
        self.categories = {c.code: c for c in Category.objects.filter(is_active=True)}
        self.places: dict[str, Place] = {}
        for place in Place.objects.select_related("district", "primary_area"):
            for key in (place.slug, place.name, *place.aliases):
                self.places.setdefault(key.strip().casefold(), place)
        self.locator = locator if locator is not None else DistrictLocator.from_db()
        self.now = timezone.now()


def csv_check(data: bytes, *, organisation, locator: DistrictLocator | None = None) -> CsvCheck:
    """Check every row of a CSV file meant for ``organisation``; raises CsvFileError."""
    text = decode(data)
    first_line = text.split("\n", 1)[0]
    if not first_line.strip():
        raise CsvFileError("no_header")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sniff_delimiter(first_line))
    try:
        header = [name.strip().casefold() for name in next(reader)]
    except csv.Error as exc:
        raise CsvFileError("unreadable", line=1, detail=str(exc)) from exc
    _check_header(header)

    context = _Context(organisation, locator)
    check = CsvCheck()
    seen_ids: dict[str, int] = {}
    line_after_previous = reader.line_num + 1
    while True:
        start = line_after_previous
        try:
            fields = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            raise CsvFileError("unreadable", line=start, detail=str(exc)) from exc
        line_after_previous = reader.line_num + 1
        if not any(value.strip() for value in fields):
            continue  # blank lines, also the one many programs end a file with
        check.total += 1
        if check.total > MAX_ROWS:
            raise CsvFileError("too_many_rows", max=MAX_ROWS)
        row, problems = _check_row(start, header, fields, context, seen_ids)
        if problems:
            position = header.index("external_id") if "external_id" in header else None
            has_id = position is not None and position < len(fields)
            external_id = fields[position] if has_id else ""
            check.bad.append(
                {
                    "line": start,
                    "external_id": storable(external_id.strip()[:100]),
                    "problems": problems,
                }
            )
        else:
            check.good.append(row)
    if check.total == 0:
        raise CsvFileError("no_rows")
    _refuse_already_imported(check, organisation)
    return check


def _check_header(header: list[str]) -> None:
    unknown = [name for name in header if name not in COLUMNS]
    if unknown:
        raise CsvFileError(
            "unknown_columns", columns=", ".join(unknown), expected=", ".join(COLUMNS)
        )
    twice = sorted({name for name in header if header.count(name) > 1})
    if twice:
        raise CsvFileError("duplicate_columns", columns=", ".join(twice))
    missing = [name for name in REQUIRED_COLUMNS if name not in header]
    if missing:
        raise CsvFileError("missing_columns", columns=", ".join(missing))


def _check_row(
    line: int, header: list[str], fields: list[str], context: _Context, seen_ids: dict[str, int]
) -> tuple[CsvRow | None, list[dict]]:
    if len(fields) != len(header):
        return None, [problem("wrong_field_count", found=len(fields), expected=len(header))]
    values = {name: value.strip() for name, value in zip(header, fields, strict=True)}
    # A NUL would stop the whole run with a database error when the row is written.
    unstorable = [name for name, value in values.items() if has_unstorable_characters(value)]
    if unstorable:
        return None, [problem("unstorable_character", column=name) for name in unstorable]
    problems: list[dict] = []

    external_id = values.get("external_id", "")
    if len(external_id) > EXTERNAL_ID_MAX_LENGTH:
        problems.append(problem("too_long", column="external_id", max=EXTERNAL_ID_MAX_LENGTH))
    elif external_id:
        stored_id = _stored_id(external_id)
        if stored_id in seen_ids:
            problems.append(
                problem("duplicate_in_file", value=external_id, line=seen_ids[stored_id])
            )
        else:
            seen_ids[stored_id] = line

    occurred_at = _parse_time(values["occurred_at"], problems)
    if occurred_at is not None and occurred_at > context.now + FUTURE_TOLERANCE:
        problems.append(problem("time_in_future"))

    category = None
    if not values["category"]:
        problems.append(problem("missing_value", column="category"))
    else:
        category = context.categories.get(values["category"].casefold())
        if category is None:
            problems.append(problem("unknown_category", value=values["category"]))

    description = values["description"]
    if not description:
        problems.append(problem("missing_value", column="description"))
    elif len(description) > DESCRIPTION_MAX_LENGTH:
        problems.append(problem("too_long", column="description", max=DESCRIPTION_MAX_LENGTH))

    latitude = _parse_coordinate(values.get("latitude", ""), problems)
    longitude = _parse_coordinate(values.get("longitude", ""), problems)
    if (latitude is None) != (longitude is None) and not any(
        p["code"] == "bad_coordinate" for p in problems
    ):
        problems.append(problem("half_point"))
    elif (
        latitude is not None
        and longitude is not None
        and not context.locator.contains(latitude=latitude, longitude=longitude)
    ):
        problems.append(problem("outside_goteborg"))

    place = None
    if values.get("place"):
        place = context.places.get(values["place"].casefold())
        if place is None:
            problems.append(problem("unknown_place", value=values["place"]))

    severity = Severity.MODERATE
    if values.get("severity"):
        try:
            severity = int(values["severity"])
        except ValueError:
            severity = 0
        if not 1 <= severity <= 4:
            problems.append(problem("bad_severity"))

    confidentiality = values.get("confidentiality", "").casefold() or Confidentiality.PARTNERSHIP
    if confidentiality not in Confidentiality.values:
        problems.append(problem("bad_confidentiality"))

    if problems:
        return None, problems
    return (
        CsvRow(
            line=line,
            external_id=external_id,
            occurred_at=occurred_at,
            category=category,
            description=description,
            latitude=latitude,
            longitude=longitude,
            place=place,
            severity=severity,
            confidentiality=confidentiality,
        ),
        [],
    )


def _parse_time(value: str, problems: list[dict]) -> datetime | None:
    if not value:
        problems.append(problem("missing_value", column="occurred_at"))
        return None
    if _DATE_ONLY.match(value):
        problems.append(problem("date_without_time", value=value))
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        problems.append(problem("bad_time", value=value[:40]))
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=timezone.get_default_timezone())
    if parsed < EARLIEST_OCCURRED_AT:
        problems.append(problem("time_too_early", value=value[:40]))
        return None
    return parsed


def _parse_coordinate(value: str, problems: list[dict]) -> Decimal | None:
    if not value:
        return None
    try:
        # A decimal comma is what a Swedish spreadsheet writes.
        number = Decimal(value.replace(",", "."))
    except InvalidOperation:
        number = None
    # copy_abs, not abs(): abs() rounds in the decimal context, and 1e999999999 overflows it.
    if number is None or not number.is_finite() or number.copy_abs() > 180:
        problems.append(problem("bad_coordinate", value=value[:40]))
        return None
    # Five decimals are about a metre, as precise as the report keeps.
    return number.quantize(_FIVE_DECIMALS)


def _stored_id(external_id: str) -> str:
    """The id as the report will keep it: an identity number in it is masked
    (``report_create``), so two ids are the same when their masked forms are."""
    return mask_identity_numbers(external_id, max_length=EXTERNAL_ID_MAX_LENGTH)[0]


def _refuse_already_imported(check: CsvCheck, organisation) -> None:
    """Rows whose external id the organisation already has are bad: a re-sent file must not
    overwrite reports that analysts may have reviewed since."""
    ids = [_stored_id(row.external_id) for row in check.good if row.external_id]
    if not ids:
        return
    existing = set(
        Report.objects.filter(organisation=organisation, external_id__in=ids).values_list(
            "external_id", flat=True
        )
    )
    if not existing:
        return
    still_good = []
    for row in check.good:
        if row.external_id and _stored_id(row.external_id) in existing:
            check.bad.append(
                {
                    "line": row.line,
                    "external_id": row.external_id,
                    "problems": [problem("already_imported", value=row.external_id)],
                }
            )
        else:
            still_good.append(row)
    check.good = still_good
    check.bad.sort(key=lambda entry: entry["line"])


def source_kind_for(organisation) -> str:
    return SOURCE_KIND_BY_ORGANISATION.get(organisation.kind, SourceKind.PARTNER_SYSTEM)


def csv_import_rows(*, rows: list[CsvRow], actor, organisation) -> tuple[int, list[dict], int]:
    """Write ``rows`` as reports in one transaction: all of them or, if any is refused,
    none. Returns (imported, problems of refused rows, identity numbers masked)."""
    refused: list[dict] = []
    masked = 0
    source_kind = source_kind_for(organisation)
    placer = Placer()  # the areas read once for the file, not per row
    with transaction.atomic():
        for row in rows:
            try:
                # report_create runs in a savepoint of its own, so a refused row leaves the
                # transaction usable and every refusal is reported, not just the first.
                written = report_create(
                    actor=actor,
                    organisation=organisation,
                    category=row.category,
                    occurred_at=row.occurred_at,
                    description=row.description,
                    place=row.place,
                    latitude=row.latitude,
                    longitude=row.longitude,
                    severity=row.severity,
                    confidentiality=row.confidentiality,
                    source_kind=source_kind,
                    external_id=row.external_id,
                    placer=placer,
                )
                masked += written.masked_identity_numbers
            except ValidationError as exc:
                refused.append(_refusal(row, "; ".join(_messages(exc))))
            except DomainError as exc:
                refused.append(_refusal(row, exc.message))
        if refused:
            transaction.set_rollback(True)
            return 0, refused, 0
    return len(rows), [], masked


def _messages(exc: ValidationError) -> list[str]:
    if hasattr(exc, "message_dict"):
        return [message for messages in exc.message_dict.values() for message in messages]
    return list(exc.messages)


def _refusal(row: CsvRow, message: str) -> dict:
    return {
        "line": row.line,
        "external_id": row.external_id,
        "problems": [problem("rejected", message=message)],
    }
