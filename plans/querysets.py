"""The one reading rule of each plans model: ``Model.objects.visible_to(user)``.

The rules themselves are ``accounts.access`` (it knows each model's path to its district).
Measures add the public ones for partners, and the measures a follow-up may name.
"""

from datetime import date

from django.db import models
from django.db.models import Case, Value, When

from accounts.access import FOLLOW_UP, READ, restrict
from plans.choices import MEASURE_OPEN, PLAN_IN_FORCE, MeasureStatus


class DistrictReachQuerySet(models.QuerySet):
    """Records that belong to a district, read as ``accounts.access`` says."""

    def visible_to(self, user):
        return restrict(self, user, READ)


class ProblemQuerySet(DistrictReachQuerySet):
    pass


class CauseQuerySet(DistrictReachQuerySet):
    pass


class PriorityDecisionQuerySet(DistrictReachQuerySet):
    pass


class ResidentConcernQuerySet(DistrictReachQuerySet):
    pass


class ActionPlanQuerySet(DistrictReachQuerySet):
    pass


class PlanRevisionQuerySet(DistrictReachQuerySet):
    pass


class FollowUpQuerySet(DistrictReachQuerySet):
    pass


def effective_status(status: str, end_date: date, today: date) -> str:
    """A measure past its end date and neither done nor cancelled is delayed (försenad).

    Computed when read rather than written by a nightly job: it is right at any hour, needs
    no beat entry, and the status people set stays what they set.
    """
    if status in MEASURE_OPEN and end_date < today:
        return MeasureStatus.DELAYED
    return status


class MeasureQuerySet(DistrictReachQuerySet):
    def public(self):
        """What the medborgarlöfte shows: measures marked public in a plan in force."""
        return self.filter(is_public=True, plan__status__in=PLAN_IN_FORCE)

    def for_follow_up_by(self, user):
        """The measures ``user`` may name in a new follow-up: those it reads, and those of
        the districts it records follow-ups in (a token with plans:write and without
        plans:read reads none, yet records there). The service decides the rest."""
        return restrict(self, user, FOLLOW_UP)

    def with_effective_status(self, today: date):
        """Annotates ``effective_status``: ``effective_status()`` in SQL, for counting."""
        return self.annotate(
            effective_status=Case(
                When(
                    status__in=MEASURE_OPEN,
                    end_date__lt=today,
                    then=Value(MeasureStatus.DELAYED.value),
                ),
                default="status",
                output_field=models.CharField(),
            )
        )
