"""The previous lägesbild's problems, and what became of them.

**Which problems.** The previous picture is the district's latest agreed one whose period ended
before this one starts. The problems it stood on are those its own basis recorded as active
(``data["active_problem_ids"]`` of this section, written by every draft from now on). A
picture agreed before drafts had a basis recorded none; for it the problems are those of the
district that existed when it was agreed and were not already closed before its period began
(a problem resolved or archived and not changed since before then was closed by then).

**What became of them.** Each problem's status now; its priority decision as it stood when the
previous picture was agreed against the latest one; its linked reports in the previous
picture's period and in this one (the district's ``partnership``-level reports, not dismissed,
as every joint figure); and the measures addressing it in the district's plans, by status.
Problems and measures are read by exactly the readers of the picture (both parties' staff of
the district and coordinators), so every reader may see them.
"""

from collections import Counter
from datetime import datetime, time, timedelta

from django.db.models import Count, OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, npgettext, pgettext

from analysis.draft.context import (
    PARTNERSHIP,
    DraftContext,
    in_sentence,
    join_words,
    measure_statuses,
    whole,
)
from incidents.choices import PictureStatus
from incidents.models import Report, SituationPicture
from incidents.selectors.situation import COUNTED_STATUSES, Period, picture_period
from incidents.selectors.situation_basis import BasisCell, BasisLink, BasisRow, DraftSection
from plans.choices import PriorityLevel, ProblemStatus
from plans.models import Measure, PriorityDecision, Problem

TITLE = gettext_lazy("The previous situation picture's problems")
KEY = "previous_problems"


def previous_picture(context: DraftContext) -> SituationPicture | None:
    """The district's latest agreed picture whose period ended before this one's start."""
    return (
        SituationPicture.objects.filter(
            district=context.district,
            status=PictureStatus.AGREED,
            period_end__lt=context.period.start,
        )
        .order_by("-period_end", "-period_start")
        .first()
    )


def _agreed_moment(picture: SituationPicture) -> datetime:
    if picture.agreed_at is not None:
        return picture.agreed_at
    return timezone.make_aware(datetime.combine(picture.period_end + timedelta(days=1), time.min))


def _problems_of(picture: SituationPicture, context: DraftContext) -> list[Problem]:
    district_problems = Problem.objects.filter(district=context.district)
    recorded = next(
        (
            section.get("data", {}).get("active_problem_ids")
            for section in (picture.basis or {}).get("sections", [])
            if section.get("key") == KEY
        ),
        None,
    )
    if recorded is not None:
        problems = district_problems.filter(pk__in=recorded)
    else:
        period_start = timezone.make_aware(datetime.combine(picture.period_start, time.min))
        problems = district_problems.filter(created_at__lt=_agreed_moment(picture)).filter(
            Q(status=ProblemStatus.ACTIVE) | Q(updated_at__gte=period_start)
        )
    return list(problems.order_by("title", "pk"))


def _decision_level(problem_ids: list[int], before: datetime | None) -> dict[int, str]:
    """Each problem's latest priority decision (before ``before``, if given)."""
    decisions = PriorityDecision.objects.filter(problem=OuterRef("pk"))
    if before is not None:
        decisions = decisions.filter(decided_at__lte=before)
    latest = decisions.order_by("-decided_at", "-id").values("level")[:1]
    return {
        pk: level
        for pk, level in Problem.objects.filter(pk__in=problem_ids)
        .annotate(level=Subquery(latest))
        .values_list("pk", "level")
        if level
    }


def _report_counts(problem_ids: list[int], context: DraftContext, periods: dict[str, Period]):
    """Each problem's linked reports per period: the district's shared reports only."""
    counts = {
        key: Count("pk", filter=period.as_filter(), distinct=True)
        for key, period in periods.items()
    }
    rows = (
        Report.objects.filter(
            problem_links__problem__in=problem_ids,
            district=context.district,
            confidentiality=PARTNERSHIP,
            status__in=COUNTED_STATUSES,
        )
        .values("problem_links__problem")
        .annotate(**counts)
        .order_by()
    )
    return {row["problem_links__problem"]: row for row in rows}


def _measure_statuses(problem_ids: list[int], context: DraftContext) -> dict[int, Counter]:
    statuses: dict[int, Counter] = {}
    rows = (
        Measure.objects.filter(problems__in=problem_ids, plan__district=context.district)
        .with_effective_status(context.today)
        .values_list("problems", "effective_status")
    )
    for problem_id, status in rows:
        statuses.setdefault(problem_id, Counter())[status] += 1
    return statuses


def _statuses_text(statuses: Counter) -> str:
    return measure_statuses(statuses)


def _level_label(level: str | None) -> str:
    return str(PriorityLevel(level).label) if level else "–"


def _priority_cell(then: str | None, now: str | None) -> str:
    if then == now:
        return _("%(level)s (unchanged)") % {"level": _level_label(now)} if now else "–"
    return f"{_level_label(then)} → {_level_label(now)}"


def previous_problems(context: DraftContext) -> DraftSection:
    active_now = list(
        Problem.objects.filter(district=context.district, status=ProblemStatus.ACTIVE)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    previous = previous_picture(context)
    data = {
        "active_problem_ids": active_now,
        "previous_picture_id": previous.pk if previous else None,
    }
    if previous is None:
        return DraftSection(
            key=KEY,
            title=str(TITLE),
            field="developments",
            note=_("%(district)s has no earlier agreed situation picture to follow up.")
            % {"district": context.district.name},
            data=data,
        )
    problems = _problems_of(previous, context)
    ids = [problem.pk for problem in problems]
    previous_period = picture_period(previous)
    periods = {"then": previous_period, "now": context.period}
    then = _decision_level(ids, _agreed_moment(previous))
    now = _decision_level(ids, None)
    reports = _report_counts(ids, context, periods)
    measures = _measure_statuses(ids, context)

    rows, lines = [], []
    for problem in problems:
        counts = reports.get(problem.pk, {"then": 0, "now": 0})
        statuses = measures.get(problem.pk, Counter())
        link = BasisLink.to("plans:problem_detail", problem.pk)
        status = str(ProblemStatus(problem.status).label)
        priority = _priority_cell(then.get(problem.pk), now.get(problem.pk))
        phrase = _priority_phrase(then.get(problem.pk), now.get(problem.pk))
        measure_text = (
            f"{whole(sum(statuses.values()))} ({_statuses_text(statuses)})" if statuses else "0"
        )
        rows.append(
            BasisRow(
                cells=(
                    BasisCell(problem.title, link),
                    BasisCell(status),
                    BasisCell(priority),
                    BasisCell(whole(counts["then"])),
                    BasisCell(whole(counts["now"])),
                    BasisCell(measure_text, link),
                ),
                source=_("Problem page: %(title)s") % {"title": problem.title},
                link=link,
            )
        )
        lines.append(_line(problem, status, phrase, counts, statuses, previous_period))

    return DraftSection(
        key=KEY,
        title=str(TITLE),
        field="developments",
        text=_text(previous_period, problems, lines),
        columns=(
            _("Problem"),
            pgettext("situation basis", "Status now"),
            pgettext("situation basis", "Priority then → now"),
            _("Reports %(period)s") % {"period": in_sentence(previous_period)},
            _("Reports %(period)s") % {"period": in_sentence(context.period)},
            _("Measures"),
        ),
        rows=tuple(rows),
        note=_(
            "The problems active when the situation picture of %(period)s was agreed. "
            "Priority: the decision in force then and the latest one. Reports: those linked "
            "to the problem, of the district's reports shared in the partnership, not "
            "dismissed. Measures: those of the district's plans that address the problem, by "
            "their status today."
        )
        % {"period": in_sentence(previous_period)},
        source=_("Situation picture %(district)s, %(period)s")
        % {"district": context.district.name, "period": in_sentence(previous_period)},
        link=BasisLink.to("incidents:situationpicture_detail", previous.pk),
        data=data,
    )


previous_problems.title = TITLE


def _priority_phrase(then: str | None, now: str | None) -> str:
    if now is None and then is None:
        return _("no priority decision")
    if then == now:
        return _("still %(level)s") % {"level": _level_label(now).lower()}
    if then is None:
        return _("priority now %(level)s") % {"level": _level_label(now).lower()}
    return _("priority changed from %(then)s to %(now)s") % {
        "then": _level_label(then).lower(),
        "now": _level_label(now).lower(),
    }


def _line(problem, status, priority, counts, statuses, previous_period) -> str:
    reports = ngettext(
        "%(count)s linked report in the period against %(then)s in %(period)s",
        "%(count)s linked reports in the period against %(then)s in %(period)s",
        counts["now"],
    ) % {
        "count": whole(counts["now"]),
        "then": whole(counts["then"]),
        "period": in_sentence(previous_period),
    }
    total = sum(statuses.values())
    if total:
        measures = ngettext(
            "%(count)s measure (%(statuses)s)", "%(count)s measures (%(statuses)s)", total
        ) % {"count": whole(total), "statuses": _statuses_text(statuses)}
    else:
        measures = _("no measure")
    return f"– {problem.title}: {status.lower()}, {priority}; {reports}; {measures}."


def _text(previous_period: Period, problems: list[Problem], lines: list[str]) -> str:
    period = in_sentence(previous_period)
    if not problems:
        return _("The situation picture of %(period)s stood on no active problem.") % {
            "period": period
        }
    opening = ngettext(
        "The situation picture of %(period)s stood on %(count)s problem.",
        "The situation picture of %(period)s stood on %(count)s problems.",
        len(problems),
    ) % {"period": period, "count": whole(len(problems))}
    by_status = Counter(problem.status for problem in problems)
    fates = []
    if count := by_status[ProblemStatus.ACTIVE]:
        fates.append(
            npgettext("problems", "%(count)s active", "%(count)s active", count)
            % {"count": whole(count)}
        )
    if count := by_status[ProblemStatus.RESOLVED]:
        fates.append(
            npgettext("problems", "%(count)s resolved", "%(count)s resolved", count)
            % {"count": whole(count)}
        )
    if count := by_status[ProblemStatus.ARCHIVED]:
        fates.append(
            npgettext("problems", "%(count)s archived", "%(count)s archived", count)
            % {"count": whole(count)}
        )
    summary = _("Status today: %(fates)s.") % {"fates": join_words(fates)}
    return "\n".join([f"{opening} {summary}", *lines])
