"""The geography as reference data: read by any logged-in person and any valid token.

It is the city's published geography, the same for everyone, so it has no ``visible_to``.
"""

from rest_framework import viewsets

from accounts.api.permissions import ANY_SCOPE
from areas.api import serializers
from areas.models import District, IntermediateArea, Place, PoliceArea, PrimaryArea, VulnerableArea
from core.api.views import ApiViewMixin

SLUG = r"[-a-z0-9_]+"
CODE = r"[0-9A-Za-z]+"


class ReferenceViewSet(ApiViewMixin, viewsets.ReadOnlyModelViewSet):
    read_scope = ANY_SCOPE


class DistrictViewSet(ReferenceViewSet):
    """Stadsområden. The list leaves out the boundaries; one district carries its own."""

    queryset = District.objects.all()
    lookup_field = "slug"
    lookup_value_regex = SLUG
    ordering_fields = ["code"]
    ordering = "code"

    def get_serializer_class(self):
        if self.action == "retrieve":
            return serializers.DistrictDetailSerializer
        return serializers.DistrictSerializer

    def get_queryset(self):
        if self.action == "list":
            return District.objects.defer("boundary")
        return District.objects.all()


class IntermediateAreaViewSet(ReferenceViewSet):
    """Mellanområden."""

    queryset = IntermediateArea.objects.select_related("district")
    serializer_class = serializers.IntermediateAreaSerializer
    lookup_field = "code"
    lookup_value_regex = CODE
    ordering_fields = ["code"]
    ordering = "code"


class PrimaryAreaViewSet(ReferenceViewSet):
    """Primärområden."""

    queryset = PrimaryArea.objects.select_related("district", "intermediate_area")
    serializer_class = serializers.PrimaryAreaSerializer
    lookup_field = "code"
    lookup_value_regex = CODE
    ordering_fields = ["code"]
    ordering = "code"


class PoliceAreaViewSet(ReferenceViewSet):
    """Lokalpolisområden and the districts each one covers."""

    queryset = PoliceArea.objects.prefetch_related("districts")
    serializer_class = serializers.PoliceAreaSerializer
    lookup_field = "slug"
    lookup_value_regex = SLUG
    ordering_fields = ["slug"]
    ordering = "slug"


class PlaceViewSet(ReferenceViewSet):
    """Named public places: a report's ``place`` is one of these slugs."""

    queryset = Place.objects.select_related("district", "primary_area")
    serializer_class = serializers.PlaceSerializer
    lookup_field = "slug"
    lookup_value_regex = SLUG
    ordering_fields = ["slug"]
    ordering = "slug"


class VulnerableAreaViewSet(ReferenceViewSet):
    """The police's designation of areas (utsatta områden), per year."""

    queryset = VulnerableArea.objects.select_related("district").prefetch_related("primary_areas")
    serializer_class = serializers.VulnerableAreaSerializer
    ordering_fields = ["id"]
    ordering = "id"
