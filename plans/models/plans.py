"""Action plans, their signatures and revisions, measures and follow-ups."""

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.fields import MaskedCharField, MaskedJSONField, MaskedTextField
from core.models import TimeStampedModel
from plans.choices import MeasureStatus, PlanStatus, TargetDirection
from plans.querysets import (
    ActionPlanQuerySet,
    FollowUpQuerySet,
    MeasureQuerySet,
    PlanRevisionQuerySet,
    effective_status,
)

TEXT_MAX_LENGTH = 4000


class ActionPlan(TimeStampedModel):
    """A district's action plan for a period (usually a calendar year), owned jointly by the
    district's social services and its local police area.

    Draft → agreed (a manager of each owner has signed) → active → closed. A change to a plan
    in force makes a new ``PlanRevision`` with its reason; revision 1 is what was signed.
    """

    district = models.ForeignKey(
        "areas.District",
        on_delete=models.PROTECT,
        related_name="action_plans",
        verbose_name=_("district"),
    )
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    social_services = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("social services"),
    )
    police = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("local police area"),
    )
    summary = MaskedTextField(_("focus of the plan"), max_length=TEXT_MAX_LENGTH, blank=True)
    public_intro = MaskedTextField(
        _("introduction to the citizen promise"), max_length=TEXT_MAX_LENGTH, blank=True
    )
    status = models.CharField(
        _("status"), max_length=10, choices=PlanStatus.choices, default=PlanStatus.DRAFT
    )
    agreed_at = models.DateTimeField(_("agreed"), null=True, blank=True)
    # The current revision; 0 until the plan is agreed.
    revision = models.PositiveIntegerField(_("revision"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("created by"),
    )
    version = models.PositiveIntegerField(_("version"), default=1)

    objects = ActionPlanQuerySet.as_manager()

    class Meta:
        ordering = ["district__code", "-period_start"]
        verbose_name = _("action plan")
        verbose_name_plural = _("action plans")
        constraints = [
            models.UniqueConstraint(
                fields=["district", "period_start"], name="action_plan_once_per_period"
            ),
            models.CheckConstraint(
                condition=Q(period_end__gte=F("period_start")),
                name="action_plan_period_ends_after_start",
            ),
            models.CheckConstraint(
                condition=~Q(social_services=F("police")), name="action_plan_two_owners"
            ),
        ]

    def __str__(self) -> str:
        return _("Action plan %(district)s %(period)s") % {
            "district": self.district,
            "period": self.period_label,
        }

    @property
    def period_label(self) -> str:
        start, end = self.period_start, self.period_end
        if start == date(start.year, 1, 1) and end == date(start.year, 12, 31):
            return str(start.year)
        return f"{start:%Y-%m-%d}–{end:%Y-%m-%d}"

    @property
    def is_in_force(self) -> bool:
        return self.status in (PlanStatus.AGREED, PlanStatus.ACTIVE)

    @property
    def owner_ids(self) -> tuple[int, int]:
        return (self.social_services_id, self.police_id)


class PlanSignature(models.Model):
    """A manager's signature of a plan on behalf of one of its two owning organisations."""

    plan = models.ForeignKey(
        ActionPlan, on_delete=models.CASCADE, related_name="signatures", verbose_name=_("plan")
    )
    organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("organisation"),
    )
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("signed by"),
    )
    signed_at = models.DateTimeField(_("signed"), auto_now_add=True)

    class Meta:
        ordering = ["signed_at", "id"]
        verbose_name = _("plan signature")
        verbose_name_plural = _("plan signatures")
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "organisation"], name="plan_signed_once_per_organisation"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} · {self.signed_by}"


class PlanRevision(models.Model):
    """The plan and its measures as they stood after an agreement or a change, with the reason.

    Kept as a JSON snapshot: a revision is read as a whole and never queried into, and a
    snapshot stays readable whatever later becomes of the measures, problems and causes it
    names (renamed, cancelled, deleted).
    """

    plan = models.ForeignKey(
        ActionPlan, on_delete=models.CASCADE, related_name="revisions", verbose_name=_("plan")
    )
    number = models.PositiveIntegerField(_("revision"))
    reason = MaskedTextField(_("reason"), max_length=2000)
    snapshot = MaskedJSONField(_("snapshot"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("by"),
    )
    created_at = models.DateTimeField(_("when"), auto_now_add=True)

    objects = PlanRevisionQuerySet.as_manager()

    class Meta:
        ordering = ["plan", "-number"]
        verbose_name = _("plan revision")
        verbose_name_plural = _("plan revisions")
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="plan_revision_once"),
            models.CheckConstraint(condition=Q(number__gte=1), name="plan_revision_from_1"),
        ]

    def __str__(self) -> str:
        return f"{self.plan} rev. {self.number}"


class Measure(TimeStampedModel):
    """A measure of a plan: who does what by when, against which problems and causes.

    Every measure addresses at least one problem. A database constraint cannot check that
    (a CHECK sees one row, not the link table), so the services and the form refuse it.
    """

    plan = models.ForeignKey(
        ActionPlan, on_delete=models.CASCADE, related_name="measures", verbose_name=_("plan")
    )
    title = MaskedCharField(_("measure"), max_length=200)
    description = MaskedTextField(_("description"), max_length=TEXT_MAX_LENGTH, blank=True)
    responsible = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="measures",
        verbose_name=_("responsible organisation"),
    )
    target = MaskedCharField(
        _("target"),
        max_length=300,
        help_text=_("What counts as done, e.g. graffiti removed within 24 hours."),
    )
    target_direction = models.CharField(
        _("the indicator should be"),
        max_length=8,
        choices=TargetDirection.choices,
        default=TargetDirection.AT_LEAST,
    )
    target_value = models.DecimalField(
        _("target value"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    target_unit = MaskedCharField(_("unit"), max_length=60, blank=True)
    start_date = models.DateField(_("start"))
    end_date = models.DateField(_("end"))
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=MeasureStatus.choices,
        default=MeasureStatus.NOT_STARTED,
    )
    is_public = models.BooleanField(_("part of the citizen promise"), default=False)
    public_text = MaskedTextField(
        _("as the citizen promise says it"), max_length=TEXT_MAX_LENGTH, blank=True
    )
    problems = models.ManyToManyField(
        "plans.Problem", related_name="measures", verbose_name=_("problems addressed")
    )
    causes = models.ManyToManyField(
        "plans.Cause", blank=True, related_name="measures", verbose_name=_("causes addressed")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("created by"),
    )
    version = models.PositiveIntegerField(_("version"), default=1)

    objects = MeasureQuerySet.as_manager()

    class Meta:
        ordering = ["plan", "start_date", "title", "id"]
        verbose_name = _("measure")
        verbose_name_plural = _("measures")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=F("start_date")), name="measure_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(target_value__isnull=True) | Q(target_value__gte=0),
                name="measure_target_not_negative",
            ),
            # Residents read the promise in words written for them, never the internal text.
            models.CheckConstraint(
                condition=Q(is_public=False) | ~Q(public_text=""),
                name="measure_public_has_public_text",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def display_status(self, today: date | None = None) -> str:
        """The status to show: delayed when past the end date and not done or cancelled."""
        annotated = getattr(self, "effective_status", None)
        if annotated is not None and today is None:
            return annotated
        return effective_status(self.status, self.end_date, today or timezone.localdate())

    def display_status_label(self) -> str:
        return MeasureStatus(self.display_status()).label

    def target_met(self, value) -> bool | None:
        """Whether an indicator ``value`` meets the numeric target; None without one."""
        if self.target_value is None or value is None:
            return None
        if self.target_direction == TargetDirection.AT_MOST:
            return value <= self.target_value
        return value >= self.target_value


class FollowUp(models.Model):
    """A follow-up of a measure: its status on a day, the indicator's value and a note."""

    measure = models.ForeignKey(
        Measure, on_delete=models.CASCADE, related_name="follow_ups", verbose_name=_("measure")
    )
    date = models.DateField(_("date"))
    status = models.CharField(_("status"), max_length=12, choices=MeasureStatus.choices)
    indicator_value = models.DecimalField(
        _("indicator value"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    note = MaskedTextField(_("note"), max_length=2000, blank=True)
    # Recorded by a person, or by a partner system's token (indicator values from the
    # police's or the city's own systems): exactly one of the two.
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    created_by_client = models.ForeignKey(
        "accounts.ApiClient",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by (API client)"),
    )
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    objects = FollowUpQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        indexes = [models.Index(fields=["measure", "-date", "-id"], name="follow_up_latest_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(created_by__isnull=False, created_by_client__isnull=True)
                | Q(created_by__isnull=True, created_by_client__isnull=False),
                name="follow_up_recorded_by_one",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.measure} {self.date:%Y-%m-%d}: {self.get_status_display()}"

    @property
    def recorded_by(self):
        """Who recorded it: the person, or the API client (its name shows)."""
        return self.created_by if self.created_by_id is not None else self.created_by_client
