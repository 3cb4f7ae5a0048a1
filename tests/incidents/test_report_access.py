"""Who may see a report, on every surface: list, search, detail, export, my reports."""

import pytest
from django.urls import reverse

from accounts.choices import Confidentiality
from accounts.models import AuditEvent

LIST = reverse("incidents:report_list")
EXPORT = reverse("incidents:report_export")
POLICE_ONLY_TEXT = "Spaning mot langningsplats hemlig"


@pytest.fixture
def police_only(make_report, police_centrum):
    return make_report(
        organisation="lpo_city",
        confidentiality=Confidentiality.ORGANISATION,
        description=POLICE_ONLY_TEXT,
        reporter=police_centrum,
    )


def surfaces(client, report):
    """What each surface shows of ``report``: True where the report appears."""
    listed = client.get(LIST)
    searched = client.get(LIST, {"q": "langningsplats"})
    exported = client.get(EXPORT)
    detail = client.get(reverse("incidents:report_detail", args=[report.pk]))
    export_body = (
        b"".join(exported.streaming_content).decode() if exported.status_code == 200 else ""
    )
    return {
        "list": listed.status_code == 200 and POLICE_ONLY_TEXT[:10] in _rows(listed),
        "search": searched.status_code == 200 and report in searched.context["page"].rows,
        "export": POLICE_ONLY_TEXT in export_body,
        "detail": detail.status_code == 200,
        "detail_status": detail.status_code,
    }


def _rows(response):
    return " ".join(r.description for r in response.context["page"].rows)


def test_it_shows_a_police_only_report_to_police_of_the_district(
    client, police_only, police_centrum
):
    client.force_login(police_centrum)
    seen = surfaces(client, police_only)
    assert seen == {
        "list": True,
        "search": True,
        "export": True,
        "detail": True,
        "detail_status": 200,
    }


@pytest.mark.parametrize("who", ["social_centrum", "coordinator", "social_hisingen"])
def test_it_hides_a_police_only_report_from_city_staff_on_every_surface(
    request, client, police_only, who
):
    client.force_login(request.getfixturevalue(who))
    seen = surfaces(client, police_only)
    assert seen == {
        "list": False,
        "search": False,
        "export": False,
        "detail": False,
        "detail_status": 404,
    }


def test_it_hides_the_other_districts_reports(client, make_report, social_hisingen):
    centrum_report = make_report(description="Klotter på Järntorget")
    client.force_login(social_hisingen)
    assert centrum_report not in client.get(LIST).context["page"].rows
    detail = client.get(reverse("incidents:report_detail", args=[centrum_report.pk]))
    assert detail.status_code == 404


@pytest.mark.parametrize("who", ["partner", "police_hisingen", "administrator", "outsider"])
def test_it_keeps_the_list_and_export_from_those_without_an_analyst_role(
    request, client, make_report, who
):
    make_report()
    client.force_login(request.getfixturevalue(who))
    assert client.get(LIST).status_code == 403
    assert client.get(EXPORT).status_code == 403


def test_it_sends_anonymous_visitors_to_log_in(client, police_only):
    for url in (LIST, EXPORT, reverse("incidents:report_detail", args=[police_only.pk])):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_it_shows_reporters_what_became_of_their_reports(
    client, make_report, police_hisingen, partner
):
    own = make_report(
        district="hisingen",
        organisation="lpo_hisingen",
        reporter=police_hisingen,
        description="Trasig belysning Vårväderstorget",
    )
    own.status = "dismissed"
    own.save()
    make_report(district="hisingen", organisation="lpo_hisingen", description="Någon annans")
    client.force_login(police_hisingen)
    page = client.get(reverse("incidents:my_reports"))
    assert list(page.context["page"].rows) == [own]
    assert "Avfärdad" in page.content.decode()
    client.force_login(partner)
    assert list(client.get(reverse("incidents:my_reports")).context["page"].rows) == []


def test_it_audits_reads_of_confidential_reports_and_every_export(
    client, police_only, police_centrum
):
    client.force_login(police_centrum)
    client.get(reverse("incidents:report_detail", args=[police_only.pk]))
    b"".join(client.get(EXPORT, {"district": "centrum"}).streaming_content)
    actions = list(AuditEvent.objects.filter(actor=police_centrum).values_list("action", flat=True))
    assert "report.viewed" in actions
    export = AuditEvent.objects.get(action="report.exported")
    assert export.details["filters"] == {"district": ["centrum"]}


def test_it_lets_only_district_analysts_review(
    client, make_report, social_centrum, police_hisingen
):
    report = make_report()
    url = reverse("incidents:report_status_change", args=[report.pk])
    client.force_login(police_hisingen)
    assert client.post(url, {"status": "reviewed"}).status_code == 404
    client.force_login(social_centrum)
    client.post(url, {"status": "reviewed"})
    report.refresh_from_db()
    assert report.status == "reviewed"
