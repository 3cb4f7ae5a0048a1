"""The periods a dashboard can show: a calendar month, quarter or year, as one GET value; one
that is still running is shown up to today and compared with the same days of the periods it
is compared with (``comparison_periods``)."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from incidents.choices import PeriodKind
from incidents.selectors.situation import Period, period_start_of

MONTHS_OFFERED = 24
QUARTERS_OFFERED = 8
YEARS_OFFERED = 5


def period_value(period: Period) -> str:
    """The GET value of ``period``: "month:2026-10-01"."""
    return f"{period.kind}:{period.start.isoformat()}"


def period_parse(value: str | None) -> Period | None:
    """The period a GET value names, or None when it names none."""
    kind, _sep, start = (value or "").partition(":")
    try:
        return Period.starting(kind, date.fromisoformat(start))
    except ValueError:
        return None


@dataclass(frozen=True)
class PartPeriod(Period):
    """The first days of a month, quarter or year (``start`` to ``end``, both inclusive): the
    part of a running period up to today, or the same days of a period it is compared with.
    Its ``kind`` is the whole period's, so that the period menu finds it."""

    @property
    def label(self) -> str:
        if self.start == self.end:
            return date_format(self.end, "j F Y")
        if (self.start.year, self.start.month) == (self.end.year, self.end.month):
            return f"{date_format(self.start, 'j')}–{date_format(self.end, 'j F Y')}"
        if self.start.year == self.end.year:
            return f"{date_format(self.start, 'j F')} – {date_format(self.end, 'j F Y')}"
        return f"{date_format(self.start, 'j F Y')} – {date_format(self.end, 'j F Y')}"


def period_so_far(period: Period, today: date | None = None) -> Period:
    """``period`` up to today when it is running (a report filed today is in it), else as is."""
    today = today or timezone.localdate()
    if period.start <= today < period.end:
        return PartPeriod(period.kind, period.start, today)
    return period


def period_default(today: date | None = None) -> Period:
    """This month so far: it holds today, so a report filed today is counted in the view that
    opens (and compared with the same days of last month and of last year)."""
    today = today or timezone.localdate()
    month = Period.starting(PeriodKind.MONTH, period_start_of(PeriodKind.MONTH, today))
    return period_so_far(month, today)


def is_part(period: Period) -> bool:
    """Whether ``period`` is the first days of its month, quarter or year, not all of it."""
    return period.end != Period.starting(period.kind, period.start).end


def comparison_periods(period: Period) -> dict[str, Period]:
    """``period`` and what it is compared with: the previous period and the same period last
    year, each as many days from its start as ``period`` has (the 1st to the 15th against the
    1st to the 15th), so that a running period is not set against whole ones. The same days
    of a shorter month end with it (30 and 31 January against all of February)."""
    whole = Period.starting(period.kind, period.start)
    if not is_part(period):
        return {
            "current": period,
            "previous": period.previous(),
            "last_year": period.same_last_year(),
        }
    days = (period.end - period.start).days

    def same_days(other: Period) -> Period:
        end = min(other.start + timedelta(days=days), other.end)
        return PartPeriod(other.kind, other.start, end)

    return {
        "current": period,
        "previous": same_days(whole.previous()),
        "last_year": same_days(whole.same_last_year()),
    }


def period_is_running(period: Period, today: date | None = None) -> bool:
    return period.end >= (today or timezone.localdate())


def period_choices(today: date | None = None) -> list[tuple[str, list[tuple[str, str]]]]:
    """Grouped choices for a select: recent months, quarters and years, newest first."""
    today = today or timezone.localdate()
    groups = []
    for kind, count, title in (
        (PeriodKind.MONTH, MONTHS_OFFERED, _("Months")),
        (PeriodKind.QUARTER, QUARTERS_OFFERED, _("Quarters")),
        (PeriodKind.YEAR, YEARS_OFFERED, _("Years")),
    ):
        period = Period.starting(kind, period_start_of(kind, today))
        options = []
        for _index in range(count):
            label = period.label
            if period_is_running(period, today):
                label = _("%(period)s (so far)") % {"period": label}
            options.append((period_value(period), label))
            period = period.previous()
        groups.append((title, options))
    return groups
