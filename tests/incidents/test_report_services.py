from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.models import AuditEvent
from areas.models import Place
from core.exceptions import DomainError
from core.identity_numbers import MASK
from incidents.choices import PlacedBy, ReportStatus
from incidents.services.reports import report_create, report_set_status


@pytest.fixture
def file_report(social_centrum, organisations, category):
    def file(**changes):
        arguments = {
            "actor": social_centrum,
            "organisation": organisations["sf_centrum"],
            "category": category,
            "occurred_at": timezone.now() - timedelta(hours=2),
            "description": "Grupp ungdomar vid torget",
        } | changes
        return report_create(**arguments)

    return file


@pytest.mark.parametrize(
    "number",
    ["811218-9876", "811218+9876", "19811218-9876", "19811218+9876", "198112189876", "811278-9873"],
)
def test_it_masks_identity_numbers_before_saving(file_report, number):
    written = file_report(description=f"Mannen {number} sålde vid Brunnsparken")
    written.report.refresh_from_db()
    assert written.masked_identity_numbers == 1
    assert number not in written.report.description
    assert MASK in written.report.description
    event = AuditEvent.objects.get(action="report.created", object_id=str(written.report.pk))
    assert event.details == {"masked_identity_numbers": 1}
    assert number not in str(event.details)


def test_it_places_a_report_by_its_point(file_report, geography):
    report = file_report(latitude=Decimal("57.76960"), longitude=Decimal("12.02210")).report
    assert report.district == geography["nordost"]
    assert report.placed_by == PlacedBy.POINT


def test_it_refuses_a_point_outside_gothenburg(file_report):
    with pytest.raises(ValidationError) as error:
        file_report(latitude=Decimal("59.33"), longitude=Decimal("18.07"))
    assert "latitude" in error.value.error_dict


def test_it_places_a_report_by_its_place(file_report, geography):
    place = Place.objects.get(name="Frölunda torg")
    report = file_report(place=place).report
    assert (report.district, report.place_text) == (geography["sydvast"], "Frölunda torg")


def test_it_places_a_report_by_a_name_in_its_text(file_report, geography):
    report = file_report(description="Bilbrand i Hjällbo i natt").report
    assert report.district == geography["nordost"]
    assert report.placed_by == PlacedBy.GAZETTEER


def test_it_keeps_a_report_it_cannot_place(file_report):
    report = file_report(description="Något hände någonstans").report
    assert report.district is None
    assert report.placed_by == PlacedBy.UNPLACED


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"occurred_at": timezone.now() + timedelta(hours=2)}, "occurred_at"),
        (
            {
                "occurred_at": timezone.now() - timedelta(hours=1),
                "occurred_until": timezone.now() - timedelta(hours=3),
            },
            "occurred_until",
        ),
        ({"description": "x" * 4001}, "description"),
        ({"severity": 5}, "severity"),
    ],
)
def test_it_refuses_bad_input_naming_the_field(file_report, changes, field):
    with pytest.raises(ValidationError) as error:
        file_report(**changes)
    assert field in error.value.error_dict


def test_it_refuses_a_category_no_longer_in_use(file_report, category):
    category.is_active = False
    category.save()
    with pytest.raises(ValidationError) as error:
        file_report()
    assert "category" in error.value.error_dict


def test_it_refuses_to_file_for_an_organisation_one_does_not_belong_to(
    file_report, police_centrum, coordinator
):
    for actor in (police_centrum, coordinator):
        with pytest.raises(DomainError):
            file_report(actor=actor)


def test_it_lets_only_the_districts_analysts_review(
    file_report, police_centrum, social_hisingen, police_hisingen
):
    report = file_report(description="Vid Järntorget").report
    for outsider in (social_hisingen, police_hisingen):
        with pytest.raises(DomainError):
            report_set_status(actor=outsider, report=report, status=ReportStatus.REVIEWED)
    reviewed = report_set_status(actor=police_centrum, report=report, status=ReportStatus.REVIEWED)
    assert reviewed.status == ReportStatus.REVIEWED
    assert AuditEvent.objects.filter(action="report.reviewed", actor=police_centrum).exists()
    with pytest.raises(DomainError) as error:
        report_set_status(actor=police_centrum, report=reviewed, status=ReportStatus.REVIEWED)
    assert error.value.code == "invalid_transition"
