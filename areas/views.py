"""The basemap's data for the maps (``static/js/basemap.js``): the city's published
geography, the same for every signed-in person, so it holds nothing confidential."""

from django.http import JsonResponse
from django.views.decorators.http import require_GET

from areas.basemap import basemap


@require_GET
def basemap_json(request):
    """GET /karta/grundkarta.json: mellanområden, districts, places and utsatta områden."""
    return JsonResponse(basemap(), json_dumps_params={"ensure_ascii": False})
