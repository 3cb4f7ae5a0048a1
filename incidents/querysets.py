from django.db import models
from django.db.models import Q

from accounts.choices import ANALYST_ROLES, CONTENT_ROLES, Role
from accounts.scoping import ScopedQuerySet, access_for
from incidents.choices import PictureStatus


class ReportQuerySet(ScopedQuerySet):
    """Reports: visible by district, owning organisation and level; always to their reporter."""

    owner_field = "reporter"


class SituationPictureQuerySet(models.QuerySet):
    """Situation pictures: read by the two parties' staff of the district and by coordinators.

    DESIGN.md section 5: reporters read agreed pictures; analysts and managers read (and
    edit) drafts too; coordinators read all; partners and administrators none. Only staff
    of social services and the police count, since the picture is the two parties' own work.
    """

    def visible_to(self, user):
        access = access_for(user)
        condition = Q()
        granted = False
        for scope in access.scopes:
            if scope.role == Role.COORDINATOR:
                return self.all()
            if not scope.partnership_party or scope.role not in CONTENT_ROLES:
                continue
            where = Q(district_id__in=sorted(scope.district_ids or ()))
            if scope.role not in ANALYST_ROLES:
                where &= Q(status=PictureStatus.AGREED)
            condition |= where
            granted = True
        return self.filter(condition) if granted else self.none()
