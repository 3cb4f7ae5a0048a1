"""The plans pages as people use them: conflicts shown field by field, the report list's
ticks, the review page, exports, the admin of the weights."""

from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.choices import Confidentiality
from accounts.models import AuditEvent
from plans.choices import MeasureStatus
from plans.models import Measure, PriorityWeights, ResidentConcern
from plans.services.measures import follow_up_create, measure_update
from plans.services.plans import plan_update
from plans.services.problems import problem_link_reports
from tests.plans.conftest import THIS_YEAR, measure_data_of


def _measure_post(measure, **overrides):
    data = {
        "title": measure.title,
        "responsible": measure.responsible_id,
        "problems": [p.pk for p in measure.problems.all()],
        "target": measure.target,
        "target_direction": measure.target_direction,
        "target_value": str(measure.target_value),
        "target_unit": measure.target_unit,
        "start_date": measure.start_date.isoformat(),
        "end_date": measure.end_date.isoformat(),
        "is_public": "on" if measure.is_public else "",
        "public_text": measure.public_text,
    }
    return data | overrides


def test_it_shows_what_the_other_person_changed_and_saves_on_the_second_try(
    client, measure, problem, social_centrum, police_centrum
):
    url = reverse("plans:measure_update", args=[measure.pk])
    client.force_login(social_centrum)
    form = client.get(url).context["form"]
    opened = {"version": form.initial["version"], "seen": form.initial["seen"]}
    measure_update(
        actor=police_centrum,
        measure=measure,
        version=1,
        data=measure_data_of(measure, title="Polisens titel", target="Polisens mål"),
    )

    response = client.post(url, _measure_post(measure, title="Vår titel") | opened)

    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="trygg-edit-conflict"' in html
    changes = {change.label: change for change in response.context["changes"]}
    assert set(changes) == {"Åtgärd", "Mål"}
    assert changes["Åtgärd"].seen == "Närvaro vid hållplatserna"
    assert changes["Åtgärd"].saved == "Polisens titel"
    assert 'value="Vår titel"' in html  # the user's entry is kept
    assert 'name="version" value="2"' in html
    measure.refresh_from_db()
    assert measure.title == "Polisens titel"

    form = response.context["form"]
    again = client.post(
        url,
        _measure_post(measure, title="Vår titel")
        | {"version": form.data["version"], "seen": form.data["seen"]},
    )
    assert again.status_code == 302
    measure.refresh_from_db()
    assert measure.title == "Vår titel"


def test_it_shows_a_plan_conflict_on_the_edit_page(client, plan, social_centrum, police_centrum):
    url = reverse("plans:plan_update", args=[plan.pk])
    client.force_login(social_centrum)
    form = client.get(url).context["form"]
    plan_update(actor=police_centrum, plan=plan, version=1, summary="Polisens", public_intro="")

    response = client.post(
        url,
        {"version": 1, "seen": form.initial["seen"], "summary": "Vår", "public_intro": ""},
    )

    assert [c.saved for c in response.context["changes"]] == ["Polisens"]


def test_it_asks_for_a_reason_to_change_an_agreed_plan(
    client, agreed_plan, measure, social_centrum
):
    url = reverse("plans:measure_update", args=[measure.pk])
    client.force_login(social_centrum)
    form = client.get(url).context["form"]
    locking = {"version": form.initial["version"], "seen": form.initial["seen"]}

    refused = client.post(url, _measure_post(measure, title="Ändrad") | locking)
    assert refused.status_code == 200
    assert "reason" in refused.context["form"].errors

    saved = client.post(url, _measure_post(measure, title="Ändrad", reason="Bättre") | locking)
    assert saved.status_code == 302
    revision = agreed_plan.revisions.get(number=2)
    page = client.get(reverse("plans:plan_revision", args=[agreed_plan.pk, 2]))
    assert "Bättre" in page.content.decode()
    assert page.context["changes"] == ["Åtgärden Ändrad: åtgärd har ändrats."]
    first = client.get(reverse("plans:plan_revision", args=[agreed_plan.pk, 1]))
    assert "Närvaro vid hållplatserna" in first.content.decode()  # the earlier text stays
    assert revision.reason == "Bättre"


def test_it_refuses_a_measure_without_a_problem_on_the_form(
    client, plan, organisations, social_centrum
):
    client.force_login(social_centrum)
    response = client.post(
        reverse("plans:measure_create", args=[plan.pk]),
        {
            "title": "Utan problem",
            "responsible": organisations["lpo_city"].pk,
            "target": "Något",
            "target_direction": "at_least",
            "start_date": f"{THIS_YEAR}-01-01",
            "end_date": f"{THIS_YEAR}-12-31",
        },
    )
    assert response.status_code == 200
    assert "minst ett problem" in response.content.decode()
    assert not Measure.objects.exists()


def test_it_offers_ticks_on_the_report_list_to_analysts_only(
    client, make_report, problem, social_centrum, coordinator
):
    make_report()
    client.force_login(social_centrum)
    html = client.get(reverse("incidents:report_list")).content.decode()
    assert 'form="trygg-report-linking"' in html
    assert problem.title in html  # the existing problem to link to
    htmx = client.get(reverse("incidents:report_list"), HTTP_HX_REQUEST="true").content.decode()
    assert 'id="trygg-report-linking"' in htmx

    client.force_login(coordinator)
    assert (
        "trygg-report-linking" not in client.get(reverse("incidents:report_list")).content.decode()
    )


def test_it_shows_the_reports_problems_to_those_who_may_read_them(
    client, make_report, problem, social_centrum, reporter_centrum, partner
):
    mine = make_report(reporter=partner, organisation="bostad")
    shared = make_report(reporter=reporter_centrum)
    problem_link_reports(actor=social_centrum, problem=problem, report_ids=[mine.pk, shared.pk])
    link = reverse("plans:problem_detail", args=[problem.pk])

    client.force_login(reporter_centrum)
    assert link in client.get(reverse("incidents:report_detail", args=[shared.pk])).content.decode()
    assert link in client.get(reverse("incidents:my_reports")).content.decode()
    client.force_login(partner)
    detail = client.get(reverse("incidents:report_detail", args=[mine.pk])).content.decode()
    assert link not in detail and problem.title not in detail
    mine_page = client.get(reverse("incidents:my_reports"))
    assert link not in mine_page.content.decode()
    assert mine_page.context["page"].rows[0].status == "linked"  # the status, as feedback


def test_it_answers_htmx_with_the_problem_rows(client, problem, social_centrum):
    client.force_login(social_centrum)
    response = client.get(
        reverse("plans:problem_list"), {"district": "centrum"}, HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert "<html" not in html and problem.title in html


def test_it_records_decisions_in_the_current_quarter_only(client, problem, social_centrum):
    url = reverse("plans:priority_review", args=["centrum"])
    client.force_login(social_centrum)
    page = client.get(url)
    assert page.context["rows"][0]["problem"] == problem
    assert page.context["rows"][0]["form"] is not None
    assert "trygg-breakdown-" in page.content.decode()

    past = client.get(url, {"quarter": f"{THIS_YEAR - 1}-1"})
    assert past.context["rows"][0]["form"] is None

    response = client.post(
        reverse("plans:priority_decide", args=["centrum", problem.pk]),
        {f"p{problem.pk}-level": "watch", f"p{problem.pk}-reason": "Vi bevakar"},
        follow=True,
    )
    assert response.context["rows"][0]["decision"].reason == "Vi bevakar"
    no_reason = client.post(
        reverse("plans:priority_decide", args=["centrum", problem.pk]),
        {f"p{problem.pk}-level": "watch"},
    )
    assert no_reason.status_code == 302
    assert problem.priority_decisions.count() == 1


def test_it_corrects_the_resident_concern_of_a_year(client, centrum, social_centrum):
    client.force_login(social_centrum)
    url = reverse("plans:resident_concern")
    for level in ("2", "4"):
        client.post(url, {"district": centrum.pk, "year": THIS_YEAR, "level": level, "basis": "E"})
    concern = ResidentConcern.objects.get()
    assert concern.level == 4
    page = client.get(url, {"district": "centrum", "year": THIS_YEAR})
    assert page.context["form"].initial["level"] == 4


# --- Exports -------------------------------------------------------------------------------------


def test_it_exports_an_agreed_plan_as_pdf_and_audits_it(client, agreed_plan, police_centrum):
    client.force_login(police_centrum)
    response = client.get(reverse("plans:plan_pdf", args=[agreed_plan.pk]))
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")
    assert "attachment" in response["Content-Disposition"]
    assert AuditEvent.objects.filter(
        action="plan.exported", object_id=str(agreed_plan.pk), details__format="pdf"
    ).exists()


def test_it_exports_the_measures_with_their_latest_follow_up_as_csv(
    client, agreed_plan, measure, police_centrum
):
    follow_up_create(
        actor=police_centrum, measure=measure, date=date(THIS_YEAR, 1, 2), status="started"
    )
    follow_up_create(
        actor=police_centrum,
        measure=measure,
        date=timezone.localdate(),
        status=MeasureStatus.STARTED,
        indicator_value=250,
        note='=HYPERLINK("http://evil")',
    )
    client.force_login(police_centrum)

    response = client.get(reverse("plans:plan_csv", args=[agreed_plan.pk]))

    body = b"".join(response.streaming_content).decode()
    assert body.startswith("\ufeff")
    lines = body.strip().splitlines()
    assert len(lines) == 2  # header and the one measure
    assert "Närvaro vid hållplatserna" in lines[1]
    assert timezone.localdate().isoformat() in lines[1]  # the latest follow-up, not the first
    assert ",250," in lines[1] and ",ja," in lines[1]
    assert "'=HYPERLINK" in lines[1]
    assert AuditEvent.objects.filter(action="plan.exported", details__format="csv").exists()


def test_it_has_no_exports_of_a_draft(client, plan, measure, police_centrum):
    client.force_login(police_centrum)
    assert client.get(reverse("plans:plan_pdf", args=[plan.pk])).status_code == 404
    assert client.get(reverse("plans:plan_csv", args=[plan.pk])).status_code == 404


# --- The weights in the admin --------------------------------------------------------------------


@pytest.fixture
def admin_user(db):
    from accounts.models import User

    return User.objects.create_superuser("root", password="test-password-123")


def test_it_makes_a_new_weights_version_for_each_change_in_the_admin(client, admin_user):
    client.force_login(admin_user)
    add = reverse("admin:plans_priorityweights_add")
    assert client.get(add).context["adminform"].form.initial["frequency"] == 25

    response = client.post(
        add,
        {
            "frequency": 30,
            "trend": 10,
            "severity": 10,
            "concern": 15,
            "vulnerability": 10,
            "influence": 25,
            "frequency_full_at": 40,
            "note": "Frekvensen väger tyngre",
        },
    )

    assert response.status_code == 302
    assert list(PriorityWeights.objects.values_list("version", "frequency")) == [
        (2, 30),
        (1, 25),
    ]
    assert AuditEvent.objects.filter(action="priority_weights.created").exists()
    first = PriorityWeights.objects.get(version=1)
    change = reverse("admin:plans_priorityweights_change", args=[first.pk])
    client.post(change, {"frequency": 99})
    first.refresh_from_db()
    assert first.frequency == 25
    delete = reverse("admin:plans_priorityweights_delete", args=[first.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert PriorityWeights.objects.count() == 2

    wrong = client.post(
        add,
        {
            "frequency": 50,
            "trend": 50,
            "severity": 50,
            "concern": 0,
            "vulnerability": 0,
            "influence": 0,
            "frequency_full_at": 50,
        },
    )
    assert wrong.status_code == 200
    assert PriorityWeights.objects.count() == 2


def test_it_keeps_police_only_reports_out_of_the_social_analysts_curve(
    client, make_report, problem, police_centrum, social_centrum
):
    police_only = make_report(
        organisation="lpo_city",
        confidentiality=Confidentiality.ORGANISATION,
        description="Hemlig iakttagelse",
    )
    problem_link_reports(actor=police_centrum, problem=problem, report_ids=[police_only.pk])
    client.force_login(social_centrum)
    page = client.get(reverse("plans:problem_detail", args=[problem.pk]))
    assert sum(point.count for point in page.context["curve"]) == 0
    assert page.context["report_count"] == 0
    assert "Hemlig" not in page.content.decode()


def test_it_audits_the_police_only_reports_a_problem_page_lists(
    client, problem, police_centrum, social_centrum, organisations, category
):
    from incidents.models import Report
    from plans.models import ProblemReport

    secret = Report.objects.create(
        category=category,
        occurred_at=timezone.now(),
        district=problem.district,
        organisation=organisations["lpo_city"],
        confidentiality=Confidentiality.ORGANISATION,
        description="Langning i trapphuset",
    )
    ProblemReport.objects.create(problem=problem, report=secret)
    client.force_login(social_centrum)  # the city's analyst does not see the police's report
    client.get(reverse("plans:problem_detail", args=[problem.pk]))
    assert not AuditEvent.objects.filter(action="report.listed").exists()
    client.force_login(police_centrum)
    client.get(reverse("plans:problem_detail", args=[problem.pk]))
    (event,) = AuditEvent.objects.filter(action="report.listed")
    assert event.actor == police_centrum
    assert event.details["ids"] == [secret.pk]
    assert event.details["problem"] == problem.pk


def test_it_starts_a_problems_curve_at_its_first_linked_report(
    client, make_report, problem, social_centrum
):
    from plans.selectors.problems import problem_report_curve

    assert len(problem_report_curve(problem=problem, user=social_centrum)) == 24  # none linked
    linked = make_report(hours_ago=24 * 70)
    problem_link_reports(actor=social_centrum, problem=problem, report_ids=[linked.pk])
    curve = problem_report_curve(problem=problem, user=social_centrum)
    assert curve[0].month == timezone.localtime(linked.occurred_at).date().replace(day=1)
    assert curve[0].count == 1 and curve[-1].month == timezone.localdate().replace(day=1)
    client.force_login(social_centrum)
    page = client.get(reverse("plans:problem_detail", args=[problem.pk]))
    assert 'class="trygg-chart-narrow"' in page.content.decode()
