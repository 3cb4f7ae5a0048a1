"""Report search in Swedish: compounds, names of categories and areas, ranking, hostile input,
and what a searcher may not see."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from accounts.choices import Confidentiality
from areas.models import Place, PrimaryArea
from incidents.choices import PlacedBy
from incidents.filtersets import ReportFilterSet
from incidents.models import Category, Report
from incidents.views import reports as report_views

LIST = reverse("incidents:report_list")
EXPORT = reverse("incidents:report_export")


def found(client, q, **params):
    response = client.get(LIST, {"q": q, **params})
    assert response.status_code == 200
    return response.context["page"].rows


@pytest.fixture
def categories(db):
    return {c.code: c for c in Category.objects.all()}


@pytest.fixture
def in_area(make_report, categories):
    """A report of ``category`` placed at a place, in a primärområde, or by its text only."""

    def make(category, *, place=None, primary_area=None, description="Misstänkt langning", **kw):
        place = Place.objects.get(slug=place) if place else None
        area = PrimaryArea.objects.get(code=primary_area) if primary_area else None
        if place is not None:
            area = place.primary_area
        district = place.district if place else (area.district if area else None)
        return make_report(
            category=categories[category],
            district=district.slug if district else None,
            place=place,
            primary_area=area,
            place_text=place.name if place else (area.name if area else ""),
            placed_by=PlacedBy.PLACE if (place or area) else PlacedBy.UNPLACED,
            description=description,
            **kw,
        )

    return make


def test_a_word_finds_compounds_that_start_with_it(client, make_report, categories, social_centrum):
    compound = make_report(
        category=categories["storande-grupper"], description="Narkotikaförsäljning vid trappan"
    )
    make_report(category=categories["storande-grupper"], description="Handel med cyklar")
    client.force_login(social_centrum)
    assert found(client, "narkotika") == [compound]
    # A word inside a compound is not found: only the start of a word.
    assert found(client, "försäljning") == []


def test_narkotika_finds_the_narkotikahandel_reports_by_their_category(
    client, make_report, categories, social_centrum
):
    # The demo's texts say "langning", never "narkotika": the category name must carry it.
    drugs = make_report(category=categories["narkotikahandel"], description="Misstänkt langning")
    make_report(category=categories["belysning"], description="Trasig lampa")
    client.force_login(social_centrum)
    assert found(client, "narkotika") == [drugs]
    assert found(client, "Narkotikahandel") == [drugs]
    # A main category's name finds its subcategories.
    assert found(client, "brott") == [drugs]


def test_the_search_hints_own_example_finds_drug_reports_placed_in_hjallbo(
    client, in_area, coordinator
):
    hint = ReportFilterSet.base_filters["q"].extra["help_text"]
    with translation.override("sv"):
        example = re.search(r"t\.ex\. (.+?)\.", str(hint))[1]
    assert example == "narkotika Hjällbo"
    at_place = in_area("narkotikahandel", place="hjallbo-centrum")
    in_primary_area = in_area("narkotikahandel", primary_area="612")
    by_text = in_area("narkotikahandel", description="Langning vid busshållplatsen i Hjällbo")
    in_area("narkotikahandel", place="angered-centrum")  # drugs elsewhere
    in_area("belysning", place="hjallbo-centrum", description="Trasig lampa")  # not drugs
    client.force_login(coordinator)
    assert set(found(client, example)) == {at_place, in_primary_area, by_text}


def test_area_district_and_place_names_are_searchable(client, in_area, coordinator):
    hjallbo = in_area("klotter", primary_area="612")  # mellanområde Södra Angered
    frolunda = in_area("klotter", place="frolunda-torg")
    client.force_login(coordinator)
    assert found(client, "Södra Angered") == [hjallbo]  # the primärområde's mellanområde
    assert found(client, "Nordost") == [hjallbo]  # the district
    assert found(client, "Frölundatorg") == [frolunda]  # a place's other name
    assert found(client, "klotter frölunda") == [frolunda]


def test_words_are_anded(client, in_area, coordinator):
    in_area("narkotikahandel", place="hjallbo-centrum")
    client.force_login(coordinator)
    assert found(client, "narkotika Frölunda") == []


def test_case_does_not_matter_but_a_a_and_o_are_letters_of_their_own(client, in_area, coordinator):
    report = in_area("klotter", place="hjallbo-centrum", description="Klotter i tunneln")
    client.force_login(coordinator)
    assert found(client, "HJÄLLBO") == found(client, "hjällbo") == [report]
    # In Swedish ä is not an a with an accent: "hjallbo" is another word, as "har" is not "här".
    assert found(client, "hjallbo") == []


def test_the_best_match_comes_first(client, make_report, categories, social_centrum):
    hours = iter(range(1, 100))

    def report(category, description):
        return make_report(
            category=categories[category], description=description, hours_ago=next(hours)
        )

    # Newest first: the order of relevance must come from the match, not from time.
    text_compound_only = report("storande-grupper", "Narkotikaförsäljning i trappan")
    text_word_only = report("storande-grupper", "Narkotika i trappan")
    category_only = report("narkotikahandel", "Misstänkt langning")
    category_and_word = report("narkotikahandel", "Narkotika och langning vid porten")
    client.force_login(social_centrum)
    assert found(client, "narkotika") == [
        category_and_word,
        category_only,
        text_word_only,
        text_compound_only,
    ]
    newest = found(client, "narkotika", ordering="-occurred_at")
    assert newest == [text_compound_only, text_word_only, category_only, category_and_word]


def test_it_pages_through_ranked_hits_once_each_in_order(
    client, organisations, geography, categories, social_centrum
):
    now = timezone.now()
    Report.objects.bulk_create(
        Report(
            category=categories["narkotikahandel" if i % 3 else "klotter"],
            occurred_at=now - timedelta(minutes=i % 7),  # many equal times: ties by id
            district=geography["centrum"],
            organisation=organisations["sf_centrum"],
            description="Narkotika " * (i % 4) + f"rapport {i}",
            source_kind="field_observation",
        )
        for i in range(130)
    )
    client.force_login(social_centrum)
    seen, relevance, url = [], [], LIST + "?q=narkotika"
    while url:
        response = client.get(url if url.startswith("/") else LIST + url)
        rows = response.context["page"].rows
        seen += [r.pk for r in rows]
        relevance += [(r.relevance, r.occurred_at, r.pk) for r in rows]
        url = response.context["next_url"]
    expected = Report.objects.filter(description__icontains="narkotika") | Report.objects.filter(
        category__code="narkotikahandel"
    )
    assert len(seen) == len(set(seen)) == expected.count()
    assert relevance == sorted(relevance, reverse=True)


def test_too_many_hits_come_newest_first_and_the_page_says_so(
    client, make_report, social_centrum, monkeypatch
):
    monkeypatch.setattr(report_views, "COUNT_CAP", 2)
    old = make_report(description="Narkotika narkotika narkotika", hours_ago=5)
    new = make_report(description="Narkotikaförsäljning", hours_ago=1)
    middle = make_report(description="Narkotika", hours_ago=3)
    client.force_login(social_centrum)
    response = client.get(LIST, {"q": "narkotika"})
    assert response.context["page"].rows == [new, middle, old]
    assert "nyaste visas först" in response.content.decode()


def test_the_export_follows_the_ranking(client, make_report, categories, social_centrum):
    make_report(category=categories["klotter"], description="Narkotika nämns", hours_ago=1)
    make_report(category=categories["narkotikahandel"], description="Langning", hours_ago=2)
    client.force_login(social_centrum)
    body = b"".join(client.get(EXPORT, {"q": "narkotika"}).streaming_content).decode()
    assert body.index("Langning") < body.index("Narkotika nämns")


HOSTILE = [
    ":*",
    "&",
    "!",
    "'",
    "(",
    "narkotika:*",
    "narkotika & | ! ( ) <-> :* 'x'",
    "'; DROP TABLE incidents_report; --",
    "\\",
    "%_%",
    'narkotika"',
    "x² ½ ⅓ 🙂",
    "a:b:c",
    "-narkotika",
    "narkotika <2> handel",
    "ö" * 200,
    "och i på",
    "   ",
]


@pytest.mark.parametrize("q", HOSTILE)
def test_hostile_input_is_searched_as_words_never_as_syntax(
    client, make_report, categories, social_centrum, q
):
    make_report(category=categories["klotter"], description="Narkotika vid porten")
    client.force_login(social_centrum)
    assert client.get(LIST, {"q": q}).status_code == 200
    assert client.get(EXPORT, {"q": q}).status_code == 200


def test_syntax_characters_around_a_word_do_not_change_what_it_finds(
    client, make_report, categories, social_centrum
):
    report = make_report(category=categories["klotter"], description="Narkotika vid porten")
    client.force_login(social_centrum)
    for q in ["narkotika:*", "!narkotika", "(narkotika)", "'narkotika'", "narkotika & porten"]:
        assert found(client, q) == [report], q
    # Only stop words: nothing to search for, so nothing is found.
    assert found(client, "och i på") == []


def test_a_police_only_report_is_never_found_by_social_services(
    client, in_area, make_report, categories, police_centrum, social_centrum, social_hisingen
):
    police_only = make_report(
        organisation="lpo_city",
        confidentiality=Confidentiality.ORGANISATION,
        category=categories["narkotikahandel"],
        description="Narkotika spaning",
    )
    shared = make_report(category=categories["narkotikahandel"], description="Langning")
    client.force_login(police_centrum)
    assert set(found(client, "narkotika")) == {police_only, shared}
    client.force_login(social_centrum)
    response = client.get(LIST, {"q": "narkotika spaning"})
    assert response.context["page"].rows == [] and response.context["count"] == 0
    assert found(client, "narkotika") == [shared]
    body = b"".join(client.get(EXPORT, {"q": "narkotika"}).streaming_content).decode()
    assert "spaning" not in body
    client.force_login(social_hisingen)  # another district
    assert found(client, "narkotika") == []


def test_a_search_runs_the_same_queries_for_10_and_1000_hits(
    client, organisations, geography, categories, social_centrum
):
    def add(count):
        Report.objects.bulk_create(
            Report(
                category=categories["narkotikahandel"],
                occurred_at=timezone.now() - timedelta(minutes=i),
                district=geography["centrum"],
                organisation=organisations["sf_centrum"],
                description=f"Narkotika {i}",
                source_kind="field_observation",
            )
            for i in range(count)
        )

    client.force_login(social_centrum)
    client.get(LIST)  # caches what the first request of a process looks up

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(LIST, {"q": "narkotika centrum"}).status_code == 200
        return len(captured.captured_queries)

    add(10)
    small = queries()
    add(990)
    assert queries() == small
