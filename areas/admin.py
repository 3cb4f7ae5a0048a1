"""Admin for the geography: administrators correct names and links that came as seed data.

Boundaries, codes and slugs come from the data files and other code relies on them, so they
are shown read-only; everything a person can verify (names, aliases, links) is editable.
"""

from django import forms
from django.contrib import admin
from django.db.models import CharField, F, Func, Value
from django.utils.translation import gettext_lazy as _

from areas.models import (
    District,
    IntermediateArea,
    Place,
    PlaceName,
    PoliceArea,
    Population,
    PrimaryArea,
    VulnerableArea,
)
from areas.selectors import DistrictLocator


@admin.register(District)
class DistrictAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "slug"]
    search_fields = ["name", "code"]
    readonly_fields = ["code", "slug", "boundary"]
    fields = ["code", "name", "slug", "boundary"]

    # Districts come with their polygons from the boundary file (load_geography); one made
    # here would have no boundary, and deleting one is blocked by everything pointing at it.
    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(IntermediateArea)
class IntermediateAreaAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "district", "area_km2"]
    list_filter = ["district"]
    search_fields = ["name", "code"]
    list_select_related = ["district"]
    # The polygon and its area come from the mellanområde file (load_geography).
    readonly_fields = ["boundary", "area_km2"]


@admin.register(Population)
class PopulationAdmin(admin.ModelAdmin):
    list_display = ["area_name", "year", "population", "district"]
    list_filter = ["scheme", "district", "year"]
    search_fields = ["area_name", "source"]
    list_select_related = ["district"]


class PrimaryAreaForm(forms.ModelForm):
    class Meta:
        model = PrimaryArea
        fields = ["code", "name", "intermediate_area", "district"]

    def clean(self):
        cleaned = super().clean()
        intermediate_area, district = cleaned.get("intermediate_area"), cleaned.get("district")
        if intermediate_area and district and intermediate_area.district_id != district.pk:
            raise forms.ValidationError(
                _("The intermediate area %(area)s lies in %(district)s, not in %(chosen)s."),
                params={
                    "area": intermediate_area,
                    "district": intermediate_area.district,
                    "chosen": district,
                },
            )
        return cleaned


@admin.register(PrimaryArea)
class PrimaryAreaAdmin(admin.ModelAdmin):
    form = PrimaryAreaForm
    list_display = ["code", "name", "intermediate_area", "district"]
    list_filter = ["district"]
    search_fields = ["name", "code", "intermediate_area__name"]
    list_select_related = ["intermediate_area", "district"]
    autocomplete_fields = ["intermediate_area"]


@admin.register(PoliceArea)
class PoliceAreaAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "district_names"]
    list_filter = ["districts"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["districts"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("districts")

    @admin.display(description=_("districts"))
    def district_names(self, obj):
        return ", ".join(d.name for d in obj.districts.all())


class PlaceForm(forms.ModelForm):
    """The district follows from the coordinates, as it does for every report."""

    class Meta:
        model = Place
        fields = ["name", "slug", "kind", "aliases", "latitude", "longitude", "primary_area"]

    def clean(self):
        cleaned = super().clean()
        latitude, longitude = cleaned.get("latitude"), cleaned.get("longitude")
        if latitude is None or longitude is None:
            return cleaned
        district = DistrictLocator.from_db().locate(latitude=latitude, longitude=longitude)
        if district is None:
            raise forms.ValidationError(
                _("These coordinates lie outside the City of Gothenburg's districts."),
                code="outside_goteborg",
            )
        primary_area = cleaned.get("primary_area")
        if primary_area is not None and primary_area.district_id != district.pk:
            self.add_error(
                "primary_area",
                _("This primary area lies in %(area_district)s, the place in %(district)s.")
                % {"area_district": primary_area.district, "district": district},
            )
        self.instance.district = district
        return cleaned


@admin.register(Place)
class PlaceAdmin(admin.ModelAdmin):
    form = PlaceForm
    list_display = ["name", "kind", "district", "primary_area", "latitude", "longitude"]
    list_filter = ["kind", "district"]
    search_fields = ["name", "alias_text"]
    list_select_related = ["district", "primary_area"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["district"]
    autocomplete_fields = ["primary_area"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(alias_text=_alias_text())


def _alias_text() -> Func:
    # Aliases are an array, which the admin's search cannot look inside; as one string they
    # are searchable like the name.
    return Func(F("aliases"), Value(" "), function="array_to_string", output_field=CharField())


class VulnerableAreaForm(forms.ModelForm):
    class Meta:
        model = VulnerableArea
        fields = ["name", "category", "year", "district", "primary_areas"]

    def clean(self):
        cleaned = super().clean()
        district = cleaned.get("district")
        elsewhere = [
            area.name
            for area in cleaned.get("primary_areas") or []
            if district and area.district_id != district.pk
        ]
        if elsewhere:
            self.add_error(
                "primary_areas",
                _("Not in %(district)s: %(areas)s.")
                % {"district": district, "areas": ", ".join(elsewhere)},
            )
        return cleaned


@admin.register(VulnerableArea)
class VulnerableAreaAdmin(admin.ModelAdmin):
    form = VulnerableAreaForm
    list_display = ["name", "category", "year", "district"]
    list_filter = ["year", "category", "district"]
    search_fields = ["name"]
    list_select_related = ["district"]
    autocomplete_fields = ["primary_areas"]


class PlaceNameForm(forms.ModelForm):
    """The areas a name lies in must nest: primärområde in mellanområde in district."""

    class Meta:
        model = PlaceName
        fields = [
            "name",
            "kind",
            "aliases",
            "district",
            "intermediate_area",
            "primary_area",
            "source",
        ]

    def clean(self):
        cleaned = super().clean()
        district = cleaned.get("district")
        intermediate_area = cleaned.get("intermediate_area")
        primary_area = cleaned.get("primary_area")
        if intermediate_area and district and intermediate_area.district_id != district.pk:
            self.add_error(
                "intermediate_area",
                _("This intermediate area lies in %(area_district)s, not in %(district)s.")
                % {"area_district": intermediate_area.district, "district": district},
            )
        if primary_area and primary_area.intermediate_area_id != getattr(
            intermediate_area, "pk", None
        ):
            self.add_error(
                "primary_area",
                _("Choose the intermediate area this primary area lies in (%(area)s).")
                % {"area": primary_area.intermediate_area},
            )
        return cleaned


@admin.register(PlaceName)
class PlaceNameAdmin(admin.ModelAdmin):
    """The gazetteer's curated names: corrections here reach the next import."""

    form = PlaceNameForm
    list_display = ["name", "kind", "district", "intermediate_area", "primary_area"]
    list_filter = ["kind", "district"]
    search_fields = ["name", "alias_text", "source"]
    list_select_related = ["district", "intermediate_area", "primary_area"]
    autocomplete_fields = ["intermediate_area", "primary_area"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(alias_text=_alias_text())
