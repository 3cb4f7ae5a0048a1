"""What retention (gallring) takes and when: the reports due at each stage.

The job (``overview.services.retention``) and the administrators' page read the same
querysets, so the page shows what the next run will take. The rules (README, "Retention"):

1. **Free text first.** Past ``TRYGG_RETENTION_THIN_AFTER_DAYS`` a report loses whatever could
   name a person or point at one (``FREE_TEXT_CLEARED``); what the figures count stays (when,
   district, primärområde, category, source, owner, confidentiality, status, severity).
2. **Then the record.** Past ``TRYGG_RETENTION_DELETE_AFTER_DAYS`` the report is deleted; its
   counts stay in the overview (``overview.models.ArchivedReportCount``).

A report's age runs from the later of when it happened and when it came into Trygg, so an old
event imported today is kept the whole time. Two holds keep the plans' figures and evidence:

- a report linked to a problem that a plan in force (agreed or active) addresses keeps its
  free text until the plan closes: the two parties act on it;
- a report linked to any problem is never deleted (``ProblemReport.report`` protects it), as
  the problem's figures (its frequency, trend, severity and curve) count it; it stays without
  its free text until someone unlinks it, and then goes at the next run.
"""

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.conf import settings
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from accounts.models import AuditEvent
from incidents.models import Report
from plans.choices import PLAN_IN_FORCE
from plans.models import ProblemReport

# The audit trail's name for a run, and the beat entry that runs it (trygg/settings.py).
RETENTION_ACTION = "report.retention"
RETENTION_BEAT_ENTRY = "reports-retention"
# At most this many reports per stage and run, so one run is one short transaction; a
# backlog (the first run on years of data) takes a few nights, which the page says.
RETENTION_PER_RUN = 20_000

# Whatever could name a person or point at one, and its value once cleared: the text, the id in
# the sending system, who filed it, the exact point and the named place (the primärområde stays).
FREE_TEXT_CLEARED = {
    "description": "",
    "external_id": "",
    "reporter": None,
    "latitude": None,
    "longitude": None,
    "place": None,
    "place_text": "",
}


@dataclass(frozen=True)
class Cutoffs:
    """Reports older than ``thin_before`` lose their free text, older than ``delete_before``
    go, as seen at ``at``."""

    at: datetime
    thin_before: datetime
    delete_before: datetime


def retention_cutoffs(*, at: datetime | None = None) -> Cutoffs:
    at = at or timezone.now()
    return Cutoffs(
        at=at,
        thin_before=at - timedelta(days=settings.TRYGG_RETENTION_THIN_AFTER_DAYS),
        delete_before=at - timedelta(days=settings.TRYGG_RETENTION_DELETE_AFTER_DAYS),
    )


def _older_than(cutoff: datetime) -> Q:
    return Q(occurred_at__lt=cutoff, created_at__lt=cutoff)


def _linked(**problem_filter) -> Exists:
    return Exists(ProblemReport.objects.filter(report=OuterRef("pk"), **problem_filter))


def _held_by_a_plan() -> Exists:
    return _linked(problem__measures__plan__status__in=PLAN_IN_FORCE)


def _past_the_first_age_with_free_text(cutoffs: Cutoffs) -> QuerySet[Report]:
    return Report.objects.filter(_older_than(cutoffs.thin_before)).exclude(Q(**FREE_TEXT_CLEARED))


def reports_to_thin(*, cutoffs: Cutoffs) -> QuerySet[Report]:
    """Reports whose free text the first stage clears."""
    return _past_the_first_age_with_free_text(cutoffs).filter(~_held_by_a_plan())


def reports_held_by_plans(*, cutoffs: Cutoffs) -> QuerySet[Report]:
    """Reports past the first age that keep their free text for a plan in force."""
    return _past_the_first_age_with_free_text(cutoffs).filter(_held_by_a_plan())


def reports_to_delete(*, cutoffs: Cutoffs) -> QuerySet[Report]:
    """Reports the second stage deletes."""
    return Report.objects.filter(_older_than(cutoffs.delete_before)).filter(~_linked())


def reports_kept_for_problems(*, cutoffs: Cutoffs) -> QuerySet[Report]:
    """Reports past the second age that stay (without free text) for their problems."""
    return Report.objects.filter(_older_than(cutoffs.delete_before)).filter(_linked())


def retention_next_run(*, now: datetime | None = None) -> datetime | None:
    """When Celery beat next starts the job (its entry's hours and minutes, local time)."""
    entry = settings.CELERY_BEAT_SCHEDULE.get(RETENTION_BEAT_ENTRY)
    if entry is None:
        return None
    schedule = entry["schedule"]
    now = timezone.localtime(now)
    for days_ahead in (0, 1):
        day = now.date() + timedelta(days=days_ahead)
        for hour in sorted(schedule.hour):
            for minute in sorted(schedule.minute):
                start = timezone.make_aware(datetime.combine(day, time(hour, minute)))
                if start > now:
                    return start
    return None


@dataclass(frozen=True)
class RetentionStage:
    """One stage at the next run: its age, the reports older than ``before`` it takes
    (``due``) and those it holds back for plans or problems (``kept``)."""

    days: int
    before: datetime
    due: int
    kept: int

    @property
    def takes_more_than_one_run(self) -> bool:
        return self.due > RETENTION_PER_RUN


@dataclass(frozen=True)
class RetentionDue:
    next_run_at: datetime | None
    thin: RetentionStage
    delete: RetentionStage
    per_run: int
    last_run: AuditEvent | None


def retention_due(*, now: datetime | None = None) -> RetentionDue:
    """What the next run will do, counted as of its start (counts only: no record is shown).

    A report deleted at the second stage is not counted at the first as well.
    """
    next_run_at = retention_next_run(now=now)
    cutoffs = retention_cutoffs(at=next_run_at or now)
    deleted = reports_to_delete(cutoffs=cutoffs)
    return RetentionDue(
        next_run_at=next_run_at,
        thin=RetentionStage(
            days=settings.TRYGG_RETENTION_THIN_AFTER_DAYS,
            before=cutoffs.thin_before,
            due=reports_to_thin(cutoffs=cutoffs).exclude(pk__in=deleted).count(),
            kept=reports_held_by_plans(cutoffs=cutoffs).count(),
        ),
        delete=RetentionStage(
            days=settings.TRYGG_RETENTION_DELETE_AFTER_DAYS,
            before=cutoffs.delete_before,
            due=deleted.count(),
            kept=reports_kept_for_problems(cutoffs=cutoffs).count(),
        ),
        per_run=RETENTION_PER_RUN,
        last_run=AuditEvent.objects.filter(action=RETENTION_ACTION).order_by("-at", "-id").first(),
    )
