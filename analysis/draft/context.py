"""What every section of a lägesbild's draft is drafted from, and the words and links they
share.

**Whose figures.** A section is stored on the picture and shown alike to all its readers (both
parties' staff of the district, and coordinators), so it is computed as for the reader who
reads least: someone whose partnership reach is the picture's district only
(``DraftContext.district_ids``). Never from the person who starts the draft: a coordinator
reads the whole city, the district's staff do not. Reports count only at the
``partnership`` level, and not when dismissed (``COUNTED_STATUSES``), as every joint figure.
"""

from dataclasses import dataclass
from datetime import date

from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _
from django.utils.translation import npgettext

from accounts.choices import Confidentiality
from areas.models import District
from incidents.models import SituationPicture
from incidents.selectors.situation import COUNTED_STATUSES, Period, picture_period
from incidents.selectors.situation_basis import BasisLink
from overview.selectors.periods import period_value
from plans.choices import MeasureStatus

PARTNERSHIP = Confidentiality.PARTNERSHIP


@dataclass(frozen=True)
class DraftContext:
    """The picture being drafted, its district and period, and what its figures may read."""

    picture: SituationPicture
    district: District
    period: Period
    today: date

    @property
    def district_ids(self) -> frozenset[int]:
        """The districts whose partnership records every reader of the picture reads: its
        own. A figure that draws on another district's reports does not belong in it."""
        return frozenset({self.district.pk})


def draft_context(picture: SituationPicture, today: date | None = None) -> DraftContext:
    return DraftContext(
        picture=picture,
        district=picture.district,
        period=picture_period(picture),
        today=today or timezone.localdate(),
    )


# --- Words ------------------------------------------------------------------------------------


def whole(count: int) -> str:
    """A count as Swedish text prints it: "1 234"."""
    return number_format(count, 0, force_grouping=True)


def decimal(value: float, places: int | None = None) -> str:
    """A rate as Swedish text prints it: "18,3"; below 10 with two decimals ("0,42"), so a
    small rate does not read as none."""
    if places is None:
        places = 1 if abs(value) >= 10 else 2
    return number_format(round(value, places), places, force_grouping=True)


def in_sentence(period: Period) -> str:
    """The period's name inside a sentence: "kvartal 1 2026", "mars 2026", "2026"."""
    label = period.label
    return label[:1].lower() + label[1:]


def day(value: date) -> str:
    return date_format(value, "SHORT_DATE_FORMAT")


def change_phrase(current: int, earlier: int, period: Period) -> str:
    """How ``current`` compares with ``earlier``: "12 % fler än under kvartal 4 2025 (368)";
    empty when both are none (nothing to say)."""
    values = {"period": in_sentence(period), "count": whole(earlier)}
    if not earlier:
        return _("more than in %(period)s, when there were none") % values if current else ""
    percent = round((current - earlier) * 100 / earlier)
    values["percent"] = whole(abs(percent))
    if percent > 0:
        return _("%(percent)s %% more than in %(period)s (%(count)s)") % values
    if percent < 0:
        return _("%(percent)s %% fewer than in %(period)s (%(count)s)") % values
    return _("as many as in %(period)s (%(count)s)") % values


def change_cell(current: int, earlier: int) -> str:
    """The change as a table shows it: "+12 %", "−5 %", "±0 %", "–" from nothing."""
    if not earlier:
        return "–"
    percent = round((current - earlier) * 100 / earlier)
    if not percent:
        return "±0\u00a0%"
    return f"{'+' if percent > 0 else '−'}{whole(abs(percent))}\u00a0%"


def measure_statuses(counts) -> str:
    """Measures by status, in the status order: "2 genomförda, 1 påbörjad och 1 försenad"."""
    words = {
        MeasureStatus.NOT_STARTED: lambda n: npgettext(
            "measures", "%(count)s not started", "%(count)s not started", n
        ),
        MeasureStatus.STARTED: lambda n: npgettext(
            "measures", "%(count)s started", "%(count)s started", n
        ),
        MeasureStatus.DONE: lambda n: npgettext("measures", "%(count)s done", "%(count)s done", n),
        MeasureStatus.DELAYED: lambda n: npgettext(
            "measures", "%(count)s delayed", "%(count)s delayed", n
        ),
        MeasureStatus.CANCELLED: lambda n: npgettext(
            "measures", "%(count)s cancelled", "%(count)s cancelled", n
        ),
    }
    return join_words(
        [
            words[status](counts[status]) % {"count": whole(counts[status])}
            for status in MeasureStatus
            if counts.get(status)
        ]
    )


def join_words(items: list[str]) -> str:
    """ "a", "a och b", "a, b och c"."""
    if len(items) < 2:
        return "".join(items)
    return _("%(items)s and %(last)s") % {"items": ", ".join(items[:-1]), "last": items[-1]}


# --- Links --------------------------------------------------------------------------------------


def report_list_link(district: District, period: Period, **filters) -> BasisLink:
    """The report list of the reports behind a figure: the district's shared ones in the
    period, not dismissed (a reader sees the same reports the figure counts)."""
    return BasisLink.to(
        "incidents:report_list",
        district=district.slug,
        **filters,
        occurred_after=period.start.isoformat(),
        occurred_before=period.end.isoformat(),
        status=[str(status) for status in COUNTED_STATUSES],
        confidentiality=str(PARTNERSHIP),
    )


def report_list_source(district: District, period: Period, area: str = "") -> str:
    where = f"{district.name}, {area}" if area else district.name
    return _("Report list: %(where)s, %(start)s–%(end)s, shared in the partnership") % {
        "where": where,
        "start": day(period.start),
        "end": day(period.end),
    }


def dashboard_link(district: District, period: Period) -> BasisLink:
    return BasisLink.to("overview:district", district.slug, period=period_value(period))


def dashboard_source(district: District, period: Period) -> str:
    return _("Overview of %(district)s, %(period)s") % {
        "district": district.name,
        "period": in_sentence(period),
    }
