from django.urls import path

from analysis import views

app_name = "analysis"

urlpatterns = [
    path("metod/", views.analysis_method, name="method"),
]
