"""Reads of reports. Each starts from ``Report.objects.visible_to(user)``."""

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from incidents.filtersets import ReportFilterSet
from incidents.models import Report

LIST_RELATED = ("category", "category__parent", "district", "place", "organisation")
# What no list or report page shows of those: a district's boundary is a large GeoJSON (4-5 KB),
# which read and decoded for each of a page's 50 rows cost more than the rest of the row.
LIST_DEFERRED = ("district__boundary", "category__police_event_types")


def report_filterset(*, user, params) -> ReportFilterSet:
    """The report list's filters over what ``user`` may read; ``.qs`` is the filtered list."""
    queryset = Report.objects.visible_to(user).select_related(*LIST_RELATED).defer(*LIST_DEFERRED)
    return ReportFilterSet(params or None, queryset=queryset)


def report_get(*, user, pk: int) -> Report:
    """One report the user may read, or 404: never a hint that a hidden one exists."""
    queryset = (
        Report.objects.visible_to(user)
        .select_related(*LIST_RELATED, "primary_area", "reporter")
        .defer(*LIST_DEFERRED)
    )
    return get_object_or_404(queryset, pk=pk)


def my_report_list(*, user) -> QuerySet[Report]:
    """What the user filed, newest first, with what became of each (status)."""
    return Report.objects.filter(reporter=user).select_related(*LIST_RELATED).defer(*LIST_DEFERRED)
