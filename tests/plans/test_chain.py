"""The whole chain on real PostgreSQL, through the pages: reports → problem → causes →
priority (with its breakdown) → plan → measure linked to the problem → both signatures →
follow-ups → progress figures, and the public medborgarlöfte shows exactly the public measures.
"""

import re
from datetime import date
from decimal import Decimal

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.choices import Confidentiality
from accounts.models import AuditEvent
from incidents.choices import ReportStatus
from plans.choices import PlanStatus
from plans.models import ActionPlan, Cause, Measure, PriorityDecision, Problem


def test_it_walks_from_reports_to_the_public_promise(
    client,
    make_report,
    centrum,
    organisations,
    social_centrum,
    police_centrum,
    manager_social_centrum,
    manager_police_centrum,
):
    # Reports: four shared with the partnership, one the police keep to themselves.
    reports = [
        make_report(description=f"Langning vid Brunnsparken {i}", hours_ago=24 * i, severity=3)
        for i in range(1, 5)
    ]
    reports.append(
        make_report(
            organisation="lpo_city",
            confidentiality=Confidentiality.ORGANISATION,
            description="Polisens egen iakttagelse",
            severity=4,
        )
    )
    brunnsparken = centrum.places.get(slug="brunnsparken")

    # The social services analyst ticks four reports in the list and starts a problem.
    client.force_login(social_centrum)
    listing = client.get(reverse("incidents:report_list"))
    assert 'form="trygg-report-linking"' in listing.content.decode()
    ticked = [r.pk for r in reports[:4]]
    start = client.post(reverse("plans:problem_create"), {"start": "1", "report": ticked})
    assert start.status_code == 200
    assert start.context["form"].initial["district"] == centrum.pk
    created = client.post(
        reverse("plans:problem_create"),
        {
            "district": centrum.pk,
            "title": "Öppen narkotikahandel vid Brunnsparken kvällstid",
            "situation": "Langning vid hållplatserna, mest efter 20.",
            "places": [brunnsparken.pk],
            "influence": "4",
            "influence_reason": "Platsägaren vill samarbeta.",
            "report": ticked,
        },
    )
    problem = Problem.objects.get()
    assert created["Location"] == reverse("plans:problem_detail", args=[problem.pk])
    assert set(problem.reports.values_list("pk", flat=True)) == set(ticked)
    assert all(
        status == ReportStatus.LINKED for status in problem.reports.values_list("status", flat=True)
    )

    # The police analyst links the police's own report to it from the list too.
    client.force_login(police_centrum)
    client.post(
        reverse("plans:problem_link_reports"), {"problem": problem.pk, "report": [reports[4].pk]}
    )
    assert problem.reports.count() == 5

    # Cause analysis: the crime triangle and two causes.
    analysis = reverse("plans:problem_analysis", args=[problem.pk])
    form = client.get(analysis).context["form"]
    response = client.post(
        analysis,
        {
            "version": problem.version,
            "seen": form.initial["seen"],
            "offender": "Grupper av säljare, delvis unga",
            "handler": "Fältassistenter, föräldrar",
            "target": "Köpare och resenärer",
            "guardian": "Väktare, spårvagnspersonal",
            "place": "Mörka hörn bakom hållplatsen",
            "place_manager": "Västtrafik, fastighetsägaren",
            "causes-TOTAL_FORMS": "2",
            "causes-INITIAL_FORMS": "0",
            "causes-MIN_NUM_FORMS": "0",
            "causes-MAX_NUM_FORMS": "1000",
            "causes-0-description": "Dålig belysning bakom hållplatsen",
            "causes-0-kind": "situational",
            "causes-0-horizon": "short",
            "causes-0-side": "place",
            "causes-1-description": "Rekrytering av unga till försäljning",
            "causes-1-kind": "social",
            "causes-1-horizon": "long",
            "causes-1-side": "offender",
        },
    )
    assert response.status_code == 302
    lighting = Cause.objects.get(description__startswith="Dålig belysning")

    # Resident concern for the district and year.
    client.post(
        reverse("plans:resident_concern"),
        {
            "district": centrum.pk,
            "year": timezone.localdate().year,
            "level": "4",
            "basis": "Trygghetsundersökningen",
        },
    )

    # The priority: every criterion shown, the points add up to the score.
    page = client.get(reverse("plans:problem_detail", args=[problem.pk]))
    score = page.context["score"]
    assert sum(c.points for c in score.components) == score.total > 0
    by_criterion = {c.criterion: c for c in score.components}
    # The reports shared in the partnership count; the police's own one does not, since the
    # priority is the same for social services, who may not read it.
    assert by_criterion["frequency"].inputs["reports"] == 4
    assert by_criterion["concern"].inputs["level"] == 4
    assert by_criterion["influence"].inputs["level"] == 4
    html = page.content.decode()
    assert 'id="trygg-breakdown-problem"' in html
    # The curve counts only what the viewer may read: the police analyst reads all five.
    assert sum(point.count for point in page.context["curve"]) == 5
    client.force_login(social_centrum)
    social_curve = client.get(reverse("plans:problem_detail", args=[problem.pk])).context["curve"]
    assert sum(point.count for point in social_curve) == 4

    # The quarterly review: the analyst records the decision with a reason.
    decide = reverse("plans:priority_decide", args=["centrum", problem.pk])
    client.post(decide, {f"p{problem.pk}-level": "prioritised", f"p{problem.pk}-reason": "Störst"})
    decision = PriorityDecision.objects.get()
    assert decision.score == score.total
    assert decision.rank == 1
    assert decision.weights.version == 1

    # The plan, drafted by the analyst, with a public measure and an internal one.
    client.post(
        reverse("plans:plan_create"),
        {
            "district": centrum.pk,
            "period_start": date(timezone.localdate().year, 1, 1),
            "period_end": date(timezone.localdate().year, 12, 31),
            "social_services": organisations["sf_centrum"].pk,
            "police": organisations["lpo_city"].pk,
            "summary": "Knutpunkterna först.",
        },
    )
    plan = ActionPlan.objects.get()
    year = timezone.localdate().year
    for title, public, target_value, responsible in (
        ("Bättre belysning bakom hållplatsen", True, "10", "bostad"),
        ("Polisens närvaro kvällstid", False, "200", "lpo_city"),
    ):
        response = client.post(
            reverse("plans:measure_create", args=[plan.pk]),
            {
                "title": title,
                "responsible": organisations[responsible].pk,
                "problems": [problem.pk],
                "causes": [lighting.pk],
                "target": f"Minst {target_value}",
                "target_direction": "at_least",
                "target_value": target_value,
                "target_unit": "st",
                "start_date": f"{year}-01-01",
                "end_date": f"{year}-12-31",
                "is_public": "on" if public else "",
                "public_text": "Vi sätter upp ny belysning vid hållplatsen." if public else "",
            },
        )
        assert response.status_code == 302, response.content.decode()
    public_measure = Measure.objects.get(is_public=True)
    internal_measure = Measure.objects.get(is_public=False)
    assert list(public_measure.problems.all()) == [problem]

    # Both signatures, each by a manager of an owner, from the plan page.
    for manager in (manager_social_centrum, manager_police_centrum):
        client.force_login(manager)
        digest = client.get(reverse("plans:plan_detail", args=[plan.pk])).context["digest"]
        client.post(reverse("plans:plan_sign", args=[plan.pk]), {"digest": digest})
    plan.refresh_from_db()
    assert plan.status == PlanStatus.AGREED
    assert plan.revisions.get().number == 1

    # Follow-ups: the lighting is done and met its target; the presence is under way.
    client.force_login(police_centrum)
    today = timezone.localdate().isoformat()
    client.post(
        reverse("plans:follow_up_create", args=[public_measure.pk]),
        {"date": today, "status": "done", "indicator_value": "12", "note": "Klart"},
    )
    client.post(
        reverse("plans:follow_up_create", args=[internal_measure.pk]),
        {"date": today, "status": "started", "indicator_value": "80"},
    )

    # Progress at a glance.
    progress = client.get(reverse("plans:plan_detail", args=[plan.pk])).context["progress"]
    counts = {status: count for status, _label, count in progress.by_status}
    assert progress.total == 2
    assert counts["done"] == 1 and counts["started"] == 1
    assert (progress.targets_met, progress.with_target) == (1, 2)

    # The problem page shows its measures with their follow-ups next to the curve.
    problem_page = client.get(reverse("plans:problem_detail", args=[problem.pk]))
    assert {m.pk for m in problem_page.context["measures"]} == {
        public_measure.pk,
        internal_measure.pk,
    }
    assert "Klart" in problem_page.content.decode()

    # The public page, without login, shows exactly the public measure.
    public = Client().get(reverse("plans:public_district", args=["centrum"]))
    assert public.status_code == 200
    shown = [m.pk for p in public.context["promise"].plans for m in p.public_measures]
    assert shown == [public_measure.pk]
    body = public.content.decode()
    assert "Vi sätter upp ny belysning vid hållplatsen." in body
    assert "Polisens närvaro kvällstid" not in body
    assert "Langning" not in body and "Polisens egen" not in body  # never a report
    for person in (social_centrum, police_centrum, manager_social_centrum):
        assert person.username not in body  # never a name
    assert not re.search(r"Brunnsparken kvällstid", body)  # nor the internal problem

    # Every step left its audit entry.
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {
        "problem.created",
        "problem.reports_linked",
        "problem.analysis_updated",
        "resident_concern.created",
        "priority.decided",
        "plan.created",
        "measure.created",
        "plan.signed",
        "plan.agreed",
        "measure.followed_up",
        "report.linked",
    } <= actions
    assert Decimal(str(decision.breakdown["total"])) == decision.score
