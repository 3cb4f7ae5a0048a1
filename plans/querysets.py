"""The one reading rule of each plans model: ``Model.objects.visible_to(user)``.

The rule itself is ``plans.access.reader_district_ids``; each queryset names the path from
its model to the district. Measures add the public ones for partners.
"""

from datetime import date

from django.db import models
from django.db.models import Case, Q, Value, When

from plans.access import follow_up_district_ids, reader_district_ids, reads_public_measures
from plans.choices import MEASURE_OPEN, PLAN_IN_FORCE, MeasureStatus


class DistrictReachQuerySet(models.QuerySet):
    """Records that belong to a district through ``district_field``."""

    district_field = "district"

    def visible_to(self, user):
        condition = self._reach(user)
        return self.all() if condition is None else self.filter(condition)

    def _reach(self, user) -> Q | None:
        """The reading condition, or None for everything (a coordinator)."""
        reach = reader_district_ids(user)
        if reach is None:
            return None
        return Q(**{f"{self.district_field}__in": sorted(reach)})


class ProblemQuerySet(DistrictReachQuerySet):
    pass


class CauseQuerySet(DistrictReachQuerySet):
    district_field = "problem__district"


class PriorityDecisionQuerySet(DistrictReachQuerySet):
    district_field = "problem__district"


class ResidentConcernQuerySet(DistrictReachQuerySet):
    pass


class ActionPlanQuerySet(DistrictReachQuerySet):
    pass


class PlanRevisionQuerySet(DistrictReachQuerySet):
    district_field = "plan__district"


class FollowUpQuerySet(DistrictReachQuerySet):
    district_field = "measure__plan__district"


def effective_status(status: str, end_date: date, today: date) -> str:
    """A measure past its end date and neither done nor cancelled is delayed (försenad).

    Computed when read rather than written by a nightly job: it is right at any hour, needs
    no beat entry, and the status people set stays what they set.
    """
    if status in MEASURE_OPEN and end_date < today:
        return MeasureStatus.DELAYED
    return status


class MeasureQuerySet(DistrictReachQuerySet):
    district_field = "plan__district"

    def public(self):
        """What the medborgarlöfte shows: measures marked public in a plan in force."""
        return self.filter(is_public=True, plan__status__in=PLAN_IN_FORCE)

    def visible_to(self, user):
        condition = self._visible(user)
        return self.all() if condition is None else self.filter(condition)

    def _visible(self, user) -> Q | None:
        condition = self._reach(user)
        if condition is not None and reads_public_measures(user):
            condition |= Q(is_public=True, plan__status__in=PLAN_IN_FORCE)
        return condition

    def for_follow_up_by(self, user):
        """The measures ``user`` may name in a new follow-up: those it reads, and those of
        the districts it records follow-ups in (a token with plans:write and without
        plans:read reads none, yet records there). The service decides the rest."""
        condition = self._visible(user)
        if condition is None:
            return self.all()
        districts = follow_up_district_ids(user)
        if districts:
            condition |= Q(plan__district__in=sorted(districts))
        return self.filter(condition)

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
