"""What the analysis stores: the trend alerts (``analysis.alerts``), computed by Celery after
the rollups and read by the dashboards and the API."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class AlertLevel(models.TextChoices):
    DISTRICT = "district", _("district")
    INTERMEDIATE_AREA = "intermediate_area", _("intermediate area")


class AlertMethod(models.TextChoices):
    FARRINGTON = "farrington", _("Farrington (Noufaily)")
    FALLBACK = "fallback", _("preceding weeks")
    TOO_LITTLE_DATA = "too_little_data", _("too little data")


class Alert(models.Model):
    """One cell-week of the trend alerts: a district or a mellanområde, a main category and an
    ISO week, with its count, what history predicts and how unusual the count is.

    Stored: every cell-week that alarmed (``alarm``), and, for the latest evaluated week,
    every cell whatever its result, so that a page can say which cells could not be judged
    ("för lite data") or were judged on the short fallback baseline. Quiet cell-weeks before
    the latest are deleted when the next week is evaluated: nothing shows them, and keeping
    them would store some 500 rows a week for nothing.

    Made of partnership-level reports only (``analysis.alerts``); shown to those who read the
    partnership records of the alert's district (``alerts_visible``).
    """

    level = models.CharField(_("level"), max_length=20, choices=AlertLevel.choices)
    district = models.ForeignKey(
        "areas.District", on_delete=models.CASCADE, related_name="+", verbose_name=_("district")
    )
    intermediate_area = models.ForeignKey(
        "areas.IntermediateArea",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("intermediate area"),
    )
    category = models.ForeignKey(
        "incidents.Category",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("main category"),
    )
    week = models.DateField(_("week"), help_text=_("The Monday of the ISO week."))
    observed = models.PositiveIntegerField(_("observed"))
    expected = models.FloatField(_("expected"), null=True)
    upper = models.FloatField(_("upper bound"), null=True)
    score = models.FloatField(_("score"), null=True)
    p_value = models.FloatField(_("p-value"), null=True)
    observed_4w = models.PositiveIntegerField(_("observed in four weeks"), null=True)
    expected_4w = models.FloatField(_("expected in four weeks"), null=True)
    upper_4w = models.FloatField(_("upper bound for four weeks"), null=True)
    sustained = models.BooleanField(_("a rise over four weeks"), default=False)
    alarm = models.BooleanField(_("alarm"), default=False)
    method = models.CharField(_("method"), max_length=20, choices=AlertMethod.choices)
    computed_at = models.DateTimeField(_("computed at"))
    problem = models.ForeignKey(
        "plans.Problem",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="alerts",
        verbose_name=_("problem"),
        help_text=_("The problem an analyst made of the alert."),
    )

    class Meta:
        ordering = ["-week", "district_id", "intermediate_area_id", "category_id"]
        verbose_name = _("trend alert")
        verbose_name_plural = _("trend alerts")
        constraints = [
            models.UniqueConstraint(
                fields=["level", "district", "intermediate_area", "category", "week"],
                nulls_distinct=False,
                name="analysis_alert_cell_week",
            ),
            models.CheckConstraint(
                condition=models.Q(level="district", intermediate_area__isnull=True)
                | models.Q(level="intermediate_area", intermediate_area__isnull=False),
                name="analysis_alert_level_matches_area",
            ),
        ]
        indexes = [models.Index(fields=["week", "alarm"], name="analysis_alert_week")]

    def __str__(self) -> str:
        return f"{self.week} {self.district_id}/{self.intermediate_area_id} {self.category_id}"

    @property
    def reading(self) -> str:
        """The alert in plain Swedish (``analysis.texts.reading``)."""
        from analysis.texts import reading

        return reading(self)
