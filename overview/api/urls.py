from django.urls import path

from overview.api import views

urlpatterns = [
    path("overview/counts/", views.OverviewCountsView.as_view(), name="overview-counts"),
]
