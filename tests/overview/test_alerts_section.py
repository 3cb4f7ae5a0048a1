"""The trend alerts on the dashboards, and from an alert to a problem in one click."""

from django.urls import reverse

from analysis.alerts import last_complete_week
from analysis.models import Alert
from areas.models import IntermediateArea, PrimaryArea
from plans.models import Problem
from tests.analysis.conftest import make_alert

SECTION = 'id="analysis-alerts"'


def _alerts(centrum, hisingen):
    area = IntermediateArea.objects.filter(district=centrum).order_by("code").first()
    week = last_complete_week()  # the dashboards show the last four weeks from today
    return (
        make_alert(centrum, area=area, week=week, observed=31, expected=6.2, upper=13.0),
        make_alert(hisingen, week=week, observed=19, expected=8.0, upper=15.0),
        make_alert(
            centrum, week=week, alarm=False, method="too_little_data", expected=None, upper=None
        ),
    )


def test_it_lists_the_alarms_of_the_whole_city_to_a_coordinator(
    client, coordinator, police_centrum, centrum, hisingen
):
    area_alert, *_ = _alerts(centrum, hisingen)
    client.force_login(coordinator)
    html = client.get(reverse("overview:city")).content.decode()
    assert SECTION in html
    assert "31 rapporter mot väntade 6,2 (övre gräns 13): ovanligt många" in html
    assert "19 rapporter mot väntade 8,0" in html
    assert "För lite data för att bedöma" in html
    button = reverse("overview:alert_problem", args=[area_alert.pk])
    assert button not in html  # a coordinator names no problems
    client.force_login(police_centrum)
    assert button in client.get(reverse("overview:district", args=["centrum"])).content.decode()


def test_it_shows_district_staff_their_district_only(client, social_hisingen, centrum, hisingen):
    _alerts(centrum, hisingen)
    client.force_login(social_hisingen)
    html = client.get(reverse("overview:district", args=["hisingen"])).content.decode()
    assert SECTION in html and "19 rapporter" in html and "31 rapporter" not in html
    assert client.get(reverse("overview:district", args=["centrum"])).status_code == 404


def test_it_hides_the_section_from_partners(client, partner, centrum, hisingen, nordost):
    make_alert(nordost, week=last_complete_week())
    client.force_login(partner)
    response = client.get(reverse("overview:district", args=["nordost"]))
    assert response.status_code == 200 and SECTION not in response.content.decode()


def test_it_refuses_alerts_to_administrators_and_other_districts(
    client, administrator, social_hisingen, centrum, hisingen
):
    area_alert, *_ = _alerts(centrum, hisingen)
    client.force_login(administrator)
    assert client.get(reverse("overview:city")).status_code == 403
    assert client.get(reverse("overview:alert_problem", args=[area_alert.pk])).status_code == 404
    client.force_login(social_hisingen)
    assert client.get(reverse("overview:alert_problem", args=[area_alert.pk])).status_code == 404


def test_it_makes_a_problem_of_an_alert_and_links_it(client, police_centrum, centrum, hisingen):
    area_alert, *_ = _alerts(centrum, hisingen)
    url = reverse("overview:alert_problem", args=[area_alert.pk])
    client.force_login(police_centrum)
    form = client.get(url).context["form"]
    assert form.initial["district"] == centrum.pk
    assert area_alert.intermediate_area.name in form.initial["title"]
    assert "31 rapporter mot väntade 6,2" in form.initial["situation"]
    areas = set(
        PrimaryArea.objects.filter(intermediate_area=area_alert.intermediate_area).values_list(
            "pk", flat=True
        )
    )
    assert set(form.initial.get("primary_areas", [])) == areas
    data = {
        "district": centrum.pk,
        "title": form.initial["title"],
        "situation": form.initial["situation"],
        "primary_areas": sorted(areas)[:2],
    }
    response = client.post(url, data)
    assert response.status_code == 302, response.context["form"].errors if response.context else ""
    area_alert.refresh_from_db()
    problem = Problem.objects.get()
    assert area_alert.problem == problem and response.url.endswith(f"/{problem.pk}/")
    assert client.get(url).url.endswith(f"/{problem.pk}/")  # a second click goes to it
    assert Alert.objects.filter(problem__isnull=False).count() == 1
