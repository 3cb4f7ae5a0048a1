"""The periods a dashboard can show: a calendar month, quarter or year, as one GET value."""

from datetime import date

from django.utils import timezone
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


def period_default(today: date | None = None) -> Period:
    """The last whole month: the current one is not over, so its change would mislead."""
    today = today or timezone.localdate()
    return Period.starting(PeriodKind.MONTH, period_start_of(PeriodKind.MONTH, today)).previous()


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
