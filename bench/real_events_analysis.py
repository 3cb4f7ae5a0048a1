"""The trend alerts and the hotspots (issue #12) run once on the real police events of
Göteborg, four years of them, to see what they find.

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres REDIS_URL=redis://127.0.0.1:6379/0 \\
    TRYGG_BENCH_DATABASE=trygg_real_events \\
        .venv/bin/python bench/real_events_analysis.py [--file PATH] [--weeks 52] [--top 20]

Not a benchmark: a run on demand that prints findings. In a fresh database of its own
(``TRYGG_BENCH_DATABASE``, dropped and created anew, as the benchmarks do; migrated, with
``load_geography``), it

1. imports the file (default ``../shared/data/polisen_events_goteborg_2022-09_2026-08.json``)
   with the project's own importer (``police_events_import_file``, the service behind
   ``manage.py import_polisen_events``) as the reports of one police organisation. The
   importer files every event as it always does: partnership-level (``Confidentiality.
   PARTNERSHIP``), status "new", category from the event type, placed by the place names in
   its summary (never the feed's coordinates, the municipality's centre). So the imported
   events count in the analysis as they are, nothing is changed for this run; only those
   placed in a district reach the alerts, only those in a mellanområde the hotspots. Then it
   rebuilds the rollups (``rollup_full``) and prints how many events were imported, placed,
   and per main category;
2. runs the trend alerts (``alerts_compute(today=…, weeks=…)``) retrospectively over the last
   ``--weeks`` ISO weeks of the data, ``today`` being the Monday after the week of the last
   event, and prints the cells, how every cell-week was judged (Farrington, fallback, "för
   lite data"), the alarms by level, category and district, and the top alarms;
3. runs the hotspots (``hotspots_for`` as a coordinator, who reads the whole city: all 36
   mellanområden) for all categories and for each main category, per year (four periods of
   12 months from 1 September 2022) and for the whole four years, and prints which analyses
   had enough data and which mellanområden were hotspots.

The findings of the run of 2026-12-01 are in ``bench/README.md``.
"""

import argparse
import time
from collections import Counter, defaultdict
from datetime import date, timedelta
from pathlib import Path

from _setup import BASE_DIR, bench_django

DEFAULT_FILE = BASE_DIR.parent / "shared" / "data" / "polisen_events_goteborg_2022-09_2026-08.json"
FIRST_YEAR = date(2022, 9, 1)
LEVELS = {"district": "stadsområde", "intermediate_area": "mellanområde"}
YEARS = 4


def heading(text: str) -> None:
    print(f"\n== {text} ==", flush=True)


def organisations():
    """The police organisation the events are imported for, and a coordinator who reads the
    partnership records of the whole city."""
    from accounts.choices import OrganisationKind, Role
    from accounts.models import Membership, Organisation, User

    police, _ = Organisation.objects.get_or_create(
        slug="polisen-goteborg",
        defaults={"name": "Polisen Göteborg", "kind": OrganisationKind.POLICE},
    )
    city, _ = Organisation.objects.get_or_create(
        slug="goteborgs-stad", defaults={"name": "Göteborgs Stad", "kind": OrganisationKind.OTHER}
    )
    user, created = User.objects.get_or_create(username="real.samordnare")
    if created:
        Membership.objects.create(user=user, organisation=city, role=Role.COORDINATOR)
    return police, user


def main_categories() -> dict[int, str]:
    from incidents.models import Category

    return dict(
        Category.objects.filter(parent__isnull=True).order_by("code").values_list("pk", "name")
    )


def import_events(police, path: Path) -> None:
    from django.db.models import Count, F, Q
    from django.db.models.functions import Coalesce
    from django.utils import timezone

    from incidents.models import Report
    from incidents.services.imports import police_events_import_file
    from overview.services.rollup import rollup_full

    heading(f"Import of {path.name}")
    started = time.perf_counter()
    run, summary = police_events_import_file(organisation=police, path=path)
    print(f"import run {run.pk} in {time.perf_counter() - started:.1f} s")
    for line in summary.lines():
        print(f"  {line}")
    started = time.perf_counter()
    rollup = rollup_full()
    print(
        f"rollups rebuilt in {time.perf_counter() - started:.1f} s "
        f"({rollup.reports_read} reports read, {rollup.rows_written} rows written)"
    )

    reports = Report.objects.filter(organisation=police)
    totals = reports.aggregate(
        all=Count("pk"),
        district=Count("pk", filter=Q(district__isnull=False)),
        area=Count("pk", filter=Q(intermediate_area__isnull=False)),
        primary=Count("pk", filter=Q(primary_area__isnull=False)),
        partnership=Count("pk", filter=Q(confidentiality="partnership")),
    )
    first, last = (
        reports.order_by(field).values_list("occurred_at", flat=True).first()
        for field in ("occurred_at", "-occurred_at")
    )
    print(
        f"\n{totals['all']} reports, occurred {first:%Y-%m-%d} to {last:%Y-%m-%d}; "
        f"{totals['partnership']} partnership-level (all counted by the analysis when placed)"
    )
    print(
        f"  placed in a district {totals['district']} ({totals['district'] / totals['all']:.0%}), "
        f"in a mellanområde {totals['area']} ({totals['area'] / totals['all']:.0%}), "
        f"in a primärområde {totals['primary']}; "
        f"unplaced {totals['all'] - totals['district']}"
    )
    months = Counter(
        timezone.localtime(at).strftime("%Y-%m")
        for at in reports.values_list("occurred_at", flat=True)
    )
    per_year = [
        sum(
            n
            for month, n in months.items()
            if start.isoformat()[:7] <= month <= end.isoformat()[:7]
        )
        for _, start, end in periods()[:YEARS]
    ]
    print(
        f"  per 12 months from September 2022: {', '.join(map(str, per_year))}; months with "
        "fewer than 10: "
        + ", ".join(f"{month} ({n})" for month, n in sorted(months.items()) if n < 10)
    )
    placed_by = Counter(dict(reports.values_list("placed_by").annotate(n=Count("pk"))))
    print("  placed by: " + ", ".join(f"{k} {v}" for k, v in placed_by.most_common()))
    by_district = reports.values_list("district__name").annotate(n=Count("pk")).order_by("-n")
    print("  per district: " + ", ".join(f"{name or '(none)'} {n}" for name, n in by_district))

    names = main_categories()
    rows = (
        reports.annotate(main_id=Coalesce(F("category__parent_id"), F("category_id")))
        .values("main_id")
        .annotate(
            n=Count("pk"),
            district=Count("pk", filter=Q(district__isnull=False)),
            area=Count("pk", filter=Q(intermediate_area__isnull=False)),
        )
        .order_by("-n")
    )
    print("\nper main category: all / in a district / in a mellanområde")
    for row in rows:
        print(f"  {names[row['main_id']]:<28} {row['n']:5} {row['district']:5} {row['area']:5}")
    subcategories = (
        reports.values_list("category__name")
        .annotate(n=Count("pk"))
        .order_by("-n", "category__name")
    )
    print("per category: " + ", ".join(f"{name} {n}" for name, n in subcategories))
    return last


def area_names() -> tuple[dict, dict, dict]:
    from areas.models import District, IntermediateArea

    districts = dict(District.objects.values_list("pk", "name"))
    areas = dict(IntermediateArea.objects.values_list("pk", "name"))
    return districts, areas, main_categories()


def alerts(last_event, weeks: int, top: int) -> None:
    from django.utils import timezone

    from analysis import farrington
    from analysis.alerts import (
        alerts_compute,
        cell_matrix,
        last_complete_week,
        week_start,
        weekly_counts,
    )
    from analysis.models import Alert, AlertLevel

    last_day = timezone.localtime(last_event).date()
    today = week_start(last_day) + timedelta(weeks=1)
    latest = last_complete_week(today)
    first_evaluated = latest - timedelta(weeks=weeks - 1)
    heading(
        f"Trend alerts, {weeks} weeks {first_evaluated} to {latest} "
        f"(today = {today}, the Monday after the last event's week)"
    )
    districts, areas, categories = area_names()

    # How each cell-week was judged: alerts_compute stores only the alarms and the latest
    # week, so the same evaluation is run here for the tally (the fits cost little).
    started = time.perf_counter()
    cells = cell_matrix(weekly_counts(latest), latest)
    columns = [
        t
        for t in range(cells.counts.shape[1])
        if cells.first_week + timedelta(weeks=t) >= first_evaluated
    ]
    methods: dict[str, Counter] = defaultdict(Counter)
    alarms_tally = 0
    quiet = []  # the cell-weeks with enough data that did not alarm, for the near misses
    for t in columns:
        result = farrington.evaluate_week(cells.counts, t)
        for k, key in enumerate(cells.keys):
            methods[key[0]][result.method[k]] += 1
            alarms_tally += bool(result.alarm[k])
            if result.method[k] != farrington.TOO_LITTLE_DATA and not result.alarm[k]:
                quiet.append((result.p_value[k], t, key, result, k))
    levels = Counter(key[0] for key in cells.keys)
    print(
        f"{len(cells.keys)} cells ({levels[AlertLevel.DISTRICT]} district × main category, "
        f"{levels[AlertLevel.INTERMEDIATE_AREA]} mellanområde × main category), "
        f"{cells.counts.shape[1]} weeks of data from {cells.first_week}, "
        f"{len(columns)} weeks evaluated = {len(cells.keys) * len(columns)} cell-weeks"
    )
    for level in (AlertLevel.DISTRICT, AlertLevel.INTERMEDIATE_AREA):
        rows = [k for k, key in enumerate(cells.keys) if key[0] == level]
        window = cells.counts[rows][:, columns]
        judged = methods[level]
        total = sum(judged.values())
        print(
            f"  {LEVELS[level]}: {total} cell-weeks; "
            + ", ".join(
                f"{method} {judged[method]} ({judged[method] / total:.0%})"
                for method in (
                    farrington.FARRINGTON,
                    farrington.FALLBACK,
                    farrington.TOO_LITTLE_DATA,
                    farrington.NO_HISTORY,
                )
                if judged[method]
            )
        )
        print(
            f"    reports per cell-week in the evaluated weeks: mean {window.mean():.2f}, "
            f"max {window.max()}; cell-weeks with 0 reports {(window == 0).mean():.0%}, "
            f"with 3 or more (the least that may alarm) {(window >= 3).mean():.1%}"
        )
        busiest = rows[int(window.mean(axis=1).argmax())]
        _, district_id, area_id, category_id = cells.keys[busiest]
        print(
            f"    busiest cell: {areas[area_id] if area_id else districts[district_id]}, "
            f"{categories[category_id]}, {window.mean(axis=1).max():.2f} reports a week"
        )

    stored = alerts_compute(today=today, weeks=weeks)
    print(
        f"alerts_compute: {stored} alarms in {time.perf_counter() - started:.1f} s "
        f"(the tally above counts {alarms_tally})"
    )
    alarmed = list(
        Alert.objects.filter(alarm=True, week__gte=first_evaluated, week__lte=latest).order_by(
            "p_value", "-score"
        )
    )
    by_level = Counter(alert.level for alert in alarmed)
    print(
        "alarms by level: "
        + ", ".join(f"{label} {by_level[value]}" for value, label in LEVELS.items())
    )
    by_category = Counter((alert.level, categories[alert.category_id]) for alert in alarmed)
    for value, label in LEVELS.items():
        listed = sorted(
            ((name, n) for (level, name), n in by_category.items() if level == value),
            key=lambda item: (-item[1], item[0]),
        )
        print(f"  {label}, by category: " + (", ".join(f"{c} {n}" for c, n in listed) or "none"))
    by_district = Counter(districts[alert.district_id] for alert in alarmed)
    print(
        "  by district (both levels): "
        + ", ".join(f"{d} {n}" for d, n in by_district.most_common())
    )
    sustained = sum(alert.sustained for alert in alarmed)
    print(f"  of which on the four weeks' sum only (a rise that lasts): {sustained}")
    print(
        f"\ntop {min(top, len(alarmed))} alarms (smallest p first): week, where, category, "
        "observed / expected / upper; four weeks observed / expected / upper"
    )
    for alert in alarmed[:top]:
        where = (
            f"{areas[alert.intermediate_area_id]} ({districts[alert.district_id]})"
            if alert.intermediate_area_id
            else districts[alert.district_id]
        )
        four = (
            f"{alert.observed_4w} / {alert.expected_4w:.1f} / {alert.upper_4w:.0f}"
            if alert.expected_4w is not None
            else "–"
        )
        print(
            f"  {alert.week}  {where:<34} {categories[alert.category_id]:<24} "
            f"{alert.observed:3} / {alert.expected:5.2f} / {alert.upper:3.0f};  4w {four};  "
            f"p {alert.p_value:.1e}{'  (sustained)' if alert.sustained else ''}"
        )
    near = [item for item in quiet if item[3].observed[item[4]] >= farrington.MIN_OBSERVED]
    zero = sum(item[3].expected[item[4]] < 0.05 for item in quiet)
    print(
        f"\nof the {len(quiet)} cell-weeks judged (enough data) without an alarm, {zero} had an "
        "expected count below 0.05; "
        f"{len(near)} had {farrington.MIN_OBSERVED} or more events, the least that may alarm:"
    )
    for _, t, key, result, k in sorted(near, key=lambda item: item[0])[:top]:
        _, district_id, area_id, category_id = key
        where = (
            f"{areas[area_id]} ({districts[district_id]})" if area_id else districts[district_id]
        )
        print(
            f"  {cells.first_week + timedelta(weeks=t)}  {where:<34} {categories[category_id]:<24} "
            f"{int(result.observed[k]):3} / {result.expected[k]:5.2f} / {result.upper[k]:3.0f};  "
            f"4w {int(result.observed_4w[k])} / {result.expected_4w[k]:.1f} / "
            f"{result.upper_4w[k]:.0f};  p {result.p_value[k]:.2g}; "
            + (
                f"fewer than {farrington.LIMIT_REPORTS} in four weeks"
                if result.observed_4w[k] < farrington.LIMIT_REPORTS
                else "not above the bounds"
            )
        )
    latest_rows = Counter((row.level, row.method) for row in Alert.objects.filter(week=latest))
    print(
        f"\nthe latest week ({latest}) as a dashboard would show it: "
        + ", ".join(
            f"{LEVELS[level]} {method} {n}" for (level, method), n in sorted(latest_rows.items())
        )
    )


def periods() -> list[tuple[str, date, date]]:
    years = [
        (
            f"{FIRST_YEAR.year + i}-09 to {FIRST_YEAR.year + i + 1}-08",
            FIRST_YEAR.replace(year=FIRST_YEAR.year + i),
            FIRST_YEAR.replace(year=FIRST_YEAR.year + i + 1) - timedelta(days=1),
        )
        for i in range(YEARS)
    ]
    return [*years, ("whole four years", years[0][1], years[-1][2])]


def hotspots(user) -> None:
    from incidents.models import Category
    from overview.selectors.hotspots import hotspots_for

    heading("Hotspots (coordinator: the whole city's mellanområden)")
    mains = list(Category.objects.filter(parent__isnull=True).order_by("code"))
    summary, found_bases = [], []
    for label, start, end in periods():
        print(f"\n-- {label} ({start} to {end}) --")
        for category in [None, *mains]:
            name = category.name if category else "all categories"
            analysis = hotspots_for(user, period=(start, end), category=category)
            with_reports = sum(row.count > 0 for row in analysis.rows)
            line = (
                f"  {name:<26} {analysis.total:4} reports in {with_reports:2} of "
                f"{len(analysis.rows)} mellanområden; "
            )
            if not analysis.enough_data:
                print(line + f"too little data (fewer than {analysis.min_reports} reports)")
                summary.append((label, name, analysis.total, None))
                continue
            found = analysis.hotspots
            found_bases += [(label, name, row.name, row.basis) for row in found]
            summary.append((label, name, analysis.total, len(found)))
            print(line + f"φ {analysis.dispersion:.2f}; {len(found)} hotspots")
            for row in found:
                print(
                    f"      {row.name} ({row.district}): {row.count} against {row.expected:.1f} "
                    f"expected ({row.count / row.expected:.1f}×), q {row.q:.2g}, "
                    f"basis {row.basis}, {row.rate:.1f}/km²"
                )
    bases = Counter(basis for *_, basis in found_bases)
    print(
        f"\nhotspot rows in all: {sum(bases.values())}, by what made them one: "
        + ", ".join(f"{basis} {n}" for basis, n in bases.most_common())
    )
    heading("Hotspots in short: reports (hotspots; '–' too little data)")
    labels = [label for label, *_ in periods()]
    names = ["all categories", *[category.name for category in mains]]
    cell = {(label, name): (total, found) for label, name, total, found in summary}
    print(" " * 26 + "".join(f"{label[:16]:>18}" for label in labels))
    for name in names:
        row = ""
        for label in labels:
            total, found = cell[(label, name)]
            row += f"{f'{total} ({found})' if found is not None else f'{total} (–)':>18}"
        print(f"{name:<26}{row}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--file", type=Path, default=DEFAULT_FILE)
    parser.add_argument("--weeks", type=int, default=52, help="weeks of alerts to evaluate")
    parser.add_argument("--top", type=int, default=20, help="alarms to list")
    options = parser.parse_args()
    if not options.file.is_file():
        raise SystemExit(f"No such file: {options.file}")
    started = time.perf_counter()
    bench_django(fresh=True)
    print(f"fresh database, migrated, geography loaded in {time.perf_counter() - started:.0f} s")

    from django.db import connection

    police, user = organisations()
    last_event = import_events(police, options.file)
    alerts(last_event, options.weeks, options.top)
    hotspots(user)
    connection.close()
    print(f"\ndone in {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
