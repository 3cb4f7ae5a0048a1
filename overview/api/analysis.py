"""``/overview/alerts/``: the trend alerts (``analysis.alerts``) the caller may see.

Reach is ``analysis.alerts.alerts_visible``'s: the alerts of the districts whose partnership
records the caller reads in full. Partner organisations' tokens, administrators and partners
read no such district, so their list is empty (the endpoint does not tell them more).
"""

from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics, serializers

from accounts.choices import ApiScope
from analysis.alerts import alerts_visible
from analysis.models import Alert
from analysis.texts import reading
from areas.models import District, IntermediateArea
from core.api.views import ApiViewMixin
from incidents.models import Category


class AlertFilterSet(filters.FilterSet):
    district = filters.ModelChoiceFilter(
        queryset=District.objects.defer("boundary"), to_field_name="slug"
    )
    area = filters.ModelChoiceFilter(
        field_name="intermediate_area",
        queryset=IntermediateArea.objects.defer("boundary"),
        to_field_name="code",
        help_text="A mellanområde's code: its alerts only.",
    )
    category = filters.ModelChoiceFilter(
        queryset=Category.objects.filter(parent__isnull=True),
        to_field_name="code",
        help_text="A main category's code.",
    )
    week_from = filters.DateFilter(
        field_name="week", lookup_expr="gte", help_text="Weeks starting on or after this day."
    )
    week_to = filters.DateFilter(
        field_name="week", lookup_expr="lte", help_text="Weeks starting on or before this day."
    )

    class Meta:
        model = Alert
        fields = ["district", "area", "category", "week_from", "week_to"]


class AlertSerializer(serializers.ModelSerializer):
    district = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    intermediate_area = serializers.SlugRelatedField(slug_field="code", read_only=True)
    category = serializers.SlugRelatedField(slug_field="code", read_only=True)
    reading = serializers.SerializerMethodField(
        help_text="The alert in plain Swedish, as on the dashboards."
    )

    class Meta:
        model = Alert
        fields = [
            "id", "week", "level", "district", "intermediate_area", "category", "observed",
            "expected", "upper", "score", "p_value", "observed_4w", "expected_4w", "upper_4w",
            "sustained", "method", "reading", "problem", "computed_at",
        ]  # fmt: skip
        read_only_fields = fields

    def get_reading(self, alert) -> str:
        return reading(alert)


@extend_schema_view(
    get=extend_schema(
        operation_id="overview_alerts",
        description=(
            "Trend alerts: weeks in which a district's or a mellanområde's count of reports "
            "in a main category was unusually high against what its history predicts (the "
            "improved Farrington method; see docs/analysis.md). `week` is the Monday of the "
            "ISO week; `expected` and `upper` the week's expectation and upper bound; "
            "`p_value` how likely so many reports would be by chance; `sustained` marks a "
            "rise found in the four weeks' sum (`observed_4w` against `expected_4w`).\n\n"
            "Made of reports shared in the partnership only. **Reach.** The alerts of the "
            "districts whose shared reports you read in full: coordinators every district, "
            "the two parties' staff their own; partner tokens, partners and administrators "
            "get an empty list. People: any content role; tokens: overview:read."
        ),
    )
)
class AlertListView(ApiViewMixin, generics.ListAPIView):
    """The alarms the caller may see, newest week first."""

    serializer_class = AlertSerializer
    filterset_class = AlertFilterSet
    read_scope = ApiScope.OVERVIEW_READ
    ordering_fields = ["week", "id"]
    ordering = "-week"

    def get_queryset(self):
        return alerts_visible(self.request.user)
