from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ProblemStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    RESOLVED = "resolved", _("Resolved")
    ARCHIVED = "archived", _("Archived")


class TriangleSide(models.TextChoices):
    """The sides of the crime triangle (problem analysis triangle)."""

    OFFENDER = "offender", _("Offender")
    TARGET = "target", _("Target or victim")
    PLACE = "place", _("Place")


class CauseKind(models.TextChoices):
    SITUATIONAL = "situational", _("Situational")
    SOCIAL = "social", _("Social")


class CauseHorizon(models.TextChoices):
    SHORT = "short", _("Short term")
    LONG = "long", _("Long term")


class PriorityLevel(models.TextChoices):
    PRIORITISED = "prioritised", _("Prioritised")
    WATCH = "watch", _("Watch")
    NOT_PRIORITISED = "not_prioritised", _("Not prioritised")


class Criterion(models.TextChoices):
    """The criteria of the priority score, in the order the breakdown shows them."""

    FREQUENCY = "frequency", _("Frequency")
    TREND = "trend", _("Trend")
    SEVERITY = "severity", _("Severity")
    CONCERN = "concern", _("Resident concern")
    VULNERABILITY = "vulnerability", _("Vulnerability")
    INFLUENCE = "influence", _("Chance to influence")


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    AGREED = "agreed", _("Agreed")
    ACTIVE = "active", _("Active")
    CLOSED = "closed", _("Closed")


# Agreed and active plans are in force: changing them makes a revision, and their public
# measures form the district's medborgarlöfte.
PLAN_IN_FORCE = (PlanStatus.AGREED, PlanStatus.ACTIVE)


class MeasureStatus(models.TextChoices):
    """ej påbörjad, påbörjad, genomförd, försenad, inställd: with a context of their own, so
    that they are not translated as the import statuses of the same English words."""

    NOT_STARTED = "not_started", pgettext_lazy("measure status", "Not started")
    STARTED = "started", pgettext_lazy("measure status", "Started")
    DONE = "done", pgettext_lazy("measure status", "Done")
    DELAYED = "delayed", pgettext_lazy("measure status", "Delayed")
    CANCELLED = "cancelled", pgettext_lazy("measure status", "Cancelled")


# A measure in one of these states past its end date shows as delayed (försenad).
MEASURE_OPEN = (MeasureStatus.NOT_STARTED, MeasureStatus.STARTED)


class TargetDirection(models.TextChoices):
    AT_LEAST = "at_least", _("at least")
    AT_MOST = "at_most", _("at most")
