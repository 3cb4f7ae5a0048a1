from django.db import models
from django.utils.translation import gettext_lazy as _


class PlaceKind(models.TextChoices):
    SQUARE = "square", _("Square (torg)")
    PARK = "park", _("Park")
    STOP = "stop", _("Stop or station")
    CENTRE = "centre", _("Centre")
    OTHER = "other", _("Other")


class PlaceNameKind(models.TextChoices):
    """What a name in the gazetteer's curated list names."""

    NEIGHBOURHOOD = "neighbourhood", _("Neighbourhood or island")
    SQUARE = "square", _("Square (torg, plats)")
    STREET = "street", _("Street or road")
    INTERCHANGE = "interchange", _("Interchange (trafikplats)")
    BRIDGE_OR_TUNNEL = "bridge_tunnel", _("Bridge or tunnel")
    ARENA = "arena", _("Arena")
    LANDMARK = "landmark", _("Landmark, park or building")


class VulnerabilityCategory(models.TextChoices):
    """The police's designations, most serious first; reviewed every second year."""

    PARTICULARLY = "particularly", _("Particularly vulnerable area (särskilt utsatt område)")
    RISK = "risk", _("Risk area (riskområde)")
    VULNERABLE = "vulnerable", _("Vulnerable area (utsatt område)")


class PopulationScheme(models.TextChoices):
    """The area scheme of a population figure, as ``goteborg_population.csv`` names it."""

    CITY = "kommun", _("City (kommun)")
    DISTRICT = "stadsomrade_2021", _("District (stadsområde, 2021)")
