"""The police event types' categories as issue 11 corrected them, pinned one by one, and the
migration that applies the correction to reports imported before it."""

import importlib
import json
from datetime import timedelta
from pathlib import Path

import pytest
from django.apps import apps as django_apps
from django.utils import timezone

from accounts.choices import Confidentiality
from incidents.choices import PlacedBy, Severity, SourceKind
from incidents.importers.polisen import CategoryMap, severity_for
from incidents.models import Category, Report

SEED = Path(__file__).resolve().parents[2] / "incidents" / "data" / "categories.json"
EVENT_TYPES = Path(__file__).resolve().parents[2].parent / "shared" / "data"
EVENT_TYPES = EVENT_TYPES / "polisen_event_types.txt"
correction = importlib.import_module("incidents.migrations.0007_police_event_types_corrected")

DECISIONS = [
    ("Mordbrand", "brand"),  # a fire in a block of flats, not a car fire
    ("Vållande till kroppsskada", "ovrig-brottslighet"),  # dog bites, accidents: not Våld
    ("Räddningsinsats", "ovrigt-annat"),  # rescue in water, collapses: not Brand
    ("Trafikkontroll", "ovrigt-annat"),  # a check is no offence
    ("Kontroll person/fordon", "ovrigt-annat"),
    ("Kontroll", "ovrigt-annat"),
    ("Polisinsats/kommendering", "ovrigt-annat"),  # the police's operation, not Arrangemang
    ("Åldringsbrott", "ovrig-brottslighet"),  # frauds, as Bedrägeri: not Inbrott/stöld
    ("Bedrägeri", "ovrig-brottslighet"),
    ("Hemfridsbrott", "ovrig-brottslighet"),  # intrusion without theft
    ("Olaga intrång", "ovrig-brottslighet"),
    ("Ordningslagen", "arrangemang"),  # gatherings without a permit: not Störande grupper
    ("Smällar", "skjutning-explosion"),  # bangs that may be detonations
    ("Ofredande/förargelse", "hot"),  # harassment of a person: not Störande grupper
    ("Knivlagen", "ovrig-brottslighet"),  # weapons offences, both in one category
    ("Vapenlagen", "ovrig-brottslighet"),
    ("Sjölagen", "ovrig-brottslighet"),  # offences belong with offences, not in Annat
    ("Luftfartslagen", "ovrig-brottslighet"),
    ("Skottlossning", "skjutning-explosion"),
    ("Rattfylleri", "trafikbrott"),
    ("Brand", "brand"),
    ("Misshandel", "vald"),
]


@pytest.mark.parametrize(("event_type", "code"), DECISIONS)
def test_it_maps_each_corrected_police_type_to_its_category(db, event_type, code):
    category, known = CategoryMap.from_db().category_for(event_type)

    assert known
    assert category.code == code


def test_it_maps_every_police_type_once_and_says_why_where_it_is_not_obvious():
    data = json.loads(SEED.read_text(encoding="utf-8"))
    types = [
        t
        for child in (c for main in data["categories"] for c in main["children"])
        for t in child.get("police_event_types", [])
    ]
    reasons = {
        t
        for main in data["categories"]
        for child in main["children"]
        for t in child.get("police_event_type_reasons", {})
    }
    in_feed = {
        line.split("\t", 1)[1].strip()
        for line in EVENT_TYPES.read_text(encoding="utf-8").splitlines()
        if line.strip()
    }
    bundles = {t for t in in_feed if t.lower().startswith(("sammanfattning", "uppdatering"))}

    assert len(types) == len(set(types))
    assert in_feed - bundles <= set(types)
    assert {t for t, _ in DECISIONS[:18]} <= reasons | {"Bedrägeri"}


def test_it_rates_arson_serious_and_a_bang_moderate(db):
    brand = Category.objects.get(code="brand")
    explosion = Category.objects.get(code="skjutning-explosion")

    assert severity_for(event_type="Mordbrand", category=brand) == Severity.SERIOUS
    assert severity_for(event_type="Smällar", category=explosion) == Severity.MODERATE
    assert severity_for(event_type="Skottlossning", category=explosion) == Severity.CRITICAL


def test_the_migration_corrects_the_mapping_and_the_reports_imported_before(organisations):
    bilbrand = Category.objects.get(code="bilbrand")
    trafikbrott = Category.objects.get(code="trafikbrott")
    bilbrand.police_event_types = ["Mordbrand"]
    bilbrand.save()
    trafikbrott.police_event_types = [*trafikbrott.police_event_types, "Trafikkontroll"]
    trafikbrott.save()

    def imported(description, category):
        return Report.objects.create(
            category=category,
            description=description,
            organisation=organisations["lpo_city"],
            source_kind=SourceKind.POLICE_EVENT,
            confidentiality=Confidentiality.PARTNERSHIP,
            placed_by=PlacedBy.UNPLACED,
            external_id=description[:20],
            occurred_at=timezone.now() - timedelta(hours=1),
        )

    arson = imported("Mordbrand: Brand i ett flerfamiljshus i Eriksbo.", bilbrand)
    check = imported("Trafikkontroll\nhttps://polisen.se/x", trafikbrott)
    drunk = imported("Rattfylleri: Bilist stoppad.", trafikbrott)
    # Not a police event: an analyst's own report keeps the category it was given.
    own = Report.objects.create(
        category=bilbrand,
        description="Mordbrand: bil i brand",
        organisation=organisations["lpo_city"],
        source_kind=SourceKind.FIELD_OBSERVATION,
        occurred_at=timezone.now() - timedelta(hours=1),
        confidentiality=Confidentiality.PARTNERSHIP,
        placed_by=PlacedBy.UNPLACED,
    )

    correction.correct_mapping(django_apps, None)

    assert Category.objects.get(code="bilbrand").police_event_types == []
    assert "Trafikkontroll" not in Category.objects.get(code="trafikbrott").police_event_types
    codes = {
        r.pk: r.category.code
        for r in Report.objects.filter(pk__in=[arson.pk, check.pk, drunk.pk, own.pk])
    }
    assert codes == {
        arson.pk: "brand",
        check.pk: "ovrigt-annat",
        drunk.pk: "trafikbrott",
        own.pk: "bilbrand",
    }
