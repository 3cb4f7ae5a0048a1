from django.urls import path

from overview import views

app_name = "overview"

urlpatterns = [
    path("", views.OverviewView.as_view(), name="city"),
    path("<slug:slug>/", views.DistrictOverviewView.as_view(), name="district"),
]
