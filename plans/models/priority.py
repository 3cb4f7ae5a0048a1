"""What the priority score is made of: the weights (versioned), resident concern per district
and year, and the quarterly priority decisions that keep the score they were made with."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.lookups import Exact
from django.utils.translation import gettext_lazy as _

from core.fields import MaskedCharField, MaskedTextField
from core.models import TimeStampedModel
from plans.choices import Criterion, PriorityLevel
from plans.querysets import PriorityDecisionQuerySet, ResidentConcernQuerySet

WEIGHT_TOTAL = 100


class PriorityWeights(models.Model):
    """One version of the priority weights. Never changed: a change is a new version, so a
    decision keeps the weights it was made with. The weights are points out of 100; a
    criterion fully met gives all of its points.
    """

    version = models.PositiveIntegerField(_("version"), unique=True, editable=False)
    frequency = models.PositiveSmallIntegerField(_("frequency"))
    trend = models.PositiveSmallIntegerField(_("trend"))
    severity = models.PositiveSmallIntegerField(_("severity"))
    concern = models.PositiveSmallIntegerField(_("resident concern"))
    vulnerability = models.PositiveSmallIntegerField(_("vulnerability"))
    influence = models.PositiveSmallIntegerField(_("chance to influence"))
    frequency_full_at = models.PositiveIntegerField(
        _("reports a year for full frequency points"),
        default=50,
        validators=[MinValueValidator(1)],
        help_text=_(
            "A problem with this many linked reports in the last 12 months gets all of the "
            "frequency points; fewer give a share."
        ),
    )
    note = MaskedCharField(_("why this change"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )

    class Meta:
        ordering = ["-version"]
        get_latest_by = "version"
        verbose_name = _("priority weights")
        verbose_name_plural = _("priority weights")
        constraints = [
            # The breakdown of every score adds up to it only if the weights share out 100.
            models.CheckConstraint(
                condition=Exact(
                    F("frequency")
                    + F("trend")
                    + F("severity")
                    + F("concern")
                    + F("vulnerability")
                    + F("influence"),
                    WEIGHT_TOTAL,
                ),
                name="priority_weights_add_up_to_100",
            ),
            models.CheckConstraint(
                condition=Q(frequency_full_at__gte=1), name="priority_weights_full_at_positive"
            ),
        ]

    def __str__(self) -> str:
        return _("Weights version %(version)s") % {"version": self.version}

    def weight(self, criterion: str) -> int:
        return getattr(self, Criterion(criterion).value)

    @property
    def total(self) -> int:
        return sum(self.weight(criterion) for criterion in Criterion.values)


class ResidentConcern(TimeStampedModel):
    """How worried residents of a district are, judged by the analysts from safety surveys
    (trygghetsundersökningar) and citizen dialogues, for one year."""

    district = models.ForeignKey(
        "areas.District",
        on_delete=models.PROTECT,
        related_name="resident_concerns",
        verbose_name=_("district"),
    )
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(2015), MaxValueValidator(2100)]
    )
    level = models.PositiveSmallIntegerField(
        _("concern"),
        validators=[MinValueValidator(1), MaxValueValidator(5)],
        help_text=_("1 (little concern) to 5 (great concern)."),
    )
    basis = MaskedCharField(
        _("based on"),
        max_length=300,
        help_text=_("The surveys and dialogues, e.g. Trygghetsundersökningen 2024."),
    )
    note = MaskedTextField(_("note"), max_length=2000, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("entered by"),
    )

    objects = ResidentConcernQuerySet.as_manager()

    class Meta:
        ordering = ["district__code", "-year"]
        verbose_name = _("resident concern")
        verbose_name_plural = _("resident concern")
        constraints = [
            models.UniqueConstraint(fields=["district", "year"], name="concern_once_a_year"),
            models.CheckConstraint(
                condition=Q(level__gte=1, level__lte=5), name="concern_level_1_to_5"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.district} {self.year}: {self.level}"


class PriorityDecision(models.Model):
    """The analysts' priority decision on a problem at a quarterly review, with the score,
    its breakdown and the weights version as they were when it was made."""

    problem = models.ForeignKey(
        "plans.Problem",
        on_delete=models.CASCADE,
        related_name="priority_decisions",
        verbose_name=_("problem"),
    )
    quarter_start = models.DateField(_("quarter"))
    level = models.CharField(_("decision"), max_length=16, choices=PriorityLevel.choices)
    reason = MaskedTextField(_("reason"), max_length=2000)
    score = models.DecimalField(_("score"), max_digits=5, decimal_places=1)
    rank = models.PositiveSmallIntegerField(_("rank"))
    breakdown = models.JSONField(_("breakdown"))
    weights = models.ForeignKey(
        PriorityWeights,
        on_delete=models.PROTECT,
        related_name="decisions",
        verbose_name=_("weights"),
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided"), auto_now_add=True)

    objects = PriorityDecisionQuerySet.as_manager()

    class Meta:
        ordering = ["-decided_at", "-id"]
        verbose_name = _("priority decision")
        verbose_name_plural = _("priority decisions")
        indexes = [models.Index(fields=["problem", "-decided_at"], name="decision_problem_idx")]

    def __str__(self) -> str:
        return f"{self.problem} {self.quarter_start:%Y-%m}: {self.get_level_display()}"
