"""Writes in the areas app: loading Gothenburg's geography from the files in ``areas/data``.

``geography_load`` is what ``manage.py load_geography`` runs. It matches every row on a
natural key (a district's code, an area's code, a slug, a vulnerable area's name and year),
so it is safe to run at every start: by default it only adds what is missing and leaves rows
that already exist as they are, because administrators correct names and links in the admin
(the CSV's names are unverified, the police areas are a guess) and a restart must not undo
that. ``overwrite=True`` makes the database match the files again.
"""

from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, models, transaction
from django.utils.text import slugify

from areas.choices import PopulationScheme
from areas.data_files import (
    ACCEPTED_CRS,
    GeographyDataError,
    check_polygon,
    entries,
    malformed,
    read_csv,
    read_json,
)
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
from areas.selectors import DistrictLocator, read_capitalised_only

DATA_DIR = Path(__file__).resolve().parent / "data"
BOUNDARIES_FILE = "goteborg_stadsomrade_2021.geojson"
AREAS_FILE = "goteborg_primaromrade_mellanomrade.csv"
INTERMEDIATE_BOUNDARIES_FILE = "goteborg_mellanomrade.geojson"
POPULATION_FILE = "goteborg_population.csv"
POPULATION_COLUMNS = ("year", "area_scheme", "area", "population", "source")
POLICE_AREAS_FILE = "police_areas.json"
PLACES_FILE = "places.json"
VULNERABLE_AREAS_FILE = "vulnerable_areas.json"
WELL_KNOWN_NAMES_FILE = "well_known_names.json"
AREAS_COLUMNS = (
    "primaromrade_nr",
    "primaromrade_name",
    "mellanomrade_nr",
    "mellanomrade_name",
    "stadsomrade_derived",
)

# Two processes starting at once (web and worker) would otherwise both insert the same rows
# and one would fail on a unique index; the second now waits and finds them there.
_ADVISORY_LOCK_KEY = 0x7472_7967_6765_6F  # "tryggeo"


class Outcome(StrEnum):
    """What a load did with one row."""

    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    KEPT = "kept"  # exists and differs from the file, left alone without overwrite


@dataclass
class GeographyLoadSummary:
    """What one load did, per kind of row."""

    counts: dict[str, Counter] = field(default_factory=dict)

    def add(self, label: str, outcome: Outcome, count: int = 1) -> None:
        self.counts.setdefault(label, Counter())[outcome] += count

    def total(self, outcome: Outcome) -> int:
        return sum(counter[outcome] for counter in self.counts.values())

    def lines(self) -> list[str]:
        """A short report for the command line, one line per kind of row."""
        lines = []
        for label, counter in self.counts.items():
            parts = ", ".join(f"{counter[o]} {o}" for o in Outcome if counter[o])
            lines.append(f"{label}: {sum(counter.values())} ({parts})")
        return lines


def geography_load(*, data_dir: Path = DATA_DIR, overwrite: bool = False) -> GeographyLoadSummary:
    """Load districts, areas (with the mellanområden's polygons), population figures, police
    areas, places and vulnerable areas in one transaction.

    Safe to run twice: rows are matched on natural keys and a row is written only when it is
    missing (or, with ``overwrite``, when it differs from the file), so a second run creates
    and changes nothing. Raises ``GeographyDataError`` (and rolls everything back) when a file
    is malformed or a seeded place does not lie in the district its file names.
    """
    data_dir = Path(data_dir)
    summary = GeographyLoadSummary()
    loader = _Loader(overwrite=overwrite, summary=summary)
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_ADVISORY_LOCK_KEY])
        districts = loader.districts(data_dir / BOUNDARIES_FILE)
        primary_areas = loader.areas(data_dir / AREAS_FILE, districts)
        loader.intermediate_boundaries(data_dir / INTERMEDIATE_BOUNDARIES_FILE)
        loader.populations(data_dir / POPULATION_FILE, districts)
        loader.police_areas(data_dir / POLICE_AREAS_FILE, districts)
        loader.places(data_dir / PLACES_FILE, districts, primary_areas)
        loader.vulnerable_areas(data_dir / VULNERABLE_AREAS_FILE, districts, primary_areas)
        loader.place_names(data_dir / WELL_KNOWN_NAMES_FILE, districts, primary_areas)
        if summary.total(Outcome.CREATED) or summary.total(Outcome.UPDATED):
            _audit_load(summary)
    return summary


def _audit_load(summary: GeographyLoadSummary) -> None:
    """Rows created in bulk send no signals (accounts.audit_changes): one entry says what the
    load wrote. Rows it updated have their own entries, as any change has."""
    # Imported here: accounts imports the areas models.
    from accounts.audit_changes import current_request, process_label
    from accounts.services import audit_record

    request = current_request()
    audit_record(
        action="geography.loaded",
        request=request,
        actor_label="" if request is not None else process_label(),
        details={
            label: {str(outcome): count for outcome, count in counter.items() if count}
            for label, counter in summary.counts.items()
        },
    )


@dataclass
class _Districts:
    """The loaded districts, reachable by the names and slugs the data files use."""

    by_file_name: dict[str, District]
    by_slug: dict[str, District]
    by_long_name: dict[str, District] = field(default_factory=dict)  # "Stadsområde X (Gbg)"

    def get(self, slug: Any, where: str) -> District:
        try:
            return self.by_slug[slug]
        except (KeyError, TypeError):
            raise GeographyDataError(f"{where}: unknown district {slug!r}") from None


@dataclass
class _Row:
    """One row as a data file has it: its natural key, its fields and its many-to-many links."""

    key: dict[str, Any]
    values: dict[str, Any]
    many: dict[str, list[models.Model]] = field(default_factory=dict)


class _Loader:
    def __init__(self, *, overwrite: bool, summary: GeographyLoadSummary) -> None:
        self.overwrite = overwrite
        self.summary = summary

    def districts(self, path: Path) -> _Districts:
        data = read_json(path, parse_float=float)
        with malformed(path.name):
            crs = (data.get("crs") or {}).get("properties", {}).get("name")
            features = list(data["features"])
        if crs is not None and crs not in ACCEPTED_CRS:
            raise GeographyDataError(f"{path.name}: coordinates must be WGS 84, not {crs}")
        rows, names, long_names = [], [], []
        for index, feature in enumerate(features):
            where = f"{path.name}: feature {index}"
            with malformed(where):
                name = feature["properties"]["wfs_namn"].strip()
                long_names.append(str(feature["properties"].get("name") or "").strip())
                code = f"{int(feature['properties']['wfs_nr']):02d}"
                geometry = feature["geometry"]
            check_polygon(geometry, where)
            names.append(name)
            rows.append(
                _Row({"code": code}, {"name": name, "slug": slugify(name), "boundary": geometry})
            )
        if not rows:
            raise GeographyDataError(f"{path.name}: no districts")
        loaded = self._sync(District, "districts", rows)
        return _Districts(
            by_file_name=dict(zip(names, loaded, strict=True)),
            by_slug={row.values["slug"]: d for row, d in zip(rows, loaded, strict=True)},
            by_long_name=dict(zip(long_names, loaded, strict=True)),
        )

    def areas(self, path: Path, districts: _Districts) -> dict[str, PrimaryArea]:
        lines = read_csv(path, AREAS_COLUMNS)
        intermediate: dict[str, tuple[str, str]] = {}
        for line, row in lines:
            code = row["mellanomrade_nr"]
            value = (row["mellanomrade_name"], row["stadsomrade_derived"])
            if intermediate.setdefault(code, value) != value:
                raise GeographyDataError(
                    f"{path.name}: line {line}: mellanområde {code} has two names or districts"
                )
            if row["stadsomrade_derived"] not in districts.by_file_name:
                raise GeographyDataError(
                    f"{path.name}: line {line}: unknown district {row['stadsomrade_derived']!r}"
                )
        loaded = self._sync(
            IntermediateArea,
            "intermediate areas",
            [
                _Row({"code": code}, {"name": name, "district": districts.by_file_name[d]})
                for code, (name, d) in intermediate.items()
            ],
        )
        intermediate_areas = dict(zip(intermediate, loaded, strict=True))
        self.intermediate_areas = intermediate_areas
        rows = [
            _Row(
                {"code": row["primaromrade_nr"]},
                {
                    "name": row["primaromrade_name"],
                    "intermediate_area": intermediate_areas[row["mellanomrade_nr"]],
                    "district": districts.by_file_name[row["stadsomrade_derived"]],
                },
            )
            for _, row in lines
        ]
        return {area.code: area for area in self._sync(PrimaryArea, "primary areas", rows)}

    def intermediate_boundaries(self, path: Path) -> None:
        """The mellanområden's polygons and areas, matched on their number. A mellanområde
        without a polygon gets it (whatever ``overwrite``: nobody edits a polygon in the
        admin); one with a polygon keeps it unless ``overwrite``. Updated in bulk, so one
        ``geography.loaded`` entry records it, not 36 entries holding polygons."""
        data = read_json(path, parse_float=float)
        with malformed(path.name):
            crs = (data.get("crs") or {}).get("properties", {}).get("name")
            features = list(data["features"])
        if crs is not None and crs not in ACCEPTED_CRS:
            raise GeographyDataError(f"{path.name}: coordinates must be WGS 84, not {crs}")
        areas = {area.code: area for area in IntermediateArea.objects.select_related("district")}
        seen = set()
        for index, feature in enumerate(features):
            where = f"{path.name}: feature {index}"
            with malformed(where):
                code = str(int(feature["properties"]["nr"]))
                district_name = str(feature["properties"]["stadsomrade"]).strip()
                area_km2 = Decimal(str(feature["properties"]["area_km2"])).quantize(Decimal("0.01"))
                geometry = feature["geometry"]
            check_polygon(geometry, where)
            if code in seen:
                raise GeographyDataError(f"{where}: mellanområde {code} appears twice")
            seen.add(code)
            area = areas.get(code)
            if area is None:
                raise GeographyDataError(f"{where}: unknown mellanområde {code}")
            if area.district.name != district_name:
                raise GeographyDataError(
                    f"{where}: mellanområde {code} lies in {area.district}, "
                    f"not in {district_name} as the file says"
                )
            if area_km2 <= 0:
                raise GeographyDataError(f"{where}: area_km2 must be above zero")
            if area.boundary == geometry and area.area_km2 == area_km2:
                self.summary.add("mellanområde boundaries", Outcome.UNCHANGED)
            elif area.boundary is not None and not self.overwrite:
                self.summary.add("mellanområde boundaries", Outcome.KEPT)
            else:
                IntermediateArea.objects.filter(pk=area.pk).update(
                    boundary=geometry, area_km2=area_km2
                )
                added = area.boundary is None
                self.summary.add(
                    "mellanområde boundaries", Outcome.CREATED if added else Outcome.UPDATED
                )

    def populations(self, path: Path, districts: _Districts) -> None:
        rows = []
        for line, row in read_csv(path, POPULATION_COLUMNS):
            where = f"{path.name}: line {line}"
            try:
                scheme = PopulationScheme(row["area_scheme"])
            except ValueError:
                raise GeographyDataError(
                    f"{where}: unknown area scheme {row['area_scheme']!r}"
                ) from None
            district = None
            if scheme != PopulationScheme.CITY:
                district = districts.by_long_name.get(row["area"])
                if district is None:
                    raise GeographyDataError(f"{where}: unknown district {row['area']!r}")
            with malformed(where):
                year, population = int(row["year"]), int(row["population"])
            rows.append(
                _Row(
                    {"scheme": scheme.value, "area_name": row["area"], "year": year},
                    {"district": district, "population": population, "source": row["source"]},
                )
            )
        self._sync(Population, "population figures", rows)

    def police_areas(self, path: Path, districts: _Districts) -> None:
        rows = []
        for where, entry in entries(path, "police_areas"):
            with malformed(where):
                rows.append(
                    _Row(
                        {"slug": entry["slug"]},
                        {"name": entry["name"]},
                        {"districts": [districts.get(s, where) for s in entry["districts"]]},
                    )
                )
        self._sync(PoliceArea, "police areas", rows)

    def places(
        self, path: Path, districts: _Districts, primary_areas: dict[str, PrimaryArea]
    ) -> None:
        # Checked against the boundaries as stored, which is what every later lookup uses.
        locator = DistrictLocator(districts.by_slug.values())
        rows = []
        for where, entry in entries(path, "places", parse_float=Decimal):
            with malformed(where):
                rows.append(self._place(where, entry, locator, districts, primary_areas))
        self._sync(Place, "places", rows)

    @staticmethod
    def _place(
        where: str,
        entry: dict[str, Any],
        locator: DistrictLocator,
        districts: _Districts,
        primary_areas: dict[str, PrimaryArea],
    ) -> _Row:
        name = entry["name"]
        expected = districts.get(entry["district"], where)
        latitude, longitude = Decimal(entry["latitude"]), Decimal(entry["longitude"])
        located = locator.locate(latitude=latitude, longitude=longitude)
        if located is None:
            raise GeographyDataError(
                f"{where}: {name} ({latitude}, {longitude}) lies outside every district"
            )
        if located.pk != expected.pk:
            raise GeographyDataError(
                f"{where}: {name} ({latitude}, {longitude}) lies in {located}, "
                f"not in {expected} as the file says"
            )
        primary_area = None
        if entry.get("primary_area") is not None:
            primary_area = primary_areas.get(str(entry["primary_area"]))
            if primary_area is None or primary_area.district_id != expected.pk:
                raise GeographyDataError(
                    f"{where}: primärområde {entry['primary_area']!r} is not in {expected}"
                )
        aliases = entry.get("aliases", [])
        if not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
            raise GeographyDataError(f"{where}: aliases must be a list of names")
        return _Row(
            {"slug": entry["slug"]},
            {
                "name": name,
                "kind": entry["kind"],
                "aliases": aliases,
                "latitude": latitude,
                "longitude": longitude,
                "district": located,
                "primary_area": primary_area,
            },
        )

    def vulnerable_areas(
        self, path: Path, districts: _Districts, primary_areas: dict[str, PrimaryArea]
    ) -> None:
        rows = []
        for where, year_list in entries(path, "lists"):
            with malformed(where):
                year = int(year_list["year"])
                for index, entry in enumerate(year_list["areas"]):
                    rows.append(
                        self._vulnerable_area(
                            f"{where}.areas[{index}]", year, entry, districts, primary_areas
                        )
                    )
        self._sync(VulnerableArea, "vulnerable areas", rows)

    @staticmethod
    def _vulnerable_area(
        where: str,
        year: int,
        entry: dict[str, Any],
        districts: _Districts,
        primary_areas: dict[str, PrimaryArea],
    ) -> _Row:
        district = districts.get(entry["district"], where)
        linked = []
        for code in entry.get("primary_areas", []):
            primary_area = primary_areas.get(str(code))
            if primary_area is None or primary_area.district_id != district.pk:
                raise GeographyDataError(f"{where}: primärområde {code!r} is not in {district}")
            linked.append(primary_area)
        return _Row(
            {"name": entry["name"], "year": year},
            {"category": entry["category"], "district": district},
            {"primary_areas": linked},
        )

    def place_names(
        self, path: Path, districts: _Districts, primary_areas: dict[str, PrimaryArea]
    ) -> None:
        """The gazetteer's curated names; checked here, so that a typo fails the load, not
        an import later."""
        try:
            read_capitalised_only(path)
        except ValueError as exc:
            raise GeographyDataError(f"{path.name}: {exc}") from exc
        rows, seen = [], {}
        for where, entry in entries(path, "names"):
            with malformed(where):
                row = self._place_name(where, entry, districts, primary_areas)
            for name in [row.key["name"], *row.values["aliases"]]:
                if seen.setdefault(name.casefold(), where) != where:
                    raise GeographyDataError(f"{where}: {name!r} is listed twice")
            rows.append(row)
        self._sync(PlaceName, "place names", rows)

    def _place_name(
        self,
        where: str,
        entry: dict[str, Any],
        districts: _Districts,
        primary_areas: dict[str, PrimaryArea],
    ) -> _Row:
        district = districts.get(entry["district"], where)
        intermediate_area = primary_area = None
        if entry.get("intermediate_area") is not None:
            intermediate_area = self.intermediate_areas.get(str(entry["intermediate_area"]))
            if intermediate_area is None or intermediate_area.district_id != district.pk:
                raise GeographyDataError(
                    f"{where}: mellanområde {entry['intermediate_area']!r} is not in {district}"
                )
        if entry.get("primary_area") is not None:
            primary_area = primary_areas.get(str(entry["primary_area"]))
            if primary_area is None or primary_area.intermediate_area_id != getattr(
                intermediate_area, "pk", None
            ):
                raise GeographyDataError(
                    f"{where}: primärområde {entry['primary_area']!r} is not in the "
                    f"mellanområde {entry.get('intermediate_area')!r}"
                )
        aliases = entry.get("aliases", [])
        if not isinstance(aliases, list) or not all(
            isinstance(a, str) and a.strip() for a in aliases
        ):
            raise GeographyDataError(f"{where}: aliases must be a list of names")
        return _Row(
            {"name": entry["name"].strip()},
            {
                "kind": entry["kind"],
                "aliases": [a.strip() for a in aliases],
                "district": district,
                "intermediate_area": intermediate_area,
                "primary_area": primary_area,
                "source": entry["source"],
            },
        )

    def _sync(self, model: type[models.Model], label: str, rows: list[_Row]) -> list[Any]:
        """``update_or_create`` for a whole file at once; returns the rows' objects in order.

        Existing rows are read in one query and new ones inserted in one, so that loading
        stays cheap in every test that needs the geography. A row is written only when it is
        missing or, with ``overwrite``, differs from the file.
        """
        if not rows:
            return []
        key_fields, many_fields = tuple(rows[0].key), tuple(rows[0].many)
        existing = {
            tuple(getattr(obj, f) for f in key_fields): obj
            for obj in model.objects.prefetch_related(*many_fields)
        }
        objects, created, seen = [], [], set()
        for row in rows:
            key = tuple(row.key[f] for f in key_fields)
            if key in seen:
                raise GeographyDataError(f"{label}: {row.key} appears twice")
            seen.add(key)
            obj = existing.get(key)
            if obj is None:
                obj = model(**row.key, **row.values)
                _validate(obj, label, row.key)
                created.append((obj, row))
            else:
                self.summary.add(label, self._update(obj, label, row))
            objects.append(obj)
        try:
            model.objects.bulk_create([obj for obj, _ in created])
        except IntegrityError as exc:
            # Another unique field (a place's name, say) repeats in the file or the database.
            raise GeographyDataError(f"{label}: {exc}") from exc
        for name in many_fields:
            # One insert per kind of link, through the many-to-many table itself.
            m2m = model._meta.get_field(name)
            source, target = f"{m2m.m2m_field_name()}_id", f"{m2m.m2m_reverse_field_name()}_id"
            m2m.remote_field.through.objects.bulk_create(
                [
                    m2m.remote_field.through(**{source: obj.pk, target: related.pk})
                    for obj, row in created
                    for related in row.many[name]
                ]
            )
        self.summary.add(label, Outcome.CREATED, len(created))
        return objects

    def _update(self, obj: models.Model, label: str, row: _Row) -> Outcome:
        changed = [name for name, value in row.values.items() if _differs(obj, name, value)]
        changed_many = [
            name
            for name, related in row.many.items()
            if {o.pk for o in getattr(obj, name).all()} != {r.pk for r in related}
        ]
        if not changed and not changed_many:
            return Outcome.UNCHANGED
        if not self.overwrite:
            return Outcome.KEPT
        for name in changed:
            setattr(obj, name, row.values[name])
        if changed:
            _validate(obj, label, row.key)
            try:
                obj.save(update_fields=changed)
            except IntegrityError as exc:
                raise GeographyDataError(f"{label} {row.key}: {exc}") from exc
        for name in changed_many:
            getattr(obj, name).set(row.many[name])
        return Outcome.UPDATED


def _validate(obj: models.Model, label: str, key: dict[str, Any]) -> None:
    # Uniqueness is left to the database (one error for the whole insert) and links point at
    # rows this load has just read or written, so neither costs a query per row here.
    links = [f.name for f in obj._meta.concrete_fields if f.is_relation]
    try:
        obj.full_clean(exclude=links, validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        raise GeographyDataError(f"{label} {key}: {exc.message_dict}") from exc


def _differs(obj: models.Model, name: str, value: Any) -> bool:
    model_field = obj._meta.get_field(name)
    if model_field.is_relation:
        return getattr(obj, model_field.attname) != (value.pk if value is not None else None)
    return getattr(obj, name) != value
