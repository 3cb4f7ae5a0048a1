"""The incidents API: reports (read, file, change, delete, bulk), categories, and agreed
situation pictures. Every queryset starts from ``visible_to(request.user)``, where the user
is a person or an API client (``accounts.access``): what it may not read answers 404."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext as _
from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error

from accounts.access import CREATE, LIST, READ, can, organisation_ids
from accounts.api.permissions import ANY_SCOPE, is_api_client
from accounts.api.read_back import id_only_schema, may_read_back, record_or_id
from accounts.choices import ApiScope, Confidentiality
from accounts.models import Organisation
from accounts.services import audit_confidential_reads, audit_record, organisation_level_ids
from areas.models import District
from core.api.exceptions import Conflict
from core.api.filters import FilterBackend
from core.api.idempotency import OPENAPI_PARAMETER, idempotent
from core.api.views import ApiViewMixin
from core.exceptions import DomainError
from incidents.api import serializers
from incidents.choices import PeriodKind, PictureStatus, Severity, SourceKind
from incidents.filtersets import ReportFilterSet
from incidents.models import Category, Report, SituationPicture
from incidents.selectors.reports import LIST_DEFERRED, LIST_RELATED
from incidents.services.corrections import report_correct_category, report_correct_placement
from incidents.services.reports import (
    Placer,
    report_create,
    report_delete,
    report_update,
)

IDEMPOTENCY_KEY = {"parameters": [OPENAPI_PARAMETER]}
# A write shows the report only to a caller who may read it: a token needs reports:read.
REPORT_OR_ID = record_or_id(
    {"$ref": "#/components/schemas/Report"},
    id_only_schema("The report's id only: the token lacks reports:read."),
)


class ReportFilterBackend(FilterBackend):
    """The report list's FilterSet, the same as the page's and the CSV export's."""

    def get_filterset_class(self, view, queryset=None):
        return ReportFilterSet if view.action == "list" else None


def _filing_organisation(principal) -> Organisation:
    """Whom a report is filed for: the client's organisation, or the person's only one."""
    if is_api_client(principal):
        return principal.organisation
    ids = set(organisation_ids(principal, CREATE, Report))
    if not ids:
        raise PermissionDenied(_("Your role does not include filing reports."))
    if len(ids) > 1:
        raise ValidationError(
            {"organisation": [_("You file for several organisations: use the report form.")]}
        )
    return Organisation.objects.get(pk=ids.pop())


def _service_errors(error: DjangoValidationError | DomainError) -> dict:
    if isinstance(error, DomainError):
        return {"non_field_errors": [error.message]}
    return as_serializer_error(error)


@extend_schema_view(
    list=extend_schema(
        description="Reports the caller may read, newest first, filtered as the report list "
        "page is. People: analysts, managers and coordinators. Tokens: reports:read."
    ),
    create=extend_schema(
        description="File a report for the caller's organisation. A repeated `external_id` "
        'answers 200 with the first report. A token without reports:read gets `{"id"}` '
        "only.",
        responses={
            201: REPORT_OR_ID,
            200: OpenApiResponse(REPORT_OR_ID, description="The external_id was known."),
        },
        **IDEMPOTENCY_KEY,
    ),
    update=extend_schema(
        description="Change a report of the caller's organisation. A token without "
        'reports:read gets `{"id"}` only.',
        request=serializers.ReportUpdateSerializer,
        responses={200: REPORT_OR_ID},
    ),
    partial_update=extend_schema(
        description="Change some fields of a report of the caller's organisation. A token "
        'without reports:read gets `{"id"}` only.',
        request=serializers.ReportUpdateSerializer,
        responses={200: REPORT_OR_ID},
    ),
)
class ReportViewSet(ApiViewMixin, viewsets.ModelViewSet):
    """Reports: read what ``visible_to`` allows; file, change and delete your own."""

    serializer_class = serializers.ReportSerializer
    read_scope = ApiScope.REPORTS_READ
    write_scope = ApiScope.REPORTS_WRITE
    filter_backends = [ReportFilterBackend]
    ordering_fields = ["occurred_at", "created_at", "severity", "id"]
    ordering = "-occurred_at"

    def get_queryset(self):
        reports = Report.objects.visible_to(self.request.user)
        if self.action == "list":
            return reports.annotate(
                **{name: F(path) for name, path in serializers.ROW_ANNOTATIONS.items()}
            ).defer("search_vector")
        return reports.select_related(*LIST_RELATED, "primary_area").defer(*LIST_DEFERRED)

    def get_serializer_class(self):
        if self.action in ("update", "partial_update"):
            return serializers.ReportUpdateSerializer
        if self.action == "list":
            return serializers.ReportRowSerializer
        return serializers.ReportSerializer

    # --- reads ---

    def list(self, request, *args, **kwargs):
        # As on the pages: the list (a bulk read) is for analysts and coordinators; others
        # read the reports they may see one at a time. A token needs reports:read.
        if not can(request.user, LIST, Report):
            raise PermissionDenied(_("The report list is for analysts and coordinators."))
        response = super().list(request, *args, **kwargs)
        audit_confidential_reads(
            request=request,
            model=Report,
            ids=organisation_level_ids(self._listed),
            surface="api.report_list",
        )
        return response

    def paginate_queryset(self, queryset):
        # The page handed out, for the list's audit entry.
        self._listed = super().paginate_queryset(queryset) or []
        return self._listed

    def retrieve(self, request, *args, **kwargs):
        report = self.get_object()
        self._audit_read(report)
        return Response(self.get_serializer(report).data)

    def _audit_read(self, report: Report) -> None:
        if report.confidentiality == Confidentiality.ORGANISATION:
            # Reads of confidential records are audited (DESIGN.md section 5).
            audit_record(action="report.viewed", target=report, request=self.request)

    def _answer(self, report: Report, code: int) -> Response:
        """A write's answer: the report, read as a GET reads it, or its id alone for a token
        without reports:read (``accounts.api.read_back``)."""
        if not may_read_back(self.request, self):
            return Response({"id": report.pk}, status=code)
        self._audit_read(report)
        return Response(self.get_serializer(report).data, status=code)

    # --- writes ---

    def create(self, request, *args, **kwargs):
        organisation = _filing_organisation(request.user)
        return idempotent(request, lambda: self._create_one(request, organisation))

    def _create_one(self, request, organisation) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        existing = self._known(organisation, serializer.validated_data.get("external_id", ""))
        if existing is not None:
            return self._answer(existing, status.HTTP_200_OK)
        try:
            report = self._write(request, organisation, serializer.validated_data)
        except IntegrityError:
            # Another request filed the same external id a moment ago.
            existing = self._known(organisation, serializer.validated_data["external_id"])
            if existing is None:
                raise
            return self._answer(existing, status.HTTP_200_OK)
        return self._answer(report, status.HTTP_201_CREATED)

    def _known(self, organisation, external_id: str) -> Report | None:
        """The organisation's report with this external id, if the caller may read it; a
        hidden one is a conflict, never shown."""
        if not external_id:
            return None
        known = Report.objects.filter(organisation=organisation, external_id=external_id)
        if not known.exists():
            return None
        report = self.get_queryset().filter(organisation=organisation, external_id=external_id)
        report = report.first()
        if report is None:
            raise Conflict(
                _("Another report of your organisation has this external id."),
                code="external_id_taken",
            )
        return report

    def _write(self, request, organisation, data, placer: Placer | None = None) -> Report:
        client = is_api_client(request.user)
        default_source = SourceKind.PARTNER_SYSTEM if client else SourceKind.FIELD_OBSERVATION
        written = report_create(
            actor=request.user,
            organisation=organisation,
            category=data["category"],
            occurred_at=data["occurred_at"],
            occurred_until=data.get("occurred_until"),
            place=data.get("place"),
            primary_area=data.get("primary_area"),
            latitude=data.get("latitude"),
            longitude=data.get("longitude"),
            description=data["description"],
            severity=data.get("severity", Severity.MODERATE),
            confidentiality=data.get("confidentiality", Confidentiality.PARTNERSHIP),
            source_kind=data.get("source_kind", default_source),
            external_id=data.get("external_id", ""),
            request=request,
            placer=placer,
        )
        return written.report

    def update(self, request, *args, **kwargs):
        report = self.get_object()
        serializer = self.get_serializer(
            report, data=request.data, partial=kwargs.get("partial", False)
        )
        serializer.is_valid(raise_exception=True)
        written = report_update(
            actor=request.user, report=report, changes=serializer.validated_data, request=request
        )
        return self._answer(written.report, status.HTTP_200_OK)

    def destroy(self, request, *args, **kwargs):
        report_delete(actor=request.user, report=self.get_object(), request=request)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        request=serializers.ReportCorrectionSerializer,
        responses={200: REPORT_OR_ID},
        description=(
            "Correct a report's category or place as an analyst: people with the analyst or "
            "manager role in the report's district (a report placed nowhere: of its owning "
            "organisation) who may read it; never a token. `place`, `primary_area` or "
            "`district` alone places it by hand (`placed_by` becomes `manual`; a `district` "
            "with either must hold it); `category` corrects the category. Both in one request "
            "are all or nothing. Audited with the old and new values. A report placed where "
            'the caller may no longer read it answers `{"id"}` only.'
        ),
    )
    @action(detail=True, methods=["patch"], url_path="correction")
    def correction(self, request, *args, **kwargs):
        report = self.get_object()
        serializer = serializers.ReportCorrectionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        with transaction.atomic():
            # The category first: a placement may hand the report to another district's
            # analysts, and both corrections are asked of the report as the caller found it.
            if "category" in data:
                report = report_correct_category(
                    actor=request.user, report=report, category=data["category"], request=request
                )
            if set(data) & set(serializers.ReportCorrectionSerializer.PLACEMENT):
                report = report_correct_placement(
                    actor=request.user,
                    report=report,
                    place=data.get("place"),
                    primary_area=data.get("primary_area"),
                    district=data.get("district"),
                    request=request,
                )
        if not can(request.user, READ, report):
            # Handed over to a district the caller does not read.
            return Response({"id": report.pk}, status=status.HTTP_200_OK)
        return self._answer(self.get_queryset().get(pk=report.pk), status.HTTP_200_OK)

    @extend_schema(
        request=serializers.ReportBulkRequestSerializer,
        responses={200: serializers.ReportBulkResponseSerializer},
        description=(
            "File up to 1,000 reports at once, all or nothing: every report is checked as a "
            "single one would be; if any is refused, none is written and `errors.reports` "
            "names each refused one by its index. A report whose `external_id` is known "
            "answers `existing` with the first report's id, so a batch can be sent again."
        ),
        **IDEMPOTENCY_KEY,
    )
    @action(detail=False, methods=["post"], url_path="bulk")
    def bulk(self, request, *args, **kwargs):
        organisation = _filing_organisation(request.user)
        return idempotent(request, lambda: self._create_many(request, organisation))

    def _create_many(self, request, organisation) -> Response:
        items = request.data.get("reports") if isinstance(request.data, dict) else None
        if not isinstance(items, list) or not 1 <= len(items) <= serializers.BULK_MAX:
            raise ValidationError(
                {"reports": [_("A list of 1 to %d reports.") % serializers.BULK_MAX]}
            )
        # One serializer for all: its lookups of categories and places are read once.
        checker = self.get_serializer()
        valid, errors = [], {}
        for index, item in enumerate(items):
            try:
                valid.append(checker.run_validation(item))
            except ValidationError as error:
                errors[str(index)] = error.detail
        if errors:
            raise ValidationError({"reports": errors})
        results = []
        placer = Placer()  # the areas read once for the batch, not per report
        with transaction.atomic():
            for index, data in enumerate(valid):
                try:
                    result = self._bulk_item(request, organisation, data, placer)
                except (DjangoValidationError, DomainError, Conflict) as error:
                    errors[str(index)] = (
                        {"external_id": [str(error.detail)]}
                        if isinstance(error, Conflict)
                        else _service_errors(error)
                    )
                    continue
                results.append({"index": index, **result})
            if errors:
                transaction.set_rollback(True)
        if errors:
            raise ValidationError({"reports": errors})
        created = sum(1 for result in results if result["result"] == "created")
        return Response(
            {"created": created, "existing": len(results) - created, "results": results}
        )

    def _bulk_item(self, request, organisation, data, placer: Placer) -> dict:
        existing = self._known(organisation, data.get("external_id", ""))
        if existing is not None:
            return {"id": existing.pk, "result": "existing"}
        return {"id": self._write(request, organisation, data, placer).pk, "result": "created"}


class CategoryViewSet(ApiViewMixin, viewsets.ReadOnlyModelViewSet):
    """The two-level category vocabulary; a main category has no parent."""

    queryset = Category.objects.select_related("parent")
    serializer_class = serializers.CategorySerializer
    read_scope = ANY_SCOPE
    lookup_field = "code"
    lookup_value_regex = r"[-a-z0-9_]+"
    ordering_fields = ["code"]
    ordering = "code"


class SituationPictureFilterSet(filters.FilterSet):
    district = filters.ModelChoiceFilter(
        queryset=District.objects.defer("boundary"), to_field_name="slug"
    )
    period_kind = filters.ChoiceFilter(choices=PeriodKind.choices)

    class Meta:
        model = SituationPicture
        fields = ["district", "period_kind"]


class SituationPictureViewSet(ApiViewMixin, viewsets.ReadOnlyModelViewSet):
    """Agreed situation pictures (lägesbilder) of the districts the person may read.

    For the two parties' staff and coordinators (``SituationPicture.objects.visible_to``);
    DESIGN.md gives partner systems no lägesbild, so no token scope opens it.
    """

    filterset_class = SituationPictureFilterSet
    read_scope = None
    ordering_fields = ["period_start", "id"]
    ordering = "-period_start"

    def get_queryset(self):
        return (
            SituationPicture.objects.visible_to(self.request.user)
            .filter(status=PictureStatus.AGREED)
            .select_related("district")
            .prefetch_related("signatures__organisation")
        )

    def get_serializer_class(self):
        if self.action == "retrieve":
            return serializers.SituationPictureDetailSerializer
        return serializers.SituationPictureSerializer
