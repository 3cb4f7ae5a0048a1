from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path, re_path
from django.views.i18n import set_language
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from core.views import favicon
from trygg import health

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    # Browsers ask for /favicon.ico whatever the page links; a permanent redirect to the file.
    path("favicon.ico", favicon, name="favicon"),
    # Anonymous visitors switch language on the login page too.
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("accounts/", include("accounts.urls")),
    path("admin/", admin.site.urls),
    # The API: versioned in the path; its contract and docs are public (no secrets in them).
    re_path(r"^api/(?P<version>v1)/", include("trygg.api_urls")),
    path(
        "api/schema/",
        login_not_required(SpectacularAPIView.as_view(api_version="v1")),
        name="api-schema",
    ),
    # The split view serves Swagger UI's start-up script from ?script instead of inline, so
    # the page lives under the same strict CSP as the rest of the portal.
    path(
        "api/docs/",
        login_not_required(
            SpectacularSwaggerSplitView.as_view(
                url_name="api-schema", template_name="api/docs.html"
            )
        ),
        name="api-docs",
    ),
    path("oversikt/", include("overview.urls")),
    path("karta/", include("areas.urls")),
    path("analys/", include("analysis.urls")),
    path("", include("plans.urls")),
    path("", include("incidents.urls")),
    path("", include("core.urls")),
]

# Under /api/ Django's own error pages answer in the API's error format (JSON), elsewhere HTML.
handler400 = "core.api.exceptions.handler400"
handler403 = "core.api.exceptions.handler403"
handler404 = "core.api.exceptions.handler404"
handler500 = "core.api.exceptions.handler500"
