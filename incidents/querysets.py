"""Each incidents model's one reading rule, ``Model.objects.visible_to(user)``: the rule itself
is ``accounts.access``."""

from django.db import models
from django.db.models import Q

from accounts.access import READ, restrict


class ReportQuerySet(models.QuerySet):
    """Reports: visible by district, owning organisation and level; always to their reporter."""

    def visible_to(self, user):
        return restrict(self, user, READ)

    def unplaced(self):
        """Reports that want placing by hand: no district, or no area finer than one (a
        report placed by a point or a district name only)."""
        return self.filter(Q(district__isnull=True) | Q(primary_area__isnull=True))


class SituationPictureQuerySet(models.QuerySet):
    """Situation pictures: the two parties' staff of the district (drafts for analysts and
    managers, agreed ones for reporters) and coordinators."""

    def visible_to(self, user):
        return restrict(self, user, READ)


class ImportRunQuerySet(models.QuerySet):
    """Import runs: the members of the organisation that imported."""

    def visible_to(self, user):
        return restrict(self, user, READ)
