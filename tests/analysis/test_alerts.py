"""The alerts service and selector on a small rollup history (``conftest.history``)."""

from datetime import timedelta

from accounts.choices import Confidentiality
from analysis.alerts import alerts_compute, alerts_visible, last_complete_week
from analysis.models import Alert, AlertLevel
from analysis.tasks import alerts_task
from tests.analysis.conftest import LATEST, TODAY, write_weeks


def _main(category):
    return category.parent or category


def _snapshot():
    return sorted(
        Alert.objects.values_list(
            "level", "district_id", "intermediate_area_id", "category_id", "week", "observed",
            "expected", "upper", "alarm", "method",
        )
    )  # fmt: skip


def test_it_knows_the_last_complete_week():
    assert last_complete_week(TODAY) == LATEST
    assert last_complete_week(LATEST) == LATEST - timedelta(weeks=1)


def test_it_alarms_on_the_planted_rise_in_the_area_and_its_district(
    history, centrum, hisingen, centrum_area, main_category
):
    assert alerts_compute(today=TODAY) >= 2
    alarms = Alert.objects.filter(alarm=True, week=LATEST)
    area = alarms.get(level=AlertLevel.INTERMEDIATE_AREA, intermediate_area=centrum_area)
    assert area.category == _main(main_category)
    assert area.observed == 30 and area.method == "farrington"
    assert 4 < area.expected < 8 < area.upper < 30 and area.p_value < 1e-4 and area.score > 1
    assert alarms.filter(level=AlertLevel.DISTRICT, district=centrum).exists()
    assert not alarms.filter(district=hisingen).exists()
    # every cell of the latest week is kept, with its method
    latest = Alert.objects.filter(week=LATEST)
    assert latest.filter(district=hisingen, level=AlertLevel.DISTRICT, method="farrington").exists()
    assert latest.filter(method="too_little_data", alarm=False).exists()
    # earlier weeks keep alarms only
    assert not Alert.objects.filter(week__lt=LATEST, alarm=False).exists()


def test_it_writes_the_same_rows_when_run_twice(history):
    alerts_compute(today=TODAY)
    first = _snapshot()
    alerts_compute(today=TODAY)
    assert _snapshot() == first


def test_it_keeps_the_problem_link_and_catches_up_a_week_later(history, problem):
    alerts_compute(today=TODAY)
    alert = Alert.objects.get(alarm=True, level=AlertLevel.INTERMEDIATE_AREA)
    alert.problem = problem
    alert.save()
    alerts_compute(today=TODAY + timedelta(weeks=1))
    alert.refresh_from_db()
    assert alert.problem == problem and alert.alarm
    assert Alert.objects.filter(week=LATEST + timedelta(weeks=1)).exists()
    assert not Alert.objects.filter(week=LATEST, alarm=False).exists()


def test_it_ignores_organisation_confidential_and_dismissed_reports(
    history, centrum, centrum_area, main_category, organisations
):
    alerts_compute(today=TODAY)
    before = _snapshot()
    for confidentiality, status in [
        (Confidentiality.ORGANISATION, "new"),
        (Confidentiality.PARTNERSHIP, "dismissed"),
    ]:
        write_weeks([50] * 10, district=centrum, area=centrum_area, category=main_category,
                    organisation=organisations["lpo_city"], confidentiality=confidentiality,
                    status=status)  # fmt: skip
    alerts_compute(today=TODAY)
    assert _snapshot() == before


def test_the_task_computes_the_alerts_of_the_last_complete_week(history):
    alerts_task.apply().get()
    assert Alert.objects.filter(week=last_complete_week(), method="farrington").exists()


def test_it_shows_alerts_only_to_who_reads_the_districts_shared_records(
    history, centrum, coordinator, police_centrum, social_centrum, social_hisingen, partner,
    administrator,
):  # fmt: skip
    alerts_compute(today=TODAY)
    assert alerts_visible(coordinator).exists()
    assert alerts_visible(police_centrum).filter(district=centrum).exists()
    assert alerts_visible(social_centrum).filter(district=centrum).exists()
    assert not alerts_visible(social_hisingen).filter(district=centrum).exists()
    for nobody in (partner, administrator):
        assert not alerts_visible(nobody, alarms_only=False).exists()


def test_the_beat_runs_the_task_hourly(settings):
    from trygg.celery import app

    entry = settings.CELERY_BEAT_SCHEDULE["analysis-alerts"]
    assert entry["task"] == "analysis.alerts" and entry["task"] in app.tasks
    assert entry["options"]["expires"] < entry["schedule"] == 3600
