from django.urls import include, path

app_name = "incidents"

urlpatterns = [
    path("rapporter/", include("incidents.urls.reports")),
    path("importer/", include("incidents.urls.imports")),
    path("lagesbilder/", include("incidents.urls.situation")),
]
