from django.urls import path

from overview.api import hotspots, views

urlpatterns = [
    path("overview/counts/", views.OverviewCountsView.as_view(), name="overview-counts"),
    path("overview/hotspots/", hotspots.HotspotsView.as_view(), name="overview-hotspots"),
]
