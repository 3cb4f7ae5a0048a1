"""Rollups of reports for the overview: counts per bucket, the queue of changes that feeds them,
and a record of each run.

How they stay exact (the design in full is in ``overview/services/rollup.py``):

- A PostgreSQL trigger on ``incidents_report`` (migration 0002) writes a ``ReportChange`` row
  per touched bucket (+n for rows that came in, -n for rows that left) in the same transaction
  as the write, whatever wrote it: a form, the API, an import's ``bulk_create``, a raw
  ``UPDATE``, a ``DELETE``. A write without its change row cannot commit, nor the reverse.
- A Celery job folds the queued changes into the three count tables and deletes them, in one
  transaction: it commits whole or not at all, so a job killed half way leaves the changes
  queued for the next one.
- A sweep checks the count tables against a ``GROUP BY`` over the reports and rebuilds any
  day that differs; ``manage.py rollup --full`` rebuilds everything.

The count tables carry the owning organisation and the confidentiality of the reports they
count, so that each figure can be summed over the buckets its viewer may read
(``overview.selectors.counts``). Their foreign keys have neither database
constraint nor index: they are derived data, rebuilt from the reports, and an index or a
constraint check per row would make the rebuild several times slower.
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from overview.choices import RollupKind, RollupStatus


def _reference(model: str, verbose_name, *, null: bool = False):
    return models.ForeignKey(
        model,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        null=null,
        blank=null,
        related_name="+",
        verbose_name=verbose_name,
    )


def _key(key: tuple[str, ...], name: str) -> models.UniqueConstraint:
    """The bucket's unique key; reports without a district or area share the NULL bucket."""
    fields = [column.removesuffix("_id") for column in key]
    return models.UniqueConstraint(fields=fields, nulls_distinct=False, name=name)


def _emptied(period: str, name: str) -> models.Index:
    """The rows a fold left at zero (to delete) or below (to repair): usually none."""
    return models.Index(fields=[period], condition=Q(reports__lte=0), name=name)


class Counts(models.Model):
    """What every count table has: how many reports, their summed severity, and when."""

    reports = models.IntegerField(_("reports"))
    severity_sum = models.IntegerField(_("sum of severities"))
    computed_at = models.DateTimeField(_("computed at"))

    class Meta:
        abstract = True


# The key of a day bucket: every dimension a report is counted by. The order is the unique
# index's, chosen so that a range of days is one index range.
DAY_KEY = (
    "day",
    "district_id",
    "intermediate_area_id",
    "primary_area_id",
    "category_id",
    "source_kind",
    "organisation_id",
    "confidentiality",
    "status",
)
MONTH_KEY = (
    "month",
    "district_id",
    "category_id",
    "source_kind",
    "organisation_id",
    "confidentiality",
)
AREA_MONTH_KEY = (
    "month",
    "district_id",
    "intermediate_area_id",
    "primary_area_id",
    "organisation_id",
    "confidentiality",
)


class ReportDayCount(Counts):
    """Reports per local day (Europe/Stockholm) and every dimension, every status included.

    The finest rollup: the one the changes are folded into first, the one the sweep checks
    against the reports, and the one read for days and weeks or by primärområde.
    """

    day = models.DateField(_("day"))
    district = _reference("areas.District", _("district"), null=True)
    intermediate_area = _reference("areas.IntermediateArea", _("intermediate area"), null=True)
    primary_area = _reference("areas.PrimaryArea", _("primary area"), null=True)
    category = _reference("incidents.Category", _("category"))
    source_kind = models.CharField(_("source"), max_length=20)
    organisation = _reference("accounts.Organisation", _("organisation"))
    confidentiality = models.CharField(_("confidentiality"), max_length=20)
    status = models.CharField(_("status"), max_length=12)

    class Meta:
        ordering = ["-day"]
        verbose_name = _("reports per day")
        verbose_name_plural = _("reports per day")
        constraints = [_key(DAY_KEY, "report_day_count_key")]
        indexes = [_emptied("day", "report_day_count_empty")]

    def __str__(self) -> str:
        return f"{self.day}: {self.reports}"


class ReportMonthCount(Counts):
    """Reports per calendar month by district, category, source and owner: what the
    dashboards read. Counts the reports that describe the situation only (not dismissed ones,
    as the lägesbild), and has no primärområde, which keeps it some twenty times smaller."""

    month = models.DateField(_("month"))
    district = _reference("areas.District", _("district"), null=True)
    category = _reference("incidents.Category", _("category"))
    source_kind = models.CharField(_("source"), max_length=20)
    organisation = _reference("accounts.Organisation", _("organisation"))
    confidentiality = models.CharField(_("confidentiality"), max_length=20)

    class Meta:
        ordering = ["-month"]
        verbose_name = _("reports per month")
        verbose_name_plural = _("reports per month")
        constraints = [_key(MONTH_KEY, "report_month_count_key")]
        indexes = [_emptied("month", "report_month_count_empty")]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m}: {self.reports}"


class AreaMonthCount(Counts):
    """Reports per calendar month, mellanområde and primärområde (not dismissed ones): the
    dashboards' areas with most reports. Reports placed in neither are not in it."""

    month = models.DateField(_("month"))
    district = _reference("areas.District", _("district"), null=True)
    intermediate_area = _reference("areas.IntermediateArea", _("intermediate area"), null=True)
    primary_area = _reference("areas.PrimaryArea", _("primary area"), null=True)
    organisation = _reference("accounts.Organisation", _("organisation"))
    confidentiality = models.CharField(_("confidentiality"), max_length=20)

    class Meta:
        ordering = ["-month"]
        verbose_name = _("reports per month and primary area")
        verbose_name_plural = _("reports per month and primary area")
        constraints = [_key(AREA_MONTH_KEY, "area_month_count_key")]
        indexes = [_emptied("month", "area_month_count_empty")]

    def __str__(self) -> str:
        return (
            f"{self.month:%Y-%m} {self.intermediate_area_id}/{self.primary_area_id}: {self.reports}"
        )


class ArchivedReportCount(Counts):
    """What the reports that retention deleted (gallring, ``overview.services.retention``)
    counted, per day bucket: the rollups are rebuilt from the reports plus these rows, so a
    deleted report stays in every figure exactly as before.

    Written only by retention, in the transaction that deletes the reports, together with the
    ``ReportChange`` rows that cancel the deletion's; never decreased.
    """

    day = models.DateField(_("day"))
    district = _reference("areas.District", _("district"), null=True)
    intermediate_area = _reference("areas.IntermediateArea", _("intermediate area"), null=True)
    primary_area = _reference("areas.PrimaryArea", _("primary area"), null=True)
    category = _reference("incidents.Category", _("category"))
    source_kind = models.CharField(_("source"), max_length=20)
    organisation = _reference("accounts.Organisation", _("organisation"))
    confidentiality = models.CharField(_("confidentiality"), max_length=20)
    status = models.CharField(_("status"), max_length=12)

    class Meta:
        ordering = ["-day"]
        verbose_name = _("deleted reports per day")
        verbose_name_plural = _("deleted reports per day")
        constraints = [_key(DAY_KEY, "archived_report_count_key")]

    def __str__(self) -> str:
        return f"{self.day}: {self.reports}"


class ReportChange(models.Model):
    """A change to one day bucket, queued by the trigger on ``incidents_report``, waiting to be
    folded into the counts. Written by the trigger (and by retention, which cancels the
    trigger's rows for the reports it deletes) and deleted only by the fold."""

    id = models.BigAutoField(primary_key=True)
    day = models.DateField(_("day"))
    district = _reference("areas.District", _("district"), null=True)
    intermediate_area = _reference("areas.IntermediateArea", _("intermediate area"), null=True)
    primary_area = _reference("areas.PrimaryArea", _("primary area"), null=True)
    category = _reference("incidents.Category", _("category"))
    source_kind = models.CharField(_("source"), max_length=20)
    organisation = _reference("accounts.Organisation", _("organisation"))
    confidentiality = models.CharField(_("confidentiality"), max_length=20)
    status = models.CharField(_("status"), max_length=12)
    reports = models.IntegerField(_("change in reports"))
    severity_sum = models.IntegerField(_("change in the sum of severities"))
    created_at = models.DateTimeField(_("queued at"))

    class Meta:
        ordering = ["id"]
        verbose_name = _("queued change")
        verbose_name_plural = _("queued changes")

    def __str__(self) -> str:
        return f"{self.day} {self.reports:+d}"


class PlanProgressCount(models.Model):
    """Measures of a plan in force by effective status (försenad from the date), with how
    many have a numeric target and how many of those the latest follow-up meets. Rebuilt
    whole by ``overview.services.plans_rollup`` (a few hundred rows at most)."""

    plan = _reference("plans.ActionPlan", _("action plan"))
    district = _reference("areas.District", _("district"))
    status = models.CharField(_("status"), max_length=12)
    measures = models.PositiveIntegerField(_("measures"))
    with_target = models.PositiveIntegerField(_("with a numeric target"))
    targets_met = models.PositiveIntegerField(_("targets met"))
    computed_at = models.DateTimeField(_("computed at"))

    class Meta:
        ordering = ["district", "plan", "status"]
        verbose_name = _("plan progress")
        verbose_name_plural = _("plan progress")
        constraints = [
            models.UniqueConstraint(fields=["plan", "status"], name="plan_progress_count_key")
        ]

    def __str__(self) -> str:
        return f"{self.plan_id} {self.status}: {self.measures}"


class RollupRun(models.Model):
    """One run of a rollup job: what it did, how long it took, and how it ended.

    A run is recorded as running before its transaction starts and marked done inside it, so
    a run that is still "running" with no job holding the rollup lock died half way; the
    sweep marks it interrupted. Runs that found nothing to do are not recorded.
    """

    kind = models.CharField(_("kind"), max_length=10, choices=RollupKind.choices)
    status = models.CharField(
        _("status"), max_length=12, choices=RollupStatus.choices, default=RollupStatus.RUNNING
    )
    started_at = models.DateTimeField(_("started"), db_index=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    duration = models.DurationField(_("duration"), null=True, blank=True)
    # From which data: the queued changes folded (and the last one's id), or the reports read.
    changes = models.PositiveIntegerField(_("changes folded"), default=0)
    last_change_id = models.BigIntegerField(_("last change folded"), null=True, blank=True)
    reports_read = models.PositiveIntegerField(_("reports read"), null=True, blank=True)
    rows_written = models.PositiveIntegerField(_("rows written"), default=0)
    rows_deleted = models.PositiveIntegerField(_("rows deleted"), default=0)
    days_repaired = models.PositiveIntegerField(_("days repaired"), default=0)
    message = models.TextField(_("message"), blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = _("rollup run")
        verbose_name_plural = _("rollup runs")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.started_at:%Y-%m-%d %H:%M:%S}"
