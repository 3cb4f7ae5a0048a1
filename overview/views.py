"""The overview's pages: the citywide dashboard (coordinators) and a district's dashboard
(everyone with a role in the district, partners included: aggregates only)."""

import json

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views import View

from accounts.access import access_for
from areas.models import District
from core.charts import responsive_chart
from overview.charts import Bars, Line, bar_chart_svg, line_chart_svg
from overview.selectors.counts import aggregate_district_ids
from overview.selectors.dashboard import Dashboard, Series, dashboard_compute
from overview.selectors.geography import map_density
from overview.selectors.periods import (
    period_choices,
    period_default,
    period_is_running,
    period_parse,
    period_value,
)
from overview.selectors.retention import retention_due

TEMPLATE = "overview/dashboard.html"


def _period(request):
    """The period asked for, else the last whole month; and whether the ask was understood."""
    asked = request.GET.get("period")
    period = period_parse(asked)
    return (period or period_default()), (asked is None or period is not None)


def _series_chart(series: Series | None, *, title: str, chart_id: str):
    if series is None or not series.lines:
        return ""
    return responsive_chart(
        line_chart_svg,
        months=series.months,
        lines=[Line(line.label, [point.value for point in line.points]) for line in series.lines],
        title=title,
        description=_("Reports per month. The same numbers are in the table after the chart."),
        chart_id=chart_id,
    )


def _category_chart(dashboard: Dashboard):
    rows = dashboard.main_categories
    if not rows:
        return ""
    return responsive_chart(
        bar_chart_svg,
        rows=[
            Bars(
                row.label,
                row.current.value,
                row.current.display,
                row.previous.value,
                row.previous.display,
            )
            for row in rows
        ],
        legend=(dashboard.periods["current"].label, dashboard.periods["previous"].label),
        title=_("Reports by main category, this period and the previous one"),
        description=_("The same numbers are in the table of categories."),
        chart_id="overview-categories-chart",
    )


def _render(request, dashboard: Dashboard, *, understood: bool):
    period = dashboard.current
    count_label = _("reports")
    rate_label = _("per km²")
    context = {
        "dashboard": dashboard,
        "period_choices": period_choices(),
        "period_selected": period_value(period),
        "period_understood": understood,
        "period_running": period_is_running(period),
        "district_chart": _series_chart(
            dashboard.series_by_district,
            title=_("Reports per month by district"),
            chart_id="overview-district-series",
        ),
        "category_series_chart": _series_chart(
            dashboard.series_by_category,
            title=_("Reports per month by main category"),
            chart_id="overview-category-series",
        ),
        "category_chart": _category_chart(dashboard),
        "map_features": [
            area.as_json(count_label=count_label, rate_label=rate_label)
            for area in dashboard.map_areas
        ],
        "density_url": f"{reverse('overview:density')}?"
        + urlencode(
            {"period": period_value(period)}
            | ({"district": dashboard.district.slug} if dashboard.district else {})
        ),
        "tile_url": settings.TRYGG_MAP_TILE_URL,
        "tile_attribution": settings.TRYGG_MAP_TILE_ATTRIBUTION,
    }
    return render(request, TEMPLATE, context)


class OverviewView(View):
    """/oversikt/: the whole city for coordinators; others go to their district's dashboard
    (or choose among their districts)."""

    def get(self, request):
        reach = aggregate_district_ids(request.user)
        if reach is not None:
            if not reach:
                raise PermissionDenied(_("Your role does not include the overview."))
            districts = list(District.objects.filter(pk__in=reach).order_by("code"))
            if len(districts) == 1:
                url = reverse("overview:district", args=[districts[0].slug])
                query = request.GET.urlencode()
                return redirect(f"{url}?{query}" if query else url)
            return render(request, "overview/district_list.html", {"districts": districts})
        period, understood = _period(request)
        dashboard = dashboard_compute(user=request.user, period=period)
        return _render(request, dashboard, understood=understood)


class DistrictOverviewView(View):
    """/oversikt/<district>/: one district; 404 for a district outside the viewer's reach,
    as for any record they may not see."""

    def get(self, request, slug: str):
        district = get_object_or_404(District, slug=slug)
        reach = aggregate_district_ids(request.user)
        if reach is not None and district.pk not in reach:
            if not reach:
                raise PermissionDenied(_("Your role does not include the overview."))
            raise Http404
        period, understood = _period(request)
        dashboard = dashboard_compute(user=request.user, period=period, district=district)
        return _render(request, dashboard, understood=understood)


class DensityView(View):
    """/oversikt/karta/?period=…&district=…: the dashboard map's density layer and its table
    per mellanområde. Apart from the dashboard page because it reads the reports' points
    (the rollups hold none), which the dashboard itself never does: the page stays as fast
    as its rollups, and the map's squares come with the table that says the same in text.
    Who may see it: as for the dashboard of the same district (or the city)."""

    def get(self, request):
        reach = aggregate_district_ids(request.user)
        if reach is not None and not reach:
            raise PermissionDenied(_("Your role does not include the overview."))
        district = None
        if request.GET.get("district"):
            district = get_object_or_404(District, slug=request.GET["district"])
            if reach is not None and district.pk not in reach:
                raise Http404
        elif reach is not None:
            raise PermissionDenied(_("Only coordinators see the whole city."))
        period, _understood = _period(request)
        density = map_density(user=request.user, period=period, district=district)
        context = {
            "density": density,
            "density_json": json.dumps(density.as_json(), ensure_ascii=False),
            "district": district,
            "period": period,
        }
        template = "overview/partials/_density.html" if request.htmx else "overview/density.html"
        return render(request, template, context)


class RetentionDueView(View):
    """/oversikt/gallring/: what retention (gallring) takes at its next run, for
    administrators. Counts only, no record: nothing here is content an administrator may not
    read, so viewing it is not audited; the runs themselves are."""

    def get(self, request):
        if not access_for(request.user).is_administrator:
            raise PermissionDenied(_("Only administrators see what retention takes."))
        return render(request, "overview/retention_due.html", {"due": retention_due()})
