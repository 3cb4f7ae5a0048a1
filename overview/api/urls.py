from django.urls import path

from overview.api import analysis, hotspots, views

urlpatterns = [
    path("overview/counts/", views.OverviewCountsView.as_view(), name="overview-counts"),
    path("overview/alerts/", analysis.AlertListView.as_view(), name="overview-alerts"),
    path("overview/hotspots/", hotspots.HotspotsView.as_view(), name="overview-hotspots"),
]
