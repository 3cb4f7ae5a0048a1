"""The plans API's list filters, one FilterSet per list. The plans pages filter by a district
and a status of their own (``plans.views``); these add what a partner system asks for."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters

from areas.models import District, Place
from core.api.filters import FilterBackend
from plans.choices import MeasureStatus, PlanStatus, ProblemStatus
from plans.models import ActionPlan, FollowUp, Measure, Problem


class ListFilterBackend(FilterBackend):
    """A viewset's FilterSet filters its list; one object is looked up by its id alone."""

    def get_filterset_class(self, view, queryset=None):
        if view.action != "list":
            return None
        return super().get_filterset_class(view, queryset)


class IntegerFilter(filters.NumberFilter):
    """An id: a whole number, as the schema says (a NumberFilter takes decimals too)."""

    field_class = forms.IntegerField


def _district_filter(field_name: str) -> filters.ModelChoiceFilter:
    return filters.ModelChoiceFilter(
        field_name=field_name,
        # The district's boundary (a large GeoJSON) is not needed to filter by it.
        queryset=District.objects.defer("boundary"),
        to_field_name="slug",
        help_text=_("A district slug, see /api/v1/districts/."),
    )


class ProblemFilterSet(filters.FilterSet):
    district = _district_filter("district")
    status = filters.ChoiceFilter(choices=ProblemStatus.choices)
    place = filters.ModelChoiceFilter(
        field_name="places",
        queryset=Place.objects.all(),
        to_field_name="slug",
        help_text=_("A place slug, see /api/v1/places/."),
    )

    class Meta:
        model = Problem
        fields = ["district", "status", "place"]


class ActionPlanFilterSet(filters.FilterSet):
    district = _district_filter("district")
    status = filters.ChoiceFilter(choices=PlanStatus.choices)

    class Meta:
        model = ActionPlan
        fields = ["district", "status"]


class MeasureFilterSet(filters.FilterSet):
    plan = IntegerFilter(field_name="plan__id", help_text=_("An action plan's id."))
    problem = IntegerFilter(
        field_name="problems__id", help_text=_("The measures addressing this problem.")
    )
    district = _district_filter("plan__district")
    responsible = filters.CharFilter(
        field_name="responsible__slug", help_text=_("The responsible organisation's slug.")
    )
    status = filters.ChoiceFilter(choices=MeasureStatus.choices, help_text=_("The status set."))
    effective_status = filters.ChoiceFilter(
        choices=MeasureStatus.choices,
        method="filter_effective_status",
        help_text=_("The status as shown (delayed: past the end date and open)."),
    )

    class Meta:
        model = Measure
        fields = ["plan", "problem", "district", "responsible", "status", "effective_status"]

    def filter_effective_status(self, queryset, name, value: str):
        return queryset.filter(effective_status=value)


class FollowUpFilterSet(filters.FilterSet):
    measure = IntegerFilter(field_name="measure__id", help_text=_("A measure's id."))
    plan = IntegerFilter(field_name="measure__plan__id", help_text=_("An action plan's id."))
    district = _district_filter("measure__plan__district")
    status = filters.ChoiceFilter(choices=MeasureStatus.choices)

    class Meta:
        model = FollowUp
        fields = ["measure", "plan", "district", "status"]
