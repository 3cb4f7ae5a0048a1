from django.urls import path

from overview.api import analysis, views

urlpatterns = [
    path("overview/counts/", views.OverviewCountsView.as_view(), name="overview-counts"),
    path("overview/alerts/", analysis.AlertListView.as_view(), name="overview-alerts"),
]
