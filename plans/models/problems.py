"""Problems (a place plus a situation), their linked reports and their cause analysis."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.fields import MaskedCharField, MaskedTextField
from core.models import TimeStampedModel
from plans.choices import CauseHorizon, CauseKind, ProblemStatus, TriangleSide
from plans.querysets import CauseQuerySet, ProblemQuerySet

TEXT_MAX_LENGTH = 4000
TRIANGLE_MAX_LENGTH = 1000
# The crime triangle's fields on a problem: each side, then who can act on it.
TRIANGLE_FIELDS = ("offender", "handler", "target", "guardian", "place", "place_manager")


class Problem(TimeStampedModel):
    """A problem in a district: one or more places or areas plus a situation, e.g. "open drug
    dealing at Hjällbo torg in the evenings". Holds no person: the method is about places and
    situations.

    The cause analysis is the crime triangle (offender, target, place, each with the people
    who can act on it) written on the problem, and named ``Cause`` rows.
    """

    district = models.ForeignKey(
        "areas.District",
        on_delete=models.PROTECT,
        related_name="problems",
        verbose_name=_("district"),
    )
    title = MaskedCharField(
        _("problem"),
        max_length=200,
        help_text=_("Place and situation in one line, e.g. open drug dealing at the square."),
    )
    situation = MaskedTextField(_("situation"), max_length=TEXT_MAX_LENGTH, blank=True)
    places = models.ManyToManyField(
        "areas.Place", blank=True, related_name="problems", verbose_name=_("places")
    )
    primary_areas = models.ManyToManyField(
        "areas.PrimaryArea", blank=True, related_name="problems", verbose_name=_("primary areas")
    )
    status = models.CharField(
        _("status"), max_length=10, choices=ProblemStatus.choices, default=ProblemStatus.ACTIVE
    )
    influence = models.PositiveSmallIntegerField(
        _("chance to influence"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
        help_text=_("The analysts' judgement, 1 (hardly) to 5 (very good)."),
    )
    influence_reason = MaskedCharField(_("why"), max_length=500, blank=True)

    # The crime triangle: what is known about each side, and who can act on it.
    offender = MaskedTextField(_("offender"), max_length=TRIANGLE_MAX_LENGTH, blank=True)
    handler = MaskedTextField(_("handler"), max_length=TRIANGLE_MAX_LENGTH, blank=True)
    target = MaskedTextField(_("target or victim"), max_length=TRIANGLE_MAX_LENGTH, blank=True)
    guardian = MaskedTextField(_("guardian"), max_length=TRIANGLE_MAX_LENGTH, blank=True)
    place = MaskedTextField(_("place"), max_length=TRIANGLE_MAX_LENGTH, blank=True)
    place_manager = MaskedTextField(_("place manager"), max_length=TRIANGLE_MAX_LENGTH, blank=True)

    reports = models.ManyToManyField(
        "incidents.Report",
        through="ProblemReport",
        related_name="problems",
        verbose_name=_("reports"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("created by"),
    )
    # Optimistic locking: a save names the version it read; a stale one is refused.
    version = models.PositiveIntegerField(_("version"), default=1)

    objects = ProblemQuerySet.as_manager()

    class Meta:
        ordering = ["district__code", "title", "id"]
        verbose_name = _("problem")
        verbose_name_plural = _("problems")
        constraints = [
            models.CheckConstraint(
                condition=Q(influence__isnull=True) | Q(influence__gte=1, influence__lte=5),
                name="problem_influence_1_to_5",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class ProblemReport(models.Model):
    """A report linked to a problem, by whom and when."""

    problem = models.ForeignKey(
        Problem, on_delete=models.CASCADE, related_name="report_links", verbose_name=_("problem")
    )
    # A linked report is part of the problem's evidence: it is unlinked before it can go.
    report = models.ForeignKey(
        "incidents.Report",
        on_delete=models.PROTECT,
        related_name="problem_links",
        verbose_name=_("report"),
    )
    linked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("linked by"),
    )
    linked_at = models.DateTimeField(_("linked"), auto_now_add=True)

    class Meta:
        ordering = ["-linked_at", "-id"]
        verbose_name = _("linked report")
        verbose_name_plural = _("linked reports")
        constraints = [
            models.UniqueConstraint(fields=["problem", "report"], name="report_linked_once"),
        ]

    def __str__(self) -> str:
        return f"{self.problem_id} ← {self.report_id}"


class Cause(models.Model):
    """A named cause of a problem: situational or social, to act on in the short or long term."""

    problem = models.ForeignKey(
        Problem, on_delete=models.CASCADE, related_name="causes", verbose_name=_("problem")
    )
    description = MaskedCharField(_("cause"), max_length=300)
    kind = models.CharField(_("kind"), max_length=12, choices=CauseKind.choices)
    horizon = models.CharField(_("horizon"), max_length=6, choices=CauseHorizon.choices)
    side = models.CharField(
        _("side of the triangle"), max_length=10, choices=TriangleSide.choices, blank=True
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    objects = CauseQuerySet.as_manager()

    class Meta:
        ordering = ["problem", "position", "id"]
        verbose_name = _("cause")
        verbose_name_plural = _("causes")

    def __str__(self) -> str:
        return self.description
