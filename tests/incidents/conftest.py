from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone

from accounts.choices import Confidentiality
from incidents.choices import SourceKind
from incidents.models import Category, Report


@pytest.fixture
def category(db):
    return Category.objects.get(code="narkotikahandel")


def _local_midnight():
    return timezone.make_aware(datetime.combine(timezone.localdate(), time.min))


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
        hours_ago=None,
        **fields,
    ):
        if hours_ago is None:
            # An hour ago, but never before local midnight: tests that count "this month" or
            # "today" must not fail in the first hour of a day or a month.
            occurred_at = max(timezone.now() - timedelta(hours=1), _local_midnight())
        else:
            occurred_at = timezone.now() - timedelta(hours=hours_ago)
        if fields.get("primary_area") is not None:
            # As report_place nests them: a primärområde's report is in its mellanområde.
            fields.setdefault("intermediate_area", fields["primary_area"].intermediate_area)
        return Report.objects.create(
            category=fields.pop("category", category),
            occurred_at=occurred_at,
            district=geography[district] if district else None,
            organisation=organisations[organisation],
            confidentiality=confidentiality,
            description=description,
            source_kind=fields.pop("source_kind", SourceKind.FIELD_OBSERVATION),
            reporter=reporter,
            **fields,
        )

    return make


@pytest.fixture
def areas(geography):
    """Two mellanområden of Centrum, for the lägesbild draft's tests."""
    from areas.models import IntermediateArea

    named = {a.name: a for a in IntermediateArea.objects.defer("boundary")}
    return {"norra": named["Norra Centrum"], "haga": named["Olivedal-Haga-Annedal-Änggården"]}
