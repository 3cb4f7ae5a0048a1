from django.db import models
from django.utils.translation import gettext_lazy as _


class RollupKind(models.TextChoices):
    CHANGES = "changes", _("Changes since the last run")
    SWEEP = "sweep", _("Periodic check and repair")
    FULL = "full", _("Full rebuild")
    PLANS = "plans", _("Plan progress")


class RollupStatus(models.TextChoices):
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")
    # The worker died during the run (killed, lost its connection); nothing of it was kept.
    INTERRUPTED = "interrupted", _("Interrupted")


class Grain(models.TextChoices):
    """How finely the aggregate rows of ``overview_counts`` are cut in time."""

    DAY = "day", _("Day")
    WEEK = "week", _("Week")
    MONTH = "month", _("Month")
    QUARTER = "quarter", _("Quarter")
    YEAR = "year", _("Year")
