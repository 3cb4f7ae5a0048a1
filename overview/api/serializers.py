"""Shapes of the overview API: the counts' query, checked here so that every bad parameter is a
400 that names it, and the aggregate rows as ``overview_counts`` returns them (what a figure
counts is the selector's; nothing here decides what a viewer may see)."""

import re

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers
from rest_framework.fields import empty
from rest_framework.settings import ISO_8601

from areas.models import District, IntermediateArea, PrimaryArea
from incidents.api.serializers import CodeLookupField
from incidents.choices import SourceKind
from incidents.models import Category
from overview.choices import Grain
from overview.selectors.counts import BY_CHOICES, MAX_SPAN, CountRow

_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}\Z")


class CalendarDateField(serializers.DateField):
    """A date written YYYY-MM-DD and nothing else. Python's ISO parser also takes 20250101 and
    2025-W01-1, which the schema's ``format: date`` does not allow; a client should not come
    to rely on them."""

    def __init__(self, **kwargs):
        super().__init__(input_formats=[ISO_8601], **kwargs)

    def to_internal_value(self, value):
        if not isinstance(value, str) or not _DATE.match(value):
            self.fail("invalid", format="YYYY-MM-DD")
        return super().to_internal_value(value)


class GroupsField(serializers.ListField):
    """``by``: repeated (``by=district&by=category``), comma-separated
    (``by=district,category``) or both. Returned as a tuple in ``BY_CHOICES`` order, each name
    once."""

    def __init__(self, **kwargs):
        super().__init__(child=serializers.ChoiceField(choices=BY_CHOICES), **kwargs)

    def get_value(self, dictionary):
        value = super().get_value(dictionary)
        if isinstance(value, list):
            return [
                part.strip()
                for item in value
                for part in (item.split(",") if isinstance(item, str) else [item])
            ]
        return value

    def to_internal_value(self, data):
        if isinstance(data, list):
            unknown = [name for name in data if name not in BY_CHOICES]
            if unknown:
                raise serializers.ValidationError(
                    _("Cannot group by %(names)s; choose from %(choices)s.")
                    % {
                        "names": ", ".join(f'"{str(name)[:50]}"' for name in unknown[:5]),
                        "choices": ", ".join(BY_CHOICES),
                    }
                )
        names = super().to_internal_value(data)
        return tuple(name for name in BY_CHOICES if name in names)


class LookupField(CodeLookupField):
    """A code or slug of a small reference table; a blank one is refused, not taken for a
    missing one."""

    default_error_messages = {"blank": _("This field may not be blank.")}

    def run_validation(self, data=empty):
        if data == "":
            self.fail("blank")
        return super().run_validation(data)


class OverviewCountsQuerySerializer(serializers.Serializer):
    """The query of ``GET /overview/counts/``: the keyword arguments of ``overview_counts``.

    Read it with ``for_query``: DRF takes a blank form value for a missing one, but the
    schema allows no blank, so ``grain=`` or ``district=`` are refused like any bad value.
    """

    grain = serializers.ChoiceField(
        choices=Grain.choices,
        default=Grain.MONTH,
        help_text="How finely the rows are cut in time.",
    )
    start = CalendarDateField(
        help_text="The first day (YYYY-MM-DD), inclusive; moved back to the start of its "
        "period (the Monday of its week, the first of its month, ...)."
    )
    end = CalendarDateField(
        help_text="The last day (YYYY-MM-DD), inclusive. At most "
        + ", ".join(f"{span.days} days for {grain}" for grain, span in MAX_SPAN.items())
        + " after `start`."
    )
    district = LookupField(
        slug_field="slug",
        queryset=District.objects.only("pk", "slug"),
        required=False,
        help_text="Only this district (a slug, see /api/v1/districts/); it must be within "
        "your reach (403 otherwise).",
    )
    intermediate_area = LookupField(
        slug_field="code",
        queryset=IntermediateArea.objects.only("pk", "code", "district_id"),
        required=False,
        help_text="Only this intermediate area (mellanområde; a code, see "
        "/api/v1/intermediate-areas/).",
    )
    primary_area = LookupField(
        slug_field="code",
        queryset=PrimaryArea.objects.only("pk", "code", "district_id"),
        required=False,
        help_text="Only this primary area (a code, see /api/v1/primary-areas/).",
    )
    category = LookupField(
        slug_field="code",
        queryset=Category.objects.only("pk", "code").order_by(),
        required=False,
        help_text="Only this category (a code, see /api/v1/categories/); a main category "
        "includes its subcategories.",
    )
    source_kind = serializers.ChoiceField(
        choices=SourceKind.choices, required=False, help_text="Only reports of this source."
    )
    by = GroupsField(
        required=False,
        help_text="Group each period's rows by these dimensions; repeat the parameter or "
        "separate the names with commas. Without it, one row per period: the total of what "
        "you may see.",
    )

    @classmethod
    def for_query(cls, query_params) -> "OverviewCountsQuerySerializer":
        data = {name: query_params.get(name) for name in query_params if name != "by"}
        if "by" in query_params:
            data["by"] = query_params.getlist("by")
        return cls(data=data)

    def validate(self, attrs):
        start, end, grain = attrs["start"], attrs["end"], attrs["grain"]
        if end < start:
            raise serializers.ValidationError(
                {"end": [_("The end date lies before the start date.")]}
            )
        if end - start > MAX_SPAN[grain]:
            raise serializers.ValidationError(
                {
                    "end": [
                        _("The period is too long for this grain: at most %(days)d days.")
                        % {"days": MAX_SPAN[grain].days}
                    ]
                }
            )
        district, area = attrs.get("district"), attrs.get("primary_area")
        if district is not None and area is not None and area.district_id != district.pk:
            raise serializers.ValidationError(
                {"primary_area": [_("This primary area lies in another district.")]}
            )
        intermediate = attrs.get("intermediate_area")
        if (
            district is not None
            and intermediate is not None
            and intermediate.district_id != (district.pk)
        ):
            raise serializers.ValidationError(
                {"intermediate_area": [_("This intermediate area lies in another district.")]}
            )
        attrs.setdefault("by", ())
        return attrs


class OverviewCountRowSerializer(serializers.Serializer):
    """One period and group. The dimensions not grouped by are null; so are the district,
    intermediate area and primary area of reports that have none."""

    period_start = serializers.DateField(
        help_text="The period's first day: a Monday for weeks, the 1st for months."
    )
    district = serializers.CharField(allow_null=True, help_text="A district slug.")
    intermediate_area = serializers.CharField(
        allow_null=True, help_text="An intermediate area (mellanområde) code."
    )
    primary_area = serializers.CharField(allow_null=True, help_text="A primary area code.")
    category = serializers.CharField(allow_null=True, help_text="A category code.")
    main_category = serializers.CharField(
        allow_null=True, help_text="The main category's code (a main category's own code)."
    )
    source_kind = serializers.ChoiceField(choices=SourceKind.choices, allow_null=True)
    reports = serializers.IntegerField(
        help_text="The reports you may read in detail (dismissed ones not counted)."
    )
    severity_sum = serializers.IntegerField(help_text="Those reports' severities summed.")

    def to_representation(self, row: CountRow):
        # Written out: a span of days by every dimension can make thousands of rows, and the
        # fields' own to_representation would cost ten calls per row for the same output
        # (tests/api/test_overview_api.py holds the two equal).
        return {
            "period_start": row.period_start.isoformat(),
            "district": row.district,
            "intermediate_area": row.intermediate_area,
            "primary_area": row.primary_area,
            "category": row.category,
            "main_category": row.main_category,
            "source_kind": row.source_kind,
            "reports": row.reports,
            "severity_sum": row.severity_sum,
        }


class OverviewCountsSerializer(serializers.Serializer):
    computed_at = serializers.DateTimeField(
        allow_null=True,
        help_text="When the rollups these figures come from were last brought up to date "
        "(a fold of new changes, the periodic check or a rebuild); null if never.",
    )
    counted = serializers.ChoiceField(
        choices=[("readable", "readable")],
        help_text="What the figures count: `readable`, the reports you may read in detail "
        "and nothing else.",
    )
    results = OverviewCountRowSerializer(many=True)
