"""What the correction tests share: the URLs, the places, the cast and their reports."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.api.services import api_client_create
from accounts.choices import ApiScope, Confidentiality
from accounts.models import AuditEvent
from areas.models import Place, PrimaryArea
from incidents.models import Category
from tests.accounts.test_access import PEOPLE

LIST = reverse("incidents:report_list")


def placement_url(report):
    return reverse("incidents:report_placement_correct", args=[report.pk])


def category_url(report):
    return reverse("incidents:report_category_correct", args=[report.pk])


def api_url(report):
    return f"/api/v1/reports/{report.pk}/correction/"


@pytest.fixture
def brunnsparken(geography):
    return Place.objects.get(slug="brunnsparken")


@pytest.fixture
def redbergsplatsen(geography):
    # A place with a primary area (Brunnsparken has none).
    return Place.objects.get(slug="redbergsplatsen")


@pytest.fixture
def hisingen_area(hisingen):
    return PrimaryArea.objects.filter(district=hisingen).order_by("code").first()


@pytest.fixture
def klotter(db):
    return Category.objects.get(code="klotter")


def corrections_of(report) -> list[AuditEvent]:
    return list(
        AuditEvent.objects.filter(
            object_id=str(report.pk),
            action__in=["report.place_corrected", "report.category_corrected"],
        ).order_by("id")
    )


@pytest.fixture
def cast(request, organisations, centrum, nordost):
    people = {name: request.getfixturevalue(name) for name in PEOPLE}

    def token(name, organisation, districts):
        created = api_client_create(
            name=name,
            organisation=organisations[organisation],
            scopes=[ApiScope.REPORTS_READ, ApiScope.REPORTS_WRITE],
            districts=districts,
            expires_at=timezone.now() + timedelta(days=30),
        )
        # The token to send, for the API's tests.
        created.client.sent_token = created.token
        return created.client

    people["police_token"] = token("lpo-city-system", "lpo_city", [centrum])
    people["bostad_token"] = token("bostad-system", "bostad", [nordost])
    return people


@pytest.fixture
def reports(make_report, partner):
    return {
        "centrum_social": make_report(),
        "centrum_police_only": make_report(
            organisation="lpo_city", confidentiality=Confidentiality.ORGANISATION
        ),
        "hisingen_social": make_report(district="hisingen", organisation="sf_hisingen"),
        "unplaced_police": make_report(district=None, organisation="lpo_city"),
        "unplaced_social_centrum": make_report(district=None),
        "nordost_bostad": make_report(
            district="nordost", organisation="bostad", confidentiality=Confidentiality.ORGANISATION
        ),
        "filed_by_partner_for_police": make_report(
            organisation="lpo_city", confidentiality=Confidentiality.ORGANISATION, reporter=partner
        ),
    }
