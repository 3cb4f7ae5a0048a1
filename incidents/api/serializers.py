"""Shapes of the incidents API. Serializers check shape only; the services enforce the rules
(masking, placing, who may file and change) and the views call them."""

from decimal import ROUND_HALF_UP, Decimal

from django.utils.encoding import smart_str
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from areas.models import District, Place, PrimaryArea
from incidents.models import Category, Report, SituationPicture, SituationPictureSignature
from incidents.selectors.situation_basis import situation_basis_present
from incidents.selectors.situation_display import situation_figures_present

BULK_MAX = 1000
COORDINATE_STEP = Decimal("0.00001")


class CodeLookupField(serializers.SlugRelatedField):
    """A code or slug looked up in its table, read once per serializer: a bulk request of a
    thousand reports costs one query per table, not one per report."""

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        index = getattr(self, "_index", None)
        if index is None:
            index = {getattr(obj, self.slug_field): obj for obj in self.get_queryset()}
            self._index = index
        try:
            return index[data]
        except KeyError:
            self.fail("does_not_exist", slug_name=self.slug_field, value=smart_str(data)[:100])


class CoordinateField(serializers.DecimalField):
    """WGS 84 degrees, rounded to five decimals (about a metre), as the reports keep them."""

    def __init__(self, *, limit: int, **kwargs):
        self.limit = Decimal(limit)
        super().__init__(
            max_digits=8,
            decimal_places=5,
            min_value=Decimal(-limit),
            max_value=Decimal(limit),
            required=False,
            allow_null=True,
            **kwargs,
        )

    def validate_precision(self, value):
        # The range first: rounding a number such as -1e309 to five decimals needs more
        # digits than the decimal context holds (decimal.InvalidOperation, a 500).
        if value > self.limit:
            self.fail("max_value", max_value=self.limit)
        if value < -self.limit:
            self.fail("min_value", min_value=-self.limit)
        return super().validate_precision(value.quantize(COORDINATE_STEP, rounding=ROUND_HALF_UP))


def category_field(**kwargs) -> CodeLookupField:
    return CodeLookupField(
        slug_field="code",
        queryset=Category.objects.all(),
        help_text="A category code, see /api/v1/categories/.",
        **kwargs,
    )


def place_field(**kwargs) -> CodeLookupField:
    return CodeLookupField(
        slug_field="slug",
        queryset=Place.objects.select_related("primary_area"),
        required=False,
        help_text="A place slug, see /api/v1/places/.",
        **kwargs,
    )


def primary_area_field(**kwargs) -> CodeLookupField:
    return CodeLookupField(
        slug_field="code",
        queryset=PrimaryArea.objects.all(),
        required=False,
        help_text="A primary area code, see /api/v1/primary-areas/.",
        **kwargs,
    )


class ReportSerializer(serializers.ModelSerializer):
    """A report. ``district``, ``placed_by`` and ``place_text`` follow from the point, the place
    or the text; ``organisation`` is the caller's; ``status`` is the analysts' to set."""

    category = category_field()
    place = place_field(allow_null=True)
    primary_area = primary_area_field(allow_null=True)
    latitude = CoordinateField(limit=90)
    longitude = CoordinateField(limit=180)
    district = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    intermediate_area = serializers.SlugRelatedField(
        slug_field="code",
        read_only=True,
        allow_null=True,
        help_text="The mellanområde (a code, see /api/v1/intermediate-areas/), from the point, "
        "place, primary area or text.",
    )
    organisation = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = Report
        fields = [
            "id",
            "category",
            "occurred_at",
            "occurred_until",
            "place",
            "primary_area",
            "latitude",
            "longitude",
            "district",
            "intermediate_area",
            "placed_by",
            "place_text",
            "source_kind",
            "organisation",
            "description",
            "severity",
            "confidentiality",
            "status",
            "external_id",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["placed_by", "place_text", "status", "created_at", "updated_at"]
        extra_kwargs = {
            "source_kind": {"required": False},
            "severity": {"required": False},
            "confidentiality": {"required": False},
            "external_id": {
                "required": False,
                "help_text": "Your system's id. Sent again, it returns the first report.",
            },
            "description": {"trim_whitespace": True},
        }
        # The external id's uniqueness is the view's business: a repeat is an answer, not an
        # error (idempotency).
        validators = []

    def validate(self, attrs):
        has_latitude = attrs.get("latitude") is not None
        has_longitude = attrs.get("longitude") is not None
        if has_latitude != has_longitude:
            missing = "longitude" if has_latitude else "latitude"
            raise serializers.ValidationError({missing: [_("Give both coordinates or neither.")]})
        start = attrs.get("occurred_at") or getattr(self.instance, "occurred_at", None)
        end = attrs.get("occurred_until")
        if start and end and end < start:
            raise serializers.ValidationError(
                {"occurred_until": [_("The period must end after it starts.")]}
            )
        return attrs


# The list's rows read their related codes from these annotations (see ReportRowSerializer).
ROW_ANNOTATIONS = {
    "category_code": "category__code",
    "place_slug": "place__slug",
    "primary_area_code": "primary_area__code",
    "district_slug": "district__slug",
    "intermediate_area_code": "intermediate_area__code",
    "organisation_slug": "organisation__slug",
}


# Formatters for the list's rows, made once: the same output as the serializer's fields.
_DATETIME = serializers.DateTimeField()
_COORDINATE = serializers.DecimalField(max_digits=8, decimal_places=5)


def _datetime(value):
    return None if value is None else _DATETIME.to_representation(value)


def _coordinate(value):
    return None if value is None else _COORDINATE.to_representation(value)


class ReportRowSerializer(ReportSerializer):
    """A row of the report list: the same fields as ``ReportSerializer``, written out
    directly from a query that annotates the related codes (``ROW_ANNOTATIONS``) instead of
    building five related objects per row, and without copying the serializer's fields for
    every request. ``tests/api`` holds both to the same JSON."""

    def to_representation(self, report):
        return {
            "id": report.pk,
            "category": report.category_code,
            "occurred_at": _datetime(report.occurred_at),
            "occurred_until": _datetime(report.occurred_until),
            "place": report.place_slug,
            "primary_area": report.primary_area_code,
            "latitude": _coordinate(report.latitude),
            "longitude": _coordinate(report.longitude),
            "district": report.district_slug,
            "intermediate_area": report.intermediate_area_code,
            "placed_by": report.placed_by,
            "place_text": report.place_text,
            "source_kind": report.source_kind,
            "organisation": report.organisation_slug,
            "description": report.description,
            "severity": report.severity,
            "confidentiality": report.confidentiality,
            "status": report.status,
            "external_id": report.external_id,
            "created_at": _datetime(report.created_at),
            "updated_at": _datetime(report.updated_at),
        }


class ReportUpdateSerializer(ReportSerializer):
    """A report as its organisation changes it: the external id stays as filed."""

    class Meta(ReportSerializer.Meta):
        read_only_fields = [*ReportSerializer.Meta.read_only_fields, "external_id"]


class ReportCorrectionSerializer(serializers.Serializer):
    """An analyst's correction of a report: its category, its place (a place, a primary area,
    or a district only, or a district with either to check it holds it), or both."""

    category = category_field(required=False)
    place = place_field()
    primary_area = primary_area_field()
    district = CodeLookupField(
        slug_field="slug",
        queryset=District.objects.defer("boundary"),
        required=False,
        help_text="A district slug, see /api/v1/districts/.",
    )

    PLACEMENT = ("place", "primary_area", "district")

    def validate(self, attrs):
        if not attrs:
            raise serializers.ValidationError(
                _("Give a category, or a place, a primary area or a district.")
            )
        return attrs


class ReportBulkRequestSerializer(serializers.Serializer):
    reports = ReportSerializer(many=True, min_length=1, max_length=BULK_MAX)


class ReportBulkItemSerializer(serializers.Serializer):
    index = serializers.IntegerField(help_text="The report's position in the request.")
    id = serializers.IntegerField()
    result = serializers.ChoiceField(
        choices=["created", "existing"],
        help_text="existing: a report of yours already had this external_id.",
    )


class ReportBulkResponseSerializer(serializers.Serializer):
    created = serializers.IntegerField()
    existing = serializers.IntegerField()
    results = ReportBulkItemSerializer(many=True)


class CategorySerializer(serializers.ModelSerializer):
    parent = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)

    class Meta:
        model = Category
        fields = ["code", "name", "name_en", "parent", "is_active"]


# --- Situation pictures ---------------------------------------------------------------------


class SignatureSerializer(serializers.ModelSerializer):
    organisation = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = SituationPictureSignature
        fields = ["organisation", "signed_at"]


class CellSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    display = serializers.CharField(help_text="The count as shown.")
    known = serializers.BooleanField(
        help_text="False for a period that begins before the first report the figures are "
        'drawn from: there is no data for it, its `display` is "–" and its count is not '
        "to be compared."
    )


class CountRowSerializer(serializers.Serializer):
    label = serializers.CharField()
    level = serializers.IntegerField(help_text="1 for a subcategory under its main category.")
    current = CellSerializer()
    previous = CellSerializer()
    last_year = CellSerializer()


class AreaRowSerializer(CountRowSerializer):
    rate = serializers.CharField(
        help_text="Reports of the current period per km² of the mellanområde (no population "
        "is known per mellanområde); empty for the reports placed in none."
    )


class RateSerializer(serializers.Serializer):
    label = serializers.CharField()
    count = serializers.IntegerField(help_text="Reports of the current period.")
    population = serializers.IntegerField(allow_null=True)
    year = serializers.IntegerField(
        allow_null=True,
        help_text="The population's year: the nearest at or before the period's.",
    )
    display = serializers.CharField(help_text="Reports per 1,000 inhabitants, as shown.")


class CityRowSerializer(serializers.Serializer):
    label = serializers.CharField()
    district = CellSerializer()
    city = CellSerializer()
    share_of_city = serializers.CharField()
    district_profile = serializers.CharField()
    city_profile = serializers.CharField()


class PeriodSerializer(serializers.Serializer):
    kind = serializers.CharField()
    start = serializers.DateField()
    end = serializers.DateField()


class FiguresSerializer(serializers.Serializer):
    """The agreed figures, as on the page: of the reports shared in the partnership."""

    basis = serializers.ChoiceField(
        choices=[("partnership", "partnership"), ("visible", "visible")],
        help_text="What the figures count: `partnership`, the district's reports shared in "
        "the partnership (an agreed picture), or `visible`, the reports you may read.",
    )
    computed_at = serializers.DateTimeField(allow_null=True)
    data_from = serializers.DateField(
        allow_null=True,
        help_text="The day of the first report the figures are drawn from; null where unknown "
        "(figures agreed before it was recorded) or where there are none.",
    )
    current = PeriodSerializer()
    previous = PeriodSerializer()
    last_year = PeriodSerializer()
    total = CountRowSerializer()
    categories = CountRowSerializer(many=True)
    places = CountRowSerializer(many=True)
    primary_areas = CountRowSerializer(many=True)
    intermediate_areas = AreaRowSerializer(
        many=True, help_text="By mellanområde; empty for a picture agreed before they were."
    )
    rates = RateSerializer(
        many=True, help_text="Per 1,000 inhabitants: the district, and the city where compared."
    )
    city = CityRowSerializer(
        many=True, help_text="The comparison with the whole city; empty for an agreed picture."
    )
    city_total = CityRowSerializer(allow_null=True)


class BasisCellSerializer(serializers.Serializer):
    text = serializers.CharField(help_text="The value as shown.")
    url = serializers.CharField(help_text="Its source in the portal (a path); empty for none.")


class BasisRowSerializer(serializers.Serializer):
    cells = BasisCellSerializer(many=True, help_text="One per column; the first names the row.")
    source = serializers.CharField(help_text="The row's source in words.")
    url = serializers.CharField(help_text="The row's source in the portal (a path), or empty.")
    level = serializers.IntegerField(help_text="1 for a row under the one before it.")


class BasisSectionSerializer(serializers.Serializer):
    key = serializers.CharField(help_text="rates, alerts, hotspots, previous_problems or measures.")
    title = serializers.CharField()
    field = serializers.CharField(help_text="The narrative field its starting text went into.")
    text = serializers.CharField(help_text="The starting text it was drafted with.")
    columns = serializers.ListField(child=serializers.CharField())
    rows = BasisRowSerializer(many=True)
    note = serializers.CharField(help_text="What the figures count, and over which period.")
    source = serializers.CharField()
    url = serializers.CharField()


class BasisSerializer(serializers.Serializer):
    """The figures the picture was drafted from, as on its page: the same for every reader."""

    computed_at = serializers.DateTimeField(allow_null=True)
    sections = BasisSectionSerializer(many=True)
    failed = serializers.ListField(
        child=serializers.CharField(), help_text="Sections that could not be compiled."
    )


class SituationPictureSerializer(serializers.ModelSerializer):
    district = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    signatures = SignatureSerializer(many=True, read_only=True)

    class Meta:
        model = SituationPicture
        fields = [
            "id",
            "district",
            "period_kind",
            "period_start",
            "period_end",
            "status",
            "agreed_at",
            "signatures",
        ]
        read_only_fields = fields


class SituationPictureDetailSerializer(SituationPictureSerializer):
    figures = serializers.SerializerMethodField()
    basis = serializers.SerializerMethodField()

    class Meta(SituationPictureSerializer.Meta):
        fields = [
            *SituationPictureSerializer.Meta.fields,
            "summary",
            "developments",
            "focus_places",
            "assessment",
            "figures",
            "basis",
        ]
        read_only_fields = fields

    @extend_schema_field(BasisSerializer(allow_null=True))
    def get_basis(self, picture):
        basis = situation_basis_present(picture.basis)
        return BasisSerializer(basis).data if basis else None

    @extend_schema_field(FiguresSerializer(allow_null=True))
    def get_figures(self, picture):
        if not picture.figures:
            return None
        shown = situation_figures_present(figures=picture.figures, links=False)
        return FiguresSerializer(shown).data
