from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEvent
from incidents.models import Report

URL = reverse("incidents:report_create")


@pytest.fixture
def form_data(category, organisations):
    return {
        "organisation": organisations["sf_centrum"].pk,
        "category": category.pk,
        "occurred_at": (timezone.localtime() - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        "description": "Langning vid trappan, flera personer",
        "place_name": "Brunnsparken",
        "severity": "3",
        "confidentiality": "partnership",
    }


def test_it_files_a_report_and_shows_it(client, social_centrum, form_data, centrum):
    client.force_login(social_centrum)
    response = client.post(URL, form_data)
    report = Report.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("incidents:report_detail", args=[report.pk])
    assert (report.district, report.place.name, report.severity) == (centrum, "Brunnsparken", 3)
    assert report.reporter == social_centrum
    page = client.get(response["Location"]).content.decode()
    assert "Langning vid trappan" in page


def test_it_offers_the_form_with_the_time_set_to_now(client, social_centrum):
    client.force_login(social_centrum)
    html = client.get(URL).content.decode()
    assert timezone.localtime().strftime("%Y-%m-%dT") in html
    assert 'list="trygg-place-names"' in html
    assert "Brunnsparken" in html  # the place suggestions


def test_it_tells_the_reporter_it_removed_an_identity_number(client, social_centrum, form_data):
    client.force_login(social_centrum)
    form_data["description"] = "Mannen 19811218+9876 sålde"
    response = client.post(URL, form_data, follow=True)
    assert "9876" not in Report.objects.get().description
    html = response.content.decode()
    assert "personnummer" in html
    assert AuditEvent.objects.get(action="report.created").details == {"masked_identity_numbers": 1}


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"latitude": "59.33", "longitude": "18.07"}, "latitude", "utanför Göteborg"),
        ({"latitude": "57.70"}, "latitude", "både latitud och longitud"),
        ({"occurred_at": "2999-01-01T10:00"}, "occurred_at", "framtiden"),
        ({"category": "999999"}, "category", "Välj en kategori"),
        ({"description": "x" * 4001}, "description", "för lång"),
        ({"description": ""}, "description", "obligatoriskt"),
        ({"place_name": "Atlantis"}, "place_name", "Atlantis"),
        ({"occurred_at": "i går"}, "occurred_at", "giltig"),
    ],
)
def test_it_explains_each_bad_input_in_swedish_and_keeps_what_was_typed(
    client, social_centrum, form_data, changes, field, message
):
    client.force_login(social_centrum)
    form_data |= changes
    response = client.post(URL, form_data)
    assert response.status_code == 422
    html = response.content.decode()
    errors = response.context["form"].errors
    assert field in errors, errors
    assert message.lower() in " ".join(errors[field]).lower()
    assert f'id="id_{field}_error"' in html
    # Nothing typed is lost: the other fields come back as they were.
    if field != "description":
        assert form_data["description"][:20] in html
    assert not Report.objects.exists()


def test_it_refuses_the_form_to_those_who_may_not_file(client, coordinator, administrator):
    for user in (coordinator, administrator):
        client.force_login(user)
        assert client.get(URL).status_code == 403
