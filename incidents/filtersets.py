"""One FilterSet for the report list: the page, its CSV export and the API share it."""

from datetime import datetime, time, timedelta

import django_filters
from django import forms
from django.contrib.postgres.aggregates import ArrayAgg
from django.db.models import Q, Value
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.choices import Confidentiality
from areas.models import District, IntermediateArea, Place, PrimaryArea
from core.forms import BootstrapFormMixin
from core.widgets import Select, SelectMultiple
from incidents.choices import ReportStatus, Severity, SourceKind
from incidents.models import Category
from incidents.search import search_condition, search_relevance, search_terms

SEARCH_MAX_LENGTH = 200
DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _day_start(day) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


class ReportFilterForm(BootstrapFormMixin, forms.Form):
    def clean(self):
        data = super().clean()
        start, end = data.get("occurred_after"), data.get("occurred_before")
        if start and end and end < start:
            self.add_error("occurred_before", _("The end date lies before the start date."))
        return data


class ReportFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Search"),
        method="filter_search",
        max_length=SEARCH_MAX_LENGTH,
        widget=forms.TextInput(attrs={"type": "search"}),
        help_text=_(
            "Words in the text, category, place or area, e.g. narkotika Hjällbo. "
            "A word also finds longer words that start with it."
        ),
    )
    district = django_filters.ModelChoiceFilter(
        label=_("District"),
        # Not the boundary (a large GeoJSON): a choice and a filter need the id and the name.
        queryset=District.objects.defer("boundary"),
        to_field_name="slug",
        method="filter_district",
        empty_label=_("All districts"),
        widget=Select,
    )
    intermediate_area = django_filters.ModelChoiceFilter(
        label=_("Intermediate area"),
        queryset=IntermediateArea.objects.defer("boundary"),
        to_field_name="code",
    )
    primary_area = django_filters.ModelChoiceFilter(
        label=_("Primary area"),
        queryset=PrimaryArea.objects.all(),
        to_field_name="code",
        widget=Select,
    )
    place = django_filters.ModelChoiceFilter(
        label=_("Place"),
        queryset=Place.objects.all(),
        to_field_name="slug",
        widget=Select,
    )
    category = django_filters.ModelChoiceFilter(
        label=_("Category"),
        # The subcategories' ids come with the category: the filter is then a plain
        # ``category_id IN (...)`` that an index scan by time can check row by row, where a
        # join to the parent would make PostgreSQL collect and sort every matching row.
        queryset=Category.objects.select_related("parent").annotate(
            subcategory_ids=ArrayAgg(
                "children__pk", filter=Q(children__isnull=False), default=Value([])
            )
        ),
        to_field_name="code",
        method="filter_category",
        widget=Select,
    )
    # The list's choices write their options in Python (core.widgets: the template engine's
    # include per option was the pages' largest cost).
    source_kind = django_filters.MultipleChoiceFilter(
        label=_("Source"), choices=SourceKind.choices, widget=SelectMultiple
    )
    status = django_filters.MultipleChoiceFilter(
        label=_("Status"), choices=ReportStatus.choices, widget=SelectMultiple
    )
    unplaced = django_filters.BooleanFilter(
        label=_("Unplaced only"),
        method="filter_unplaced",
        widget=forms.CheckboxInput,
        help_text=_("No district, or no primary area: reports to place by hand."),
    )
    confidentiality = django_filters.ChoiceFilter(
        label=_("Confidentiality"), choices=Confidentiality.choices, widget=Select
    )
    severity = django_filters.MultipleChoiceFilter(
        label=_("Severity"), choices=Severity.choices, widget=SelectMultiple
    )
    occurred_after = django_filters.DateFilter(
        label=_("From (date)"), method="filter_from", widget=DATE_INPUT
    )
    occurred_before = django_filters.DateFilter(
        label=_("To (date)"), method="filter_to", widget=DATE_INPUT
    )

    class Meta:
        fields = []
        form = ReportFilterForm

    # How well each report matches the search, for ordering by relevance; None when the list
    # is not searched.
    relevance = None

    def filter_search(self, queryset, name, value):
        terms = search_terms(value.strip()[:SEARCH_MAX_LENGTH])
        if not terms:
            # Only stop words or punctuation: nothing to search for, so nothing found.
            return queryset.none() if value.strip() else queryset
        self.relevance = search_relevance(terms)
        return queryset.filter(search_condition(terms))

    def filter_district(self, queryset, name, value):
        return queryset.filter(district=value) if value else queryset

    def filter_unplaced(self, queryset, name, value):
        # Of the reports the viewer may read (the list's queryset): their districts' and, of
        # reports placed nowhere, their own organisation's.
        return queryset.unplaced() if value else queryset

    def filter_category(self, queryset, name, value):
        if value is None:
            return queryset
        # A main category stands for itself and all of its subcategories.
        return queryset.filter(category__in=[value.pk, *value.subcategory_ids])

    def filter_from(self, queryset, name, value):
        return queryset.filter(occurred_at__gte=_day_start(value)) if value else queryset

    def filter_to(self, queryset, name, value):
        # Inclusive: "to 31 March" means up to the end of that day.
        if not value:
            return queryset
        return queryset.filter(occurred_at__lt=_day_start(value + timedelta(days=1)))

    @property
    def qs(self):
        # Invalid filters show their errors and no rows, never everything unfiltered.
        if not self.is_bound or self.is_valid():
            return super().qs
        return self.queryset.none()
