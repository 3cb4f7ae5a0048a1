"""The overview listens to the reports and the plans (incidents, plans → overview, never the
reverse).

Model signals cover every write through a model instance (the report services, the admin);
``incidents.signals.reports_written`` covers the bulk writes of imports, which send none.
Anything else (raw SQL, a lost message) is still captured by the trigger and folded by the
sweep: these receivers make the overview fresh within seconds, not exact.
"""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from incidents.models import Report
from incidents.signals import reports_written
from overview.services.enqueue import plans_rollup_after_commit, rollup_after_commit
from plans.models import ActionPlan, FollowUp, Measure


@receiver(post_save, sender=Report, dispatch_uid="overview_report_saved")
@receiver(post_delete, sender=Report, dispatch_uid="overview_report_deleted")
@receiver(reports_written, dispatch_uid="overview_reports_written")
def report_written(**kwargs) -> None:
    rollup_after_commit()


@receiver(post_save, sender=ActionPlan, dispatch_uid="overview_plan_saved")
@receiver(post_delete, sender=ActionPlan, dispatch_uid="overview_plan_deleted")
@receiver(post_save, sender=Measure, dispatch_uid="overview_measure_saved")
@receiver(post_delete, sender=Measure, dispatch_uid="overview_measure_deleted")
@receiver(post_save, sender=FollowUp, dispatch_uid="overview_follow_up_saved")
@receiver(post_delete, sender=FollowUp, dispatch_uid="overview_follow_up_deleted")
def plan_written(**kwargs) -> None:
    plans_rollup_after_commit()
