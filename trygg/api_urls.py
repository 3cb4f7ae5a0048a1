"""``/api/v1/``: each app's router lives in its own ``api/`` package and is included here."""

from django.urls import include, path

urlpatterns = [
    path("", include("accounts.api.urls")),
    path("", include("areas.api.urls")),
    path("", include("incidents.api.urls")),
    path("", include("plans.api.urls")),
    path("", include("overview.api.urls")),
]
