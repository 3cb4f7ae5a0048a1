import pytest
from django.core.management import CommandError, call_command

from accounts.access import access_for
from accounts.models import Membership, Organisation, User

# A few weeks of reports are enough here (the default is four years, for the analysis: see
# test_demo_planted.py).
DAYS = 60


def test_it_creates_the_demo_users_once(geography, settings):
    settings.TRYGG_DEMO = True
    call_command("seed_demo", verbosity=0, days=DAYS)
    counts = (User.objects.count(), Organisation.objects.count(), Membership.objects.count())
    call_command("seed_demo", verbosity=0, days=DAYS)
    assert (
        User.objects.count(),
        Organisation.objects.count(),
        Membership.objects.count(),
    ) == counts
    assert set(User.objects.values_list("username", flat=True)) == {
        "samordnare",
        "polis.centrum",
        "social.centrum",
        "social.hisingen",
        "partner.bostad",
        "chef.polis.centrum",
        "chef.social.centrum",
    }
    user = User.objects.get(username="polis.centrum")
    assert user.check_password(settings.TRYGG_DEMO_PASSWORD)
    assert access_for(user).district_ids() == frozenset({geography["centrum"].pk})
    assert access_for(User.objects.get(username="samordnare")).is_coordinator


def test_it_refuses_to_run_in_production(geography, settings):
    settings.TRYGG_DEMO = False
    with pytest.raises(CommandError, match="never in production"):
        call_command("seed_demo", verbosity=0)
    assert not User.objects.exists()


def test_it_makes_reports_shaped_like_real_ones_once(geography, settings):
    from django.db.models.functions import ExtractHour, ExtractIsoWeekDay

    from incidents.models import Report

    settings.TRYGG_DEMO = True
    call_command("seed_demo", verbosity=0, days=90)
    count = Report.objects.count()
    call_command("seed_demo", verbosity=0, days=90)
    assert Report.objects.count() == count > 3000

    hours = Report.objects.annotate(hour=ExtractHour("occurred_at", tzinfo=None))
    evening = hours.filter(hour__gte=18, hour__lt=23).count()
    morning = hours.filter(hour__gte=6, hour__lt=11).count()
    assert evening > 1.5 * morning
    days = Report.objects.annotate(day=ExtractIsoWeekDay("occurred_at"))
    weekend_per_day = days.filter(day__in=[5, 6, 7]).count() / 3
    weekday_per_day = days.filter(day__in=[1, 2, 3, 4]).count() / 4
    assert weekend_per_day > 1.15 * weekday_per_day
    # Every district has reports, and some are police-only.
    assert Report.objects.values("district").distinct().count() == 4
    assert Report.objects.filter(confidentiality="organisation").exists()
    # Every mellanområde has reports (the hotspots compare all 36), some at the known places.
    assert Report.objects.values("intermediate_area").distinct().count() == 36
    assert Report.objects.filter(place__slug="brunnsparken").exists()


def test_it_adds_only_the_days_that_have_no_reports(geography, settings):
    from datetime import timedelta

    from django.utils import timezone

    from incidents.models import Report

    settings.TRYGG_DEMO = True
    call_command("seed_demo", verbosity=0, days=DAYS)
    ids = set(Report.objects.values_list("external_id", flat=True))
    # As on a later day, when the days since the last run have no demo reports yet (the first
    # day here: the latest are linked to the demo problems, so they cannot go).
    first = timezone.localdate() - timedelta(days=DAYS)
    assert Report.objects.filter(occurred_at__date=first).delete()[0] > 10
    call_command("seed_demo", verbosity=0, days=DAYS)
    assert set(Report.objects.values_list("external_id", flat=True)) == ids


def test_it_leaves_the_overview_up_to_date(geography, settings):
    from overview.models import ReportChange, ReportMonthCount

    settings.TRYGG_DEMO = True
    call_command("seed_demo", verbosity=0, days=DAYS)
    assert not ReportChange.objects.exists()
    assert ReportMonthCount.objects.exists()


def test_it_makes_an_agreed_plan_for_centrum_once(geography, settings):
    from plans.choices import MeasureStatus, PlanStatus
    from plans.models import ActionPlan, FollowUp, Measure, Problem

    settings.TRYGG_DEMO = True
    call_command("seed_demo", verbosity=0, days=DAYS)
    call_command("seed_demo", verbosity=0, days=DAYS)
    plan = ActionPlan.objects.get()
    assert (plan.district.slug, plan.status) == ("centrum", PlanStatus.AGREED)
    assert plan.signatures.count() == 2
    problems = Problem.objects.filter(district=plan.district)
    assert problems.count() == 2
    # The problems grew out of the demo reports, and every measure addresses one of them.
    assert all(problem.reports.exists() for problem in problems)
    assert not Measure.objects.filter(problems__isnull=True).exists()
    assert Measure.objects.filter(plan=plan, is_public=True).count() == 2
    assert FollowUp.objects.filter(measure__plan=plan).exists()
    # The clean-up measure is past its end and not done: it shows as försenad.
    cleaning = Measure.objects.get(title__startswith="Klotter")
    assert cleaning.display_status() == MeasureStatus.DELAYED
