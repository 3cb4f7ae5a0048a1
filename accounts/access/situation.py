"""Situation pictures (lägesbilder): the two parties' own work."""

from django.db.models import Q

from accounts.access.base import (
    ANYWHERE,
    CREATE,
    EDIT,
    READ,
    SIGN,
    Access,
    Rule,
    no_rule,
    union,
    within,
)
from accounts.choices import ANALYST_ROLES, CONTENT_ROLES, Role


class SituationPictureRule(Rule):
    """Reporters of the two parties read their districts' agreed pictures; analysts and
    managers read and edit drafts too; coordinators read all; managers sign for their own
    organisation; partners, tokens and administrators get none."""

    label = "incidents.situationpicture"

    def condition(self, principal, access: Access, action) -> Q | None:
        if action != READ:
            raise no_rule(action, self.label)
        from incidents.choices import PictureStatus

        condition = Q()
        granted = False
        for scope in access.scopes:
            if scope.role == Role.COORDINATOR:
                return Q()
            if not scope.partnership_party or scope.role not in CONTENT_ROLES:
                continue
            where = Q(district_id__in=sorted(scope.district_ids or ()))
            if scope.role not in ANALYST_ROLES:
                where &= Q(status=PictureStatus.AGREED)
            condition |= where
            granted = True
        return condition if granted else None

    def allows(self, principal, access: Access, action, record, where) -> bool:
        if action == READ:
            from incidents.choices import PictureStatus

            return any(
                scope.role == Role.COORDINATOR
                or (
                    scope.partnership_party
                    and scope.role in CONTENT_ROLES
                    and record.district_id in (scope.district_ids or ())
                    and (scope.role in ANALYST_ROLES or record.status == PictureStatus.AGREED)
                )
                for scope in access.scopes
            )
        if action in (CREATE, EDIT):
            district = record.district_id if record is not None else where.get("district", ANYWHERE)
            return within(self.district_ids(principal, access, action), district)
        if action == SIGN:
            return bool(self.organisation_ids(principal, access, action, record, where))
        raise no_rule(action, self.label)

    def district_ids(self, principal, access: Access, action) -> frozenset[int] | None:
        if action not in (CREATE, EDIT):
            raise no_rule(action, self.label)
        return union(
            s.district_ids for s in access.scopes if s.partnership_party and s.role in ANALYST_ROLES
        )

    def organisation_ids(self, principal, access: Access, action, record, where) -> frozenset[int]:
        """Whom the principal signs for: their organisations of the two parties, as a manager
        covering the picture's district (the signing service checks the kind again)."""
        if action != SIGN:
            raise no_rule(action, self.label)
        district = record.district_id if record is not None else where["district"]
        return frozenset(
            scope.organisation_id
            for scope in access.scopes
            if scope.role == Role.MANAGER and scope.partnership_party and scope.covers(district)
        )
