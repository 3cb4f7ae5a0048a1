"""``GET /api/v1/overview/hotspots/``: the mellanområden with significantly more reports than
expected in a period (``overview.selectors.hotspots``; the method in
``docs/analysis.md``).

Who sees what is the selector's: the analysis is made of the partnership-level reports of the
districts whose partnership records the caller reads all of, and is shown to them only. A
caller without a content role gets 403 as from the counts; one with a content role but no
partnership reach (partners, API clients) gets an empty answer, not an error: the overview
is theirs, the analysis is not made for them.
"""

from datetime import timedelta

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.choices import ApiScope
from analysis.hotspots import Q_LEVEL
from areas.models import District
from core.api.views import ApiViewMixin
from incidents.models import Category
from overview.api.serializers import CalendarDateField, LookupField
from overview.selectors.counts import aggregate_district_ids
from overview.selectors.hotspots import NORMALISATION_AREA, NORMALISATION_POPULATION, hotspots_for

MAX_SPAN = timedelta(days=731)


class HotspotsQuerySerializer(serializers.Serializer):
    """The query: a period (both days inclusive), optionally a main category and a district."""

    start = CalendarDateField(help_text="The period's first day (YYYY-MM-DD), inclusive.")
    end = CalendarDateField(
        help_text=f"The period's last day (YYYY-MM-DD), inclusive; at most {MAX_SPAN.days} "
        "days after `start`."
    )
    category = LookupField(
        slug_field="code",
        queryset=Category.objects.filter(parent__isnull=True).only("pk", "code").order_by(),
        required=False,
        help_text="A main category's code (with its subcategories); without it, every category.",
    )
    district = LookupField(
        slug_field="slug",
        queryset=District.objects.only("pk", "slug"),
        required=False,
        help_text="Analyse this district's mellanområden only (a slug); you must read its "
        "partnership records (403 otherwise). Without it, the mellanområden of every "
        "district whose partnership records you read.",
    )

    @classmethod
    def for_query(cls, query_params) -> "HotspotsQuerySerializer":
        return cls(data={name: query_params.get(name) for name in query_params})

    def validate(self, attrs):
        if attrs["end"] < attrs["start"]:
            raise serializers.ValidationError(
                {"end": [_("The end date lies before the start date.")]}
            )
        days = MAX_SPAN.days
        if attrs["end"] - attrs["start"] > MAX_SPAN:
            raise serializers.ValidationError(
                {"end": [_("The period is too long: at most %(days)d days.") % {"days": days}]}
            )
        return attrs


class HotspotRowSerializer(serializers.Serializer):
    intermediate_area = serializers.CharField(source="code", help_text="The mellanområde's code.")
    name = serializers.CharField()
    district = serializers.CharField(help_text="Its district's slug.")
    reports = serializers.IntegerField(
        source="count",
        help_text="Partnership-level reports in the period (dismissed ones not counted).",
    )
    exposure = serializers.FloatField(
        help_text="What the count is set against: the area in km² (see `normalisation`)."
    )
    rate = serializers.FloatField(help_text="Reports per km² (per `normalisation`).")
    expected = serializers.FloatField(
        help_text="Reports expected at the rate of all the areas analysed (constant risk)."
    )
    gi_z = serializers.FloatField(
        help_text="Getis-Ord Gi* z-score of the rates over the area and its neighbours: "
        "descriptive, its normal p-value is not used."
    )
    p = serializers.FloatField(
        help_text="Exact one-sided p-value: the smaller of the area's and its neighbourhood's "
        "binomial tests, doubled."
    )
    q = serializers.FloatField(help_text="Benjamini–Hochberg adjusted p-value over the areas.")
    hotspot = serializers.BooleanField(
        help_text="q at most `q_level` and more reports than expected in the area itself."
    )
    basis = serializers.ChoiceField(
        choices=[("area", "area"), ("neighbourhood", "neighbourhood"), ("both", "both")],
        allow_null=True,
        help_text="For a hotspot: whether the area's own count, its neighbourhood's, or both "
        "are significantly high.",
    )


class HotspotsSerializer(serializers.Serializer):
    start = serializers.DateField()
    end = serializers.DateField()
    category = serializers.CharField(allow_null=True, help_text="The main category, or null.")
    district = serializers.CharField(allow_null=True, help_text="The district analysed, or null.")
    normalisation = serializers.ChoiceField(
        choices=[(name, name) for name in (NORMALISATION_AREA, NORMALISATION_POPULATION)],
        help_text="What the rates are per: `area_km2` (no population is known per mellanområde).",
    )
    q_level = serializers.FloatField(help_text="The false discovery rate a hotspot is held to.")
    dispersion = serializers.FloatField(
        help_text="φ: how much more the areas' counts vary than chance would (1: not more, "
        "or fewer than 20 areas, too few to tell). The tests allow for it, so a hotspot "
        "stands out from how areas usually differ."
    )
    enough_data = serializers.BooleanField(
        help_text="False when too few areas or reports (or no analysis for you): no hotspot "
        "is then named."
    )
    counted = serializers.ChoiceField(
        choices=[("partnership", "partnership")],
        help_text="What is counted: the reports shared in the partnership (never an "
        "organisation's confidential ones), of the districts whose partnership records you "
        "read all of.",
    )
    results = HotspotRowSerializer(many=True)


EXAMPLE = OpenApiExample(
    "One hotspot in Nordost",
    value={
        "start": "2026-02-01",
        "end": "2026-02-28",
        "category": "brott",
        "district": "nordost",
        "normalisation": "area_km2",
        "q_level": 0.05,
        "dispersion": 1.0,
        "enough_data": True,
        "counted": "partnership",
        "results": [
            {
                "intermediate_area": "11",
                "name": "Bergsjön",
                "district": "nordost",
                "reports": 41,
                "exposure": 6.1,
                "rate": 6.72,
                "expected": 18.3,
                "gi_z": 2.1,
                "p": 0.00004,
                "q": 0.0003,
                "hotspot": True,
                "basis": "area",
            }
        ],
    },
    response_only=True,
)


class HotspotsView(ApiViewMixin, APIView):
    """``/overview/hotspots/``: the hotspots of a period, as the caller may see them."""

    read_scope = ApiScope.OVERVIEW_READ

    @extend_schema(
        operation_id="overview_hotspots",
        parameters=[HotspotsQuerySerializer],
        responses={200: HotspotsSerializer},
        examples=[EXAMPLE],
        description=(
            "The mellanområden with significantly more reports than expected from `start` "
            "to `end`: each area's count against the rate of all areas analysed, per km², "
            "exact binomial tests of the area and of its Gi* neighbourhood (allowing for the "
            "areas' extra variation, `dispersion`, from 20 areas up), "
            "Benjamini–Hochberg at q = 0.05. Every area analysed is listed, hotspots "
            "first.\n\n"
            "**Made of.** Only the reports shared in the partnership (never an "
            "organisation's confidential ones), dismissed ones not counted, of the districts "
            "whose partnership records you read all of: the whole city for coordinators, "
            "your districts for the two parties' staff. Partners and API clients get an "
            "empty answer (`enough_data` false); a `district` you do not read answers 403."
        ),
    )
    def get(self, request, *args, **kwargs):
        reach = aggregate_district_ids(request.user)
        if reach is not None and not reach:
            raise PermissionDenied(_("Your role does not include the overview."))
        query = HotspotsQuerySerializer.for_query(request.query_params)
        query.is_valid(raise_exception=True)
        data = query.validated_data
        try:
            analysis = hotspots_for(
                request.user,
                period=(data["start"], data["end"]),
                category=data.get("category"),
                district=data.get("district"),
            )
        except DjangoPermissionDenied as error:
            raise PermissionDenied(str(error) or None) from None
        answer = {
            "start": data["start"],
            "end": data["end"],
            "category": data["category"].code if data.get("category") else None,
            "district": data["district"].slug if data.get("district") else None,
            "normalisation": analysis.normalisation if analysis else NORMALISATION_AREA,
            "q_level": Q_LEVEL,
            "dispersion": analysis.dispersion if analysis else 1.0,
            "enough_data": bool(analysis and analysis.enough_data),
            "counted": "partnership",
            "results": analysis.rows if analysis else [],
        }
        return Response(HotspotsSerializer(answer).data)
