from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.choices import Confidentiality
from incidents.choices import SourceKind
from incidents.models import Category, Report


@pytest.fixture
def category(db):
    return Category.objects.get(code="narkotikahandel")


@pytest.fixture
def make_report(geography, organisations, category):
    """Writes a report straight to the table (the services are tested on their own)."""

    def make(
        *,
        district="centrum",
        organisation="sf_centrum",
        confidentiality=Confidentiality.PARTNERSHIP,
        description="Langning vid torget på kvällen",
        reporter=None,
        hours_ago=1,
        **fields,
    ):
        return Report.objects.create(
            category=fields.pop("category", category),
            occurred_at=timezone.now() - timedelta(hours=hours_ago),
            district=geography[district] if district else None,
            organisation=organisations[organisation],
            confidentiality=confidentiality,
            description=description,
            source_kind=fields.pop("source_kind", SourceKind.FIELD_OBSERVATION),
            reporter=reporter,
            **fields,
        )

    return make
