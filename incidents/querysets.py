"""Each incidents model's one reading rule, ``Model.objects.visible_to(user)``: the rule itself
is ``accounts.access``."""

from django.db import models

from accounts.access import READ, restrict


class ReportQuerySet(models.QuerySet):
    """Reports: visible by district, owning organisation and level; always to their reporter."""

    def visible_to(self, user):
        return restrict(self, user, READ)


class SituationPictureQuerySet(models.QuerySet):
    """Situation pictures: the two parties' staff of the district (drafts for analysts and
    managers, agreed ones for reporters) and coordinators."""

    def visible_to(self, user):
        return restrict(self, user, READ)


class ImportRunQuerySet(models.QuerySet):
    """Import runs: the members of the organisation that imported."""

    def visible_to(self, user):
        return restrict(self, user, READ)
