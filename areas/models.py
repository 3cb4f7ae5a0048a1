"""Gothenburg's geography: what every report, problem and plan points at."""

from decimal import Decimal

from django.contrib.postgres.fields import ArrayField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from areas.choices import PlaceKind, PlaceNameKind, PopulationScheme, VulnerabilityCategory


class District(models.Model):
    """A stadsområde: the unit that owns a situation picture and an action plan."""

    code = models.CharField(_("code"), max_length=2, unique=True)
    name = models.CharField(_("name"), max_length=100, unique=True)
    slug = models.SlugField(_("slug"), unique=True)
    boundary = models.JSONField(_("boundary (GeoJSON geometry, EPSG:4326)"))

    class Meta:
        ordering = ["code"]
        verbose_name = _("district (stadsområde)")
        verbose_name_plural = _("districts (stadsområden)")

    def __str__(self) -> str:
        return self.name


class IntermediateArea(models.Model):
    """A mellanområde: a group of primärområden within one district, and the finest area a
    point is placed in (its polygon, from ``goteborg_mellanomrade.geojson``)."""

    code = models.CharField(_("code"), max_length=4, unique=True)
    name = models.CharField(_("name"), max_length=100)
    district = models.ForeignKey(
        District,
        on_delete=models.PROTECT,
        related_name="intermediate_areas",
        verbose_name=_("district"),
    )
    boundary = models.JSONField(_("boundary (GeoJSON geometry, EPSG:4326)"), null=True, blank=True)
    area_km2 = models.DecimalField(
        _("area (km²)"),
        max_digits=7,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.01"))],
    )

    class Meta:
        ordering = ["district__code", "name"]
        verbose_name = _("intermediate area (mellanområde)")
        verbose_name_plural = _("intermediate areas (mellanområden)")

    def __str__(self) -> str:
        return self.name


class PrimaryArea(models.Model):
    """A primärområde, the smallest statistical area the portal aggregates by."""

    code = models.CharField(_("code"), max_length=4, unique=True)
    name = models.CharField(_("name"), max_length=100)
    intermediate_area = models.ForeignKey(
        IntermediateArea,
        on_delete=models.PROTECT,
        related_name="primary_areas",
        verbose_name=_("intermediate area"),
    )
    district = models.ForeignKey(
        District, on_delete=models.PROTECT, related_name="primary_areas", verbose_name=_("district")
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("primary area (primärområde)")
        verbose_name_plural = _("primary areas (primärområden)")

    def __str__(self) -> str:
        return self.name


class PoliceArea(models.Model):
    """A lokalpolisområde. It does not follow the city's borders, hence many-to-many."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    slug = models.SlugField(_("slug"), unique=True)
    districts = models.ManyToManyField(
        District, related_name="police_areas", verbose_name=_("districts"), blank=True
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("local police area (lokalpolisområde)")
        verbose_name_plural = _("local police areas (lokalpolisområden)")

    def __str__(self) -> str:
        return self.name


class Place(models.Model):
    """A named public place (torg, park, stop, centre) with approximate coordinates."""

    name = models.CharField(_("name"), max_length=150, unique=True)
    slug = models.SlugField(_("slug"), max_length=150, unique=True)
    kind = models.CharField(
        _("kind"), max_length=20, choices=PlaceKind.choices, default=PlaceKind.OTHER
    )
    aliases = ArrayField(
        models.CharField(max_length=150),
        blank=True,
        default=list,
        verbose_name=_("other names"),
        help_text=_("Other names the place goes by, used to place reports."),
    )
    latitude = models.DecimalField(
        _("latitude"),
        max_digits=8,
        decimal_places=5,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.DecimalField(
        _("longitude"),
        max_digits=8,
        decimal_places=5,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    district = models.ForeignKey(
        District, on_delete=models.PROTECT, related_name="places", verbose_name=_("district")
    )
    primary_area = models.ForeignKey(
        PrimaryArea,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="places",
        verbose_name=_("primary area"),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("place")
        verbose_name_plural = _("places")

    def __str__(self) -> str:
        return self.name


class VulnerableArea(models.Model):
    """The police's designation of an area (utsatt område) for the year it applies."""

    name = models.CharField(_("name"), max_length=150)
    category = models.CharField(_("category"), max_length=20, choices=VulnerabilityCategory.choices)
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(2015), MaxValueValidator(2100)]
    )
    district = models.ForeignKey(
        District,
        on_delete=models.PROTECT,
        related_name="vulnerable_areas",
        verbose_name=_("district"),
    )
    primary_areas = models.ManyToManyField(
        PrimaryArea, blank=True, related_name="vulnerable_areas", verbose_name=_("primary areas")
    )

    class Meta:
        ordering = ["-year", "category", "name"]
        verbose_name = _("vulnerable area (utsatt område)")
        verbose_name_plural = _("vulnerable areas (utsatta områden)")
        constraints = [
            models.UniqueConstraint(fields=["name", "year"], name="vulnerable_area_once_a_year"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_category_display()}, {self.year})"


class PlaceName(models.Model):
    """A name people write for a part of the city that is not an area of its own: a square,
    street, interchange, arena, landmark or former stadsdel, with the most specific area it
    lies in. The gazetteer reads these to place a report from its text; it has no point, so
    it is never drawn on a map (a ``Place`` is)."""

    name = models.CharField(_("name"), max_length=150, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=PlaceNameKind.choices)
    aliases = ArrayField(
        models.CharField(max_length=150),
        blank=True,
        default=list,
        verbose_name=_("other names"),
        help_text=_("Other spellings and names of the same thing, used to place reports."),
    )
    district = models.ForeignKey(
        District, on_delete=models.PROTECT, related_name="place_names", verbose_name=_("district")
    )
    intermediate_area = models.ForeignKey(
        IntermediateArea,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="place_names",
        verbose_name=_("intermediate area"),
        help_text=_("Leave empty when the name spans several intermediate areas."),
    )
    primary_area = models.ForeignKey(
        PrimaryArea,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="place_names",
        verbose_name=_("primary area"),
    )
    source = models.CharField(
        _("source"),
        max_length=300,
        help_text=_("Where the area it lies in was taken from, so that others can check it."),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("place name (ortnamn)")
        verbose_name_plural = _("place names (ortnamn)")

    def __str__(self) -> str:
        return self.name


class Population(models.Model):
    """The population (folkmängd, all ages) of the city or of one district in a year, for
    rates per 1,000 inhabitants (``goteborg_population.csv``). The city's figure is the
    kommun's, which is slightly more than its districts' sum (people placed in no area)."""

    scheme = models.CharField(_("area scheme"), max_length=20, choices=PopulationScheme.choices)
    area_name = models.CharField(_("area as the source names it"), max_length=100)
    district = models.ForeignKey(
        District,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="populations",
        verbose_name=_("district"),
        help_text=_("Empty for the whole city."),
    )
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(1900), MaxValueValidator(2100)]
    )
    population = models.PositiveIntegerField(_("population"), validators=[MinValueValidator(1)])
    source = models.CharField(_("source"), max_length=300)

    class Meta:
        ordering = ["-year", "scheme", "area_name"]
        verbose_name = _("population")
        verbose_name_plural = _("populations")
        constraints = [
            models.UniqueConstraint(
                fields=["scheme", "area_name", "year"], name="population_once_a_year"
            ),
            models.CheckConstraint(
                condition=Q(scheme=PopulationScheme.CITY, district__isnull=True)
                | (~Q(scheme=PopulationScheme.CITY) & Q(district__isnull=False)),
                name="population_city_has_no_district",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.area_name} {self.year}: {self.population}"
