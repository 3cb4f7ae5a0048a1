"""Why a record or row could not be imported, as codes with parameters.

Imports run in a worker with no reader's language; the problems are stored as codes and put
into words when the status page shows them, in the language of whoever reads it.
"""

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.text import storable

MESSAGES = {
    # Police events.
    "not_a_record": _("The record is not a JSON object."),
    "missing_field": _("The field “%(field)s” is missing or empty."),
    "bad_id": _("The id “%(value)s” is too long to be a police event's id."),
    "bad_publication_time": _("The publication time “%(value)s” cannot be read."),
    "no_time_in_name": _("The event's day and time cannot be read from its name “%(value)s”."),
    # Both.
    "time_in_future": _("The time lies in the future."),
    "time_too_early": _("The time “%(value)s” lies before 1900."),
    "unstorable_character": _(
        "“%(column)s” holds a NUL character or a broken one, which cannot be stored."
    ),
    # CSV rows.
    "wrong_field_count": _("The row has %(found)s fields; the header has %(expected)s."),
    "missing_value": _("“%(column)s” is missing."),
    "too_long": _("“%(column)s” is longer than %(max)s characters."),
    "bad_time": _("The time “%(value)s” cannot be read: write YYYY-MM-DD HH:MM or ISO 8601."),
    "date_without_time": _("The time “%(value)s” has a date but no time of day."),
    "unknown_category": _("Unknown category “%(value)s”."),
    "bad_coordinate": _("The coordinate “%(value)s” is not a number."),
    "half_point": _("Give both latitude and longitude, or neither."),
    "outside_goteborg": _("The point lies outside Gothenburg."),
    "unknown_place": _("Unknown place “%(value)s”."),
    "bad_severity": _("The severity must be a whole number from 1 to 4."),
    "bad_confidentiality": _("The confidentiality must be “partnership” or “organisation”."),
    "duplicate_in_file": _("The external id “%(value)s” is also used on line %(line)s."),
    "already_imported": _("A report with the external id “%(value)s” has already been imported."),
    "rejected": _("The report was refused: %(message)s"),
}

# Why a whole file cannot be imported.
FILE_MESSAGES = {
    "not_a_json_list": _("The file is not a JSON list of police events (%(detail)s)."),
    "not_utf8": _("The file is not UTF-8 text (line %(line)s). Save it as “CSV UTF-8”."),
    "no_header": _("The file is empty: the first line must name the columns."),
    "unreadable": _("Line %(line)s cannot be read as CSV (%(detail)s)."),
    "unknown_columns": _("Unknown columns: %(columns)s. The columns are: %(expected)s."),
    "duplicate_columns": _("Columns named twice: %(columns)s."),
    "missing_columns": _("Required columns missing: %(columns)s."),
    "no_rows": _("The file holds no rows."),
    "too_many_rows": _("The file holds more than %(max)s rows. Split it into smaller files."),
    "no_good_rows": _("No row can be imported."),
    "not_allowed": _("%(user)s may no longer import for %(organisation)s."),
    "file_missing": _("The uploaded file is gone."),
    "unpacked_too_large": _(
        "The file unpacks to more than %(max)s MB. Split it into smaller files."
    ),
    "too_many_records": _("The file holds more than %(max)s records. Split it into smaller files."),
    "unexpected": _("The import stopped on an unexpected error; the operators have been told."),
}


def problem(code: str, **params) -> dict:
    """One problem as stored in ``ImportRun.row_errors`` (JSON: strings and numbers only)."""
    if code not in MESSAGES:
        raise ValueError(f"no message for the problem {code!r}")
    # A quoted value may hold the very character the row is refused for.
    return {"code": code, "params": {key: storable(str(value)) for key, value in params.items()}}


def describe_problem(entry: dict) -> str:
    """A stored problem (of a row or of the whole file) in words, in the active language."""
    code = entry.get("code", "")
    message = MESSAGES.get(code) or FILE_MESSAGES.get(code)
    if message is None:
        return gettext("Unknown problem (%(code)s).") % {"code": entry.get("code", "")}
    try:
        return str(message) % entry.get("params", {})
    except (KeyError, TypeError, ValueError):
        return str(message)
