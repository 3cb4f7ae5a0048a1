"""A report's history in words, with people's names and organisations (issue #13: it showed
``report.created`` and usernames)."""

from django.urls import reverse

from accounts.services import audit_record
from incidents.history import ACTION_LABELS, report_history
from incidents.services.reports import report_set_status


def test_it_says_what_happened_in_swedish_with_full_names_and_organisations(
    client, make_report, police_centrum, social_centrum
):
    police_centrum.first_name, police_centrum.last_name = "Pia", "Polis"
    police_centrum.save()
    social_centrum.first_name, social_centrum.last_name = "Sara", "Social"
    social_centrum.save()
    report = make_report(reporter=police_centrum, organisation="lpo_city")
    audit_record(action="report.created", actor=police_centrum, target=report)
    report_set_status(actor=social_centrum, report=report, status="reviewed")
    audit_record(action="report.something_new", actor_label="Partnersystemet", target=report)

    client.force_login(social_centrum)
    page = client.get(reverse("incidents:report_detail", args=[report.pk])).content.decode()
    history = page[page.index('id="trygg-history-heading"') :]
    for shown in ("Inlämnad", "Granskad", "Ändrad", "Pia Polis", "Sara Social", "Partnersystemet"):
        assert shown in history, shown
    assert "LPO City" in history
    for hidden in ("report.", police_centrum.username, social_centrum.username):
        assert hidden not in history, hidden


def test_it_labels_every_status_a_report_can_be_given(db):
    from incidents.choices import ReportStatus

    for status in ReportStatus.values:
        assert f"report.{status}" in ACTION_LABELS


def test_it_reads_a_long_history_in_three_queries(
    make_report, police_centrum, django_assert_max_num_queries
):
    report = make_report()
    for _ in range(20):
        audit_record(action="report.viewed", actor=police_centrum, target=report)
    with django_assert_max_num_queries(3):
        rows = report_history(report=report)
    assert len(rows) == 20
