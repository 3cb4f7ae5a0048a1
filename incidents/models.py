"""Reports (observations and incidents) and their vocabulary."""

from datetime import UTC, datetime

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from accounts.choices import Confidentiality
from core.fields import MaskedCharField, MaskedJSONField, MaskedTextField
from core.models import TimeStampedModel
from incidents.choices import (
    ImportKind,
    ImportStatus,
    PeriodKind,
    PictureStatus,
    PlacedBy,
    ReportStatus,
    Severity,
    SourceKind,
)
from incidents.querysets import ImportRunQuerySet, ReportQuerySet, SituationPictureQuerySet

DESCRIPTION_MAX_LENGTH = 4000
# No report is older: an earlier time is a typing slip or an attack (year 0001 also has no
# ordinary UTC offset in Europe/Stockholm), refused by every write path.
EARLIEST_OCCURRED_AT = datetime(1900, 1, 1, tzinfo=UTC)


class Category(models.Model):
    """A two-level vocabulary (e.g. Brott › Narkotikahandel), seeded and editable by admins."""

    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("main category"),
    )
    code = models.SlugField(_("code"), max_length=60, unique=True)
    name = MaskedCharField(_("name (Swedish)"), max_length=100)
    name_en = MaskedCharField(_("name (English)"), max_length=100, blank=True)
    police_event_types = models.JSONField(
        _("police event types"),
        default=list,
        blank=True,
        help_text=_("Event types of the Police's public feed that map onto this category."),
    )
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        ordering = ["parent__name", "name"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        constraints = [
            models.CheckConstraint(
                condition=~Q(parent=models.F("id")), name="category_not_its_own_parent"
            ),
        ]

    def __str__(self) -> str:
        own = self.display_name
        return f"{self.parent.display_name} › {own}" if self.parent_id else own

    @property
    def display_name(self) -> str:
        return self.name_en if get_language() == "en" and self.name_en else self.name


class Report(TimeStampedModel):
    """An observation or incident at a place and time, owned by the organisation that filed it."""

    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="reports", verbose_name=_("category")
    )
    occurred_at = models.DateTimeField(_("occurred at"), db_index=True)
    occurred_until = models.DateTimeField(_("until"), null=True, blank=True)
    place = models.ForeignKey(
        "areas.Place",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reports",
        verbose_name=_("place"),
    )
    latitude = models.DecimalField(
        _("latitude"), max_digits=8, decimal_places=5, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=8, decimal_places=5, null=True, blank=True
    )
    district = models.ForeignKey(
        "areas.District",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reports",
        verbose_name=_("district"),
    )
    primary_area = models.ForeignKey(
        "areas.PrimaryArea",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reports",
        verbose_name=_("primary area"),
    )
    # The finest area a point is placed in; the district follows from it (report_place).
    intermediate_area = models.ForeignKey(
        "areas.IntermediateArea",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reports",
        verbose_name=_("intermediate area"),
    )
    placed_by = models.CharField(
        _("placed by"), max_length=12, choices=PlacedBy.choices, default=PlacedBy.UNPLACED
    )
    # Analysts' corrections are theirs: a later import of the same event keeps them (the
    # placement's is ``placed_by`` = manual).
    category_corrected = models.BooleanField(
        _("category corrected by an analyst"), default=False, db_default=False
    )
    # The place name as words, for full-text search: a generated column cannot join.
    place_text = MaskedCharField(_("place (text)"), max_length=300, blank=True)
    source_kind = models.CharField(_("source"), max_length=20, choices=SourceKind.choices)
    organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="reports",
        verbose_name=_("organisation"),
    )
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reports",
        verbose_name=_("reporter"),
    )
    description = MaskedTextField(_("description"), max_length=DESCRIPTION_MAX_LENGTH)
    severity = models.PositiveSmallIntegerField(
        _("severity"),
        choices=Severity.choices,
        default=Severity.MODERATE,
        validators=[MinValueValidator(1), MaxValueValidator(4)],
    )
    confidentiality = models.CharField(
        _("confidentiality"),
        max_length=20,
        choices=Confidentiality.choices,
        default=Confidentiality.PARTNERSHIP,
    )
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=ReportStatus.choices,
        default=ReportStatus.NEW,
        db_index=True,
    )
    external_id = MaskedCharField(
        _("external id"),
        max_length=100,
        blank=True,
        help_text=_("The id in the system the report came from."),
    )
    search_vector = models.GeneratedField(
        expression=SearchVector("description", "place_text", config="swedish"),
        output_field=SearchVectorField(),
        db_persist=True,
    )

    objects = ReportQuerySet.as_manager()

    class Meta:
        ordering = ["-occurred_at", "-id"]
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "external_id"],
                condition=~Q(external_id=""),
                name="report_external_id_unique_per_organisation",
            ),
            models.CheckConstraint(
                condition=Q(severity__gte=1, severity__lte=4), name="report_severity_1_to_4"
            ),
            models.CheckConstraint(
                condition=Q(occurred_until__isnull=True)
                | Q(occurred_until__gte=models.F("occurred_at")),
                name="report_period_ends_after_it_starts",
            ),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True, longitude__isnull=True)
                | Q(latitude__isnull=False, longitude__isnull=False),
                name="report_point_has_both_coordinates",
            ),
        ]
        indexes = [
            models.Index(fields=["district", "-occurred_at"], name="report_district_time_idx"),
            models.Index(fields=["organisation", "-occurred_at"], name="report_org_time_idx"),
            # A partner system reads its organisation's reports district by district.
            models.Index(
                fields=["organisation", "district", "-occurred_at"],
                name="report_org_district_time_idx",
            ),
            models.Index(fields=["reporter", "-occurred_at"], name="report_reporter_time_idx"),
            GinIndex(fields=["search_vector"], name="report_search_idx"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.category.name} {self.occurred_at:%Y-%m-%d}"


class ImportRun(models.Model):
    """One import of a file (police events or a partner's CSV): its progress and outcome.

    The upload page polls it to show progress; the counts make the closing summary
    (read, imported, updated, skipped by reason) and ``row_errors`` every bad line.
    """

    kind = models.CharField(_("kind"), max_length=20, choices=ImportKind.choices)
    status = models.CharField(
        _("status"), max_length=20, choices=ImportStatus.choices, default=ImportStatus.PENDING
    )
    organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="import_runs",
        verbose_name=_("organisation"),
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="import_runs",
        verbose_name=_("started by"),
    )
    file = models.FileField(_("file"), upload_to="imports/%Y/%m/", blank=True)
    file_name = MaskedCharField(_("file name"), max_length=255, blank=True)
    total = models.PositiveIntegerField(_("records in the file"), null=True, blank=True)
    processed = models.PositiveIntegerField(_("records processed"), default=0)
    counts = models.JSONField(_("counts"), default=dict, blank=True)
    row_errors = MaskedJSONField(_("errors by line"), default=list, blank=True)
    # The user's answer to bad rows in a CSV: import the others. Kept on the run so that the
    # task that imports them reads the decision from the row, not from its message.
    good_rows_only = models.BooleanField(_("import only the good rows"), default=False)
    message = MaskedTextField(_("message"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    objects = ImportRunQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("import")
        verbose_name_plural = _("imports")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.file_name} ({self.get_status_display()})"


class SituationPicture(TimeStampedModel):
    """A district's joint situation picture (lägesbild) for a period.

    A draft's figures are computed live; when both sides' managers have signed, it is agreed
    and its figures and text are frozen in ``figures`` and the text fields. ``basis`` holds
    the figures the draft was written from, each linked to its source, the same for every
    reader.
    """

    district = models.ForeignKey(
        "areas.District",
        on_delete=models.PROTECT,
        related_name="situation_pictures",
        verbose_name=_("district"),
    )
    period_kind = models.CharField(_("period"), max_length=10, choices=PeriodKind.choices)
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    status = models.CharField(
        _("status"), max_length=10, choices=PictureStatus.choices, default=PictureStatus.DRAFT
    )
    summary = MaskedTextField(_("summary"), blank=True)
    developments = MaskedTextField(_("developments"), blank=True)
    focus_places = MaskedTextField(_("focus places"), blank=True)
    assessment = MaskedTextField(_("assessment"), blank=True)
    figures = models.JSONField(_("figures (frozen when agreed)"), default=dict, blank=True)
    # What the draft was written from (incidents.selectors.situation_basis): compiled when the
    # picture is started, refreshed on request while a draft, frozen with it. Masked: it
    # quotes the titles of problems and measures.
    basis = MaskedJSONField(_("basis (underlag)"), default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("created by"),
    )
    agreed_at = models.DateTimeField(_("agreed"), null=True, blank=True)
    # Optimistic locking: a save names the version it read; a stale one is refused.
    version = models.PositiveIntegerField(_("version"), default=1)

    objects = SituationPictureQuerySet.as_manager()

    class Meta:
        ordering = ["district__code", "-period_start"]
        verbose_name = _("situation picture (lägesbild)")
        verbose_name_plural = _("situation pictures (lägesbilder)")
        constraints = [
            models.UniqueConstraint(
                fields=["district", "period_kind", "period_start"],
                name="situation_picture_once_per_period",
            ),
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")),
                name="situation_picture_period_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.district} {self.period_start:%Y-%m-%d}–{self.period_end:%Y-%m-%d}"


class SituationPictureSignature(models.Model):
    """A manager's signature of a situation picture on behalf of their organisation."""

    picture = models.ForeignKey(
        SituationPicture,
        on_delete=models.CASCADE,
        related_name="signatures",
        verbose_name=_("situation picture"),
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
        ordering = ["signed_at"]
        verbose_name = _("signature")
        verbose_name_plural = _("signatures")
        constraints = [
            models.UniqueConstraint(
                fields=["picture", "organisation"], name="one_signature_per_organisation"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} · {self.signed_by}"
