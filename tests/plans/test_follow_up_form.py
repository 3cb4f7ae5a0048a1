"""A refused follow-up is shown again as typed, with its errors, and a GET on its address
leads to the form (issue #13: what was typed was wiped, and a GET answered 405)."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from plans.models import FollowUp


def test_it_shows_a_refused_follow_up_again_with_what_was_typed_and_why(
    client, agreed_plan, measure, police_centrum
):
    client.force_login(police_centrum)
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    response = client.post(
        reverse("plans:follow_up_create", args=[measure.pk]),
        {"date": tomorrow, "status": "started", "indicator_value": "37", "note": "Halvvägs där"},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Halvvägs där" in page
    assert 'value="37"' in page
    assert f'value="{tomorrow}"' in page
    assert response.context["follow_up_form"].errors["date"]
    assert "invalid-feedback" in page
    assert not FollowUp.objects.exists()


def test_it_shows_a_form_error_again_too(client, agreed_plan, measure, police_centrum):
    client.force_login(police_centrum)
    response = client.post(
        reverse("plans:follow_up_create", args=[measure.pk]),
        {"date": "inte ett datum", "status": "started", "note": "Behåll mig"},
    )
    assert response.status_code == 200
    assert "Behåll mig" in response.content.decode()
    assert response.context["follow_up_form"].errors["date"]


def test_a_get_on_the_follow_up_address_leads_to_the_form(
    client, agreed_plan, measure, police_centrum
):
    client.force_login(police_centrum)
    response = client.get(reverse("plans:follow_up_create", args=[measure.pk]))
    assert response.status_code == 302
    assert response["Location"] == (
        reverse("plans:measure_detail", args=[measure.pk]) + "#new-follow-up"
    )
    assert 'id="new-follow-up"' in client.get(response["Location"]).content.decode()


def test_a_valid_follow_up_is_recorded(client, agreed_plan, measure, police_centrum):
    client.force_login(police_centrum)
    response = client.post(
        reverse("plans:follow_up_create", args=[measure.pk]),
        {"date": timezone.localdate().isoformat(), "status": "started", "indicator_value": "80"},
    )
    assert response.status_code == 302
    assert FollowUp.objects.filter(measure=measure).count() == 1
