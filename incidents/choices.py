from django.db import models
from django.utils.translation import gettext_lazy as _


class SourceKind(models.TextChoices):
    POLICE_EVENT = "police_event", _("Police event")
    FIELD_OBSERVATION = "field_observation", _("Field observation")
    PROPERTY_OWNER = "property_owner", _("Property owner")
    SCHOOL = "school", _("School")
    SECURITY_COMPANY = "security_company", _("Security company")
    SAFETY_WALK = "safety_walk", _("Safety walk")
    CITIZEN_DIALOGUE = "citizen_dialogue", _("Citizen dialogue")
    PARTNER_SYSTEM = "partner_system", _("Partner system")


class ReportStatus(models.TextChoices):
    NEW = "new", _("New")
    REVIEWED = "reviewed", _("Reviewed")
    LINKED = "linked", _("Linked to a problem")
    DISMISSED = "dismissed", _("Dismissed")


class Severity(models.IntegerChoices):
    LOW = 1, _("1 – minor")
    MODERATE = 2, _("2 – moderate")
    SERIOUS = 3, _("3 – serious")
    CRITICAL = 4, _("4 – very serious")


class PlacedBy(models.TextChoices):
    """How a report's district was found; reports that could not be placed stay unplaced.
    ``MANUAL``: an analyst placed it by hand, and no automatic placing overrides that."""

    POINT = "point", _("Coordinates")
    PLACE = "place", _("Known place")
    GAZETTEER = "gazetteer", _("Place name in the text")
    MANUAL = "manual", _("An analyst, by hand")
    UNPLACED = "unplaced", _("Unplaced")


class ImportKind(models.TextChoices):
    POLICE_EVENTS = "police_events", _("Police public events (JSON)")
    CSV = "csv", _("Reports from a CSV file")


class ImportStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    RUNNING = "running", _("Running")
    AWAITING_DECISION = "awaiting_decision", _("Waiting for your decision")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")
    CANCELLED = "cancelled", _("Cancelled")


class PeriodKind(models.TextChoices):
    MONTH = "month", _("Month")
    QUARTER = "quarter", _("Quarter")
    YEAR = "year", _("Year")


class PictureStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    AGREED = "agreed", _("Agreed")
