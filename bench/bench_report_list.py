"""The analysts' report list at 1 million reports, against raw SQL for the same page.

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres REDIS_URL=redis://127.0.0.1:6379/0 \
        .venv/bin/python bench/bench_report_list.py [--reports 1000000] [--keep]

Generates the reports with one INSERT … SELECT (seeded, spread over four years, the four
districts and all subcategories), then times, for a police analyst of Centrum: the first page,
a page far down (by cursor), two searches (one with more hits than the list ranks, shown
newest first; one ranked by relevance), a filtered page; each the median of several runs of the
whole Django view (session, access, filters, count, page, template) and of the raw SQL that
fetches the same 50 rows. Prints the ratio view / raw for each.
"""

import argparse
import statistics
import time

from _setup import bench_django

RUNS = 7


def generate(count: int) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM incidents_report")
        if cursor.fetchone()[0] >= count:
            return
        cursor.execute("TRUNCATE incidents_report CASCADE")
        cursor.execute("SELECT setseed(0.2026)")
        cursor.execute(
            """
            INSERT INTO incidents_report (
                created_at, updated_at, category_id, occurred_at, district_id, placed_by,
                place_text, source_kind, organisation_id, description, severity,
                confidentiality, status, external_id)
            SELECT now(), now(),
                   (SELECT array_agg(id) FROM incidents_category WHERE parent_id IS NOT NULL)
                       [1 + (i %% 25)],
                   now() - (random() * interval '1460 days'),
                   d.ids[1 + (i %% 4)],
                   'point', 'Plats ' || (i %% 500),
                   CASE WHEN i %% 3 = 0 THEN 'police_event' ELSE 'field_observation' END,
                   o.ids[1 + (i %% array_length(o.ids, 1))],
                   'Genererad rapport ' || i || CASE WHEN i %% 97 = 0 THEN ' narkotika vid trappan'
                                                     ELSE ' stökigt vid hållplatsen' END,
                   1 + (i %% 4),
                   CASE WHEN i %% 10 = 0 THEN 'organisation' ELSE 'partnership' END,
                   'new', ''
            FROM generate_series(1, %s) AS i,
                 (SELECT array_agg(id ORDER BY code) AS ids FROM areas_district) AS d,
                 (SELECT array_agg(id ORDER BY id) AS ids FROM accounts_organisation) AS o
            """,
            [count],
        )
        cursor.execute("ANALYZE incidents_report")


def cast():
    from accounts.choices import OrganisationKind, Role
    from accounts.models import Membership, Organisation, User
    from areas.models import District

    city, _ = Organisation.objects.get_or_create(
        slug="sf-centrum",
        defaults={"name": "Socialförvaltning Centrum", "kind": OrganisationKind.SOCIAL_SERVICES},
    )
    police, _ = Organisation.objects.get_or_create(
        slug="lpo-city", defaults={"name": "LPO City", "kind": OrganisationKind.POLICE}
    )
    user, created = User.objects.get_or_create(username="bench.polis")
    if created:
        membership = Membership.objects.create(user=user, organisation=police, role=Role.ANALYST)
        membership.districts.set([District.objects.get(slug="centrum")])
    return user, city, police


def timed(function) -> float:
    samples = []
    for _ in range(RUNS):
        start = time.perf_counter()
        function()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--reports", type=int, default=1_000_000)
    parser.add_argument("--keep", action="store_true", help="reuse the generated rows")
    options = parser.parse_args()
    bench_django(fresh=not options.keep)

    from django.db import connection
    from django.db.models import Q
    from django.test import Client
    from django.test.utils import setup_test_environment

    from accounts.access import visibility_filter
    from areas.models import District
    from incidents.models import Category, Report
    from incidents.selectors.reports import report_filterset

    user, _city, _police = cast()
    started = time.perf_counter()
    generate(options.reports)
    print(f"{Report.objects.count():,} reports ready in {time.perf_counter() - started:.1f} s")

    setup_test_environment()  # so responses carry their template context
    client = Client()
    client.force_login(user)
    visible = Report.objects.filter(visibility_filter(user)).order_by("-occurred_at", "-id")
    deep = client.get("/rapporter/")
    for _ in range(200):  # 200 pages down: 10,000 rows
        cursor = deep.context["next_url"]
        deep = client.get("/rapporter/" + cursor)
    deep_url = "/rapporter/" + deep.context["next_url"]
    last = deep.context["page"].rows[-1]
    deep_queryset = visible.filter(occurred_at__lte=last.occurred_at).filter(
        Q(occurred_at__lt=last.occurred_at) | Q(id__lt=last.pk)
    )

    def raw(query, query_params):
        def run():
            with connection.cursor() as c:
                c.execute(query, query_params)
                c.fetchall()

        return run

    brott = Category.objects.get(code="brott")
    centrum = District.objects.get(slug="centrum")

    def searched(q, *, ranked):
        # The page query the view runs: the same words, names and visibility.
        filterset = report_filterset(user=user, params={"q": q})
        if ranked:
            return filterset.qs.annotate(relevance=filterset.relevance).order_by(
                "-relevance", "-occurred_at", "-id"
            )
        return filterset.qs.order_by("-occurred_at", "-id")

    cases = {
        "first page": ("/rapporter/", visible),
        "page 200 (by cursor)": (deep_url, deep_queryset),
        # The category Narkotikahandel and the word: more hits than are ranked.
        "search 'narkotika'": ("/rapporter/?q=narkotika", searched("narkotika", ranked=False)),
        "search, ranked": (
            "/rapporter/?q=narkotika+trappan",
            searched("narkotika trappan", ranked=True),
        ),
        "district + category": (
            "/rapporter/?district=centrum&category=brott",
            visible.filter(Q(category=brott) | Q(category__parent=brott), district=centrum),
        ),
    }
    print(f"{'case':<24} {'view ms':>9} {'raw ms':>9} {'ratio':>7}")
    for name, (url, queryset) in cases.items():
        assert client.get(url).status_code == 200
        view_time = timed(lambda url=url: client.get(url))
        query, query_params = queryset.values_list("id")[:50].query.sql_with_params()
        raw_time = timed(raw(query, query_params))
        print(
            f"{name:<24} {view_time * 1000:>9.1f} {raw_time * 1000:>9.1f} "
            f"{view_time / raw_time:>7.1f}"
        )


if __name__ == "__main__":
    main()
