"""The portal as the API benchmark serves it: its own URLs plus a minimal JSON view, the
baseline that costs only Django's request cycle (middleware included) and a tiny response."""

from django.contrib.auth.decorators import login_not_required
from django.http import JsonResponse
from django.urls import include, path


@login_not_required
def minimal(request):
    return JsonResponse({"ok": True})


urlpatterns = [path("bench/minimal/", minimal), path("", include("trygg.urls"))]
