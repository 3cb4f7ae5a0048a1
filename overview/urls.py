from django.urls import path

from overview import views, views_alerts

app_name = "overview"

urlpatterns = [
    path("", views.OverviewView.as_view(), name="city"),
    # Before the districts' pattern, which would take the word for a district.
    path("gallring/", views.RetentionDueView.as_view(), name="retention"),
    path("karta/", views.DensityView.as_view(), name="density"),
    path("larm/<int:pk>/problem/", views_alerts.alert_problem_view, name="alert_problem"),
    path("<slug:slug>/", views.DistrictOverviewView.as_view(), name="district"),
]
