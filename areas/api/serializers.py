from rest_framework import serializers

from areas.models import District, IntermediateArea, Place, PoliceArea, PrimaryArea, VulnerableArea


class DistrictSerializer(serializers.ModelSerializer):
    class Meta:
        model = District
        fields = ["slug", "code", "name"]


class DistrictDetailSerializer(DistrictSerializer):
    boundary = serializers.JSONField(help_text="A GeoJSON geometry in WGS 84 (EPSG:4326).")

    class Meta(DistrictSerializer.Meta):
        fields = [*DistrictSerializer.Meta.fields, "boundary"]


class IntermediateAreaSerializer(serializers.ModelSerializer):
    district = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = IntermediateArea
        fields = ["code", "name", "district"]


class PrimaryAreaSerializer(serializers.ModelSerializer):
    intermediate_area = serializers.SlugRelatedField(slug_field="code", read_only=True)
    district = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = PrimaryArea
        fields = ["code", "name", "intermediate_area", "district"]


class PoliceAreaSerializer(serializers.ModelSerializer):
    districts = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)

    class Meta:
        model = PoliceArea
        fields = ["slug", "name", "districts"]


class PlaceSerializer(serializers.ModelSerializer):
    district = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    primary_area = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)

    class Meta:
        model = Place
        fields = [
            "slug",
            "name",
            "kind",
            "aliases",
            "latitude",
            "longitude",
            "district",
            "primary_area",
        ]


class VulnerableAreaSerializer(serializers.ModelSerializer):
    district = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    primary_areas = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)

    class Meta:
        model = VulnerableArea
        fields = ["id", "name", "category", "year", "district", "primary_areas"]
