"""The evaluation design of a measure: fixed when the measure starts, revised only on record.

An effect chosen after the fact (a comparison area picked because it makes the measure look
good) is no evidence. So the areas, periods and categories the effect is measured over are
stored when the measure starts, and a later change keeps the old design with who changed it,
when and why (``EvaluationDesignRevision``); the pages show both.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from core.fields import MaskedTextField


class EvaluationDesign(models.Model):
    """What a measure's effect is measured over: the target mellanområden (the problem's
    places and areas), the comparison (by default the rest of the plan's district), the buffer
    (the target's neighbours, for displacement), the periods before and after, and the main
    categories counted (none: all).

    The mellanområde is the unit: the rollups carry it, it has a polygon for the neighbours,
    and it is large enough for weekly counts to mean something.
    """

    measure = models.OneToOneField(
        "plans.Measure",
        on_delete=models.CASCADE,
        related_name="evaluation_design",
        verbose_name=_("measure"),
    )
    target_areas = models.ManyToManyField(
        "areas.IntermediateArea", related_name="+", verbose_name=_("target areas")
    )
    comparison_areas = models.ManyToManyField(
        "areas.IntermediateArea", blank=True, related_name="+", verbose_name=_("comparison areas")
    )
    buffer_areas = models.ManyToManyField(
        "areas.IntermediateArea", blank=True, related_name="+", verbose_name=_("buffer areas")
    )
    categories = models.ManyToManyField(
        "incidents.Category",
        blank=True,
        related_name="+",
        verbose_name=_("main categories counted"),
        help_text=_("None: every category."),
    )
    before_start = models.DateField(_("before period from"))
    before_end = models.DateField(_("before period to"))
    after_start = models.DateField(_("after period from"))
    # The after period runs to this day or to yesterday, whichever comes first.
    after_end = models.DateField(_("after period to"))
    fixed_at = models.DateTimeField(_("fixed"), auto_now_add=True)
    # None when the daily job fixed it on the start date.
    fixed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("fixed by"),
    )
    revision = models.PositiveIntegerField(_("revision"), default=0)

    class Meta:
        ordering = ["measure"]
        verbose_name = _("evaluation design")
        verbose_name_plural = _("evaluation designs")
        constraints = [
            models.CheckConstraint(
                condition=Q(before_end__gte=F("before_start"))
                & Q(after_start__gt=F("before_end"))
                & Q(after_end__gte=F("after_start")),
                name="evaluation_periods_in_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.measure}: {_('evaluation design')}"


class EvaluationDesignRevision(models.Model):
    """A change to a fixed design: the design as it stood before, who changed it, when, why.

    The old values are a JSON snapshot (area and category codes and names, the dates): it is
    read as a whole and stays readable whatever becomes of the areas it names."""

    design = models.ForeignKey(
        EvaluationDesign,
        on_delete=models.CASCADE,
        related_name="revisions",
        verbose_name=_("evaluation design"),
    )
    number = models.PositiveIntegerField(_("revision"))
    previous = models.JSONField(_("design before the change"))
    reason = MaskedTextField(_("reason"), max_length=2000)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("by"),
    )
    created_at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        ordering = ["design", "-number"]
        verbose_name = _("evaluation design revision")
        verbose_name_plural = _("evaluation design revisions")
        constraints = [
            models.UniqueConstraint(fields=["design", "number"], name="evaluation_revision_once"),
            models.CheckConstraint(condition=Q(number__gte=1), name="evaluation_revision_from_1"),
        ]

    def __str__(self) -> str:
        return f"{self.design} rev. {self.number}"
