"""The overview API tests' fixtures: the reports of ``cast.REPORTS`` folded into the rollups,
a token, and a caller for each principal of the cast."""

import pytest

from accounts.choices import ApiScope
from areas.models import PrimaryArea
from incidents.choices import ReportStatus
from incidents.models import Category
from overview.services.rollup import rollup_changes
from tests.api.overview.cast import REPORTS, URL, noon_hours_ago


@pytest.fixture
def reports(make_report, geography):
    """The reports above, a dismissed one (never counted), folded into the rollups."""
    categories = {category.code: category for category in Category.objects.all()}
    areas = {
        slug: PrimaryArea.objects.filter(district=district).order_by("code").first()
        for slug, district in geography.items()
    }
    for district, organisation, level, category, source, days_ago, count, in_area in REPORTS:
        for n in range(count):
            make_report(
                district=district,
                organisation=organisation,
                confidentiality=level,
                category=categories[category],
                source_kind=source,
                primary_area=areas[district] if in_area and district else None,
                severity=1 + n % 4,
                hours_ago=noon_hours_ago(days_ago),
            )
    make_report(status=ReportStatus.DISMISSED, hours_ago=noon_hours_ago(1))
    rollup_changes()
    return areas


@pytest.fixture
def overview_client(make_api_client):
    """Bostadsbolaget's statistics system: overview:read in Nordost."""
    return make_api_client("bostad-statistik", scopes=(ApiScope.OVERVIEW_READ,))


@pytest.fixture
def call(api, request):
    """``call(who, **query)``: GET the counts as a person of the cast (by fixture name), as
    ``"token"`` (``overview_client``), or as ``"anonymous"``; parameters that are None are
    left out."""

    def get(who, **query):
        query = {name: value for name, value in query.items() if value is not None}
        api.logout()
        headers = {}
        if who == "token":
            headers = request.getfixturevalue("overview_client").headers
        elif who != "anonymous":
            api.force_login(request.getfixturevalue(who))
        return api.get(URL, query, headers=headers)

    return get
