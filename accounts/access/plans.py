"""Problems, causes, priorities, resident concerns, action plans, measures and follow-ups."""

from django.db.models import Q

from accounts.access.base import (
    ANYWHERE,
    CREATE,
    EDIT,
    FOLLOW_UP,
    READ,
    SIGN,
    Access,
    Rule,
    no_rule,
    union,
    within,
)
from accounts.choices import ANALYST_ROLES, CONTENT_ROLES, ApiScope, Role


class PlansRule(Rule):
    """Problems and plans are the joint work of the two parties, so only those parties'
    staff count, as for the situation picture:

    - reporters, analysts and managers of the two parties read their districts' records;
    - analysts and managers of the two parties create, edit and follow up in their districts;
    - managers sign plans for their own organisation, when it owns the plan;
    - coordinators read everything;
    - partners (housing companies, ...) read public measures of plans in force only;
    - administrators have no content access by that role.

    Tokens are no members: their token's scopes, organisation and districts decide (the API
    checks a view's scope first, this again):

    - a token of one of the two parties with ``plans:read`` reads what the party's staff of
      its districts read;
    - with ``plans:write`` it records follow-ups on the measures of its districts, with or
      without ``plans:read``; it writes nothing else: problems, plans and measures are
      written by people;
    - any other token with ``plans:read`` reads the public measures of plans in force only.
    """

    def __init__(self, label: str, district_path: str, *, public_measures: bool = False) -> None:
        self.label = label
        self.district_path = district_path
        self.public_measures = public_measures

    def condition(self, principal, access: Access, action) -> Q | None:
        if action == READ:
            reach = self.district_ids(principal, access, READ)
        elif action == FOLLOW_UP and self.label == "plans.measure":
            # The measures a follow-up may name: those read, and those of the districts the
            # principal records follow-ups in (a token with plans:write alone reads none).
            reach = self.district_ids(principal, access, READ)
            if reach is not None:
                reach |= self.district_ids(principal, access, FOLLOW_UP)
        else:
            raise no_rule(action, self.label)
        if reach is None:
            return Q()
        condition = Q(**{f"{self.district_path}__in": sorted(reach)})
        if self.public_measures and _reads_public_measures(access):
            from plans.choices import PLAN_IN_FORCE

            condition |= Q(is_public=True, plan__status__in=PLAN_IN_FORCE)
        return condition

    def allows(self, principal, access: Access, action, record, where) -> bool:
        if action == SIGN:
            return bool(self.organisation_ids(principal, access, action, record, where))
        if action not in (READ, CREATE, EDIT, FOLLOW_UP):
            raise no_rule(action, self.label)
        district = (
            self._district_of(record) if record is not None else where.get("district", ANYWHERE)
        )
        if within(self.district_ids(principal, access, action), district):
            return True
        if action == READ and self.public_measures:
            # A measure marked public in a plan in force, or (``public=True``) any such one.
            if record is None:
                return bool(where.get("public")) and _reads_public_measures(access)
            from plans.choices import PLAN_IN_FORCE

            return (
                _reads_public_measures(access)
                and record.is_public
                and record.plan.status in PLAN_IN_FORCE
            )
        return False

    def district_ids(self, principal, access: Access, action) -> frozenset[int] | None:
        """Where the principal reads, writes or follows up this app's records."""
        client = access.client
        if action == READ:
            if client is not None:
                return _token_district_ids(access, ApiScope.PLANS_READ)
            return union(
                s.district_ids
                for s in access.scopes
                if s.role == Role.COORDINATOR or (s.partnership_party and s.role in CONTENT_ROLES)
            )
        if action not in (CREATE, EDIT, FOLLOW_UP):
            raise no_rule(action, self.label)
        if client is not None:
            # A token writes no problem, plan or measure: at most follow-ups, in its districts.
            if action == FOLLOW_UP:
                return _token_district_ids(access, ApiScope.PLANS_WRITE)
            return frozenset()
        return union(
            s.district_ids for s in access.scopes if s.partnership_party and s.role in ANALYST_ROLES
        )

    def organisation_ids(self, principal, access: Access, action, record, where) -> frozenset[int]:
        """Whom the principal signs a plan for: the plan's owners they manage in its district."""
        if action != SIGN or self.label != "plans.actionplan":
            raise no_rule(action, self.label)
        district = record.district_id if record is not None else where["district"]
        managed = frozenset(
            s.organisation_id
            for s in access.scopes
            if s.role == Role.MANAGER and s.covers(district)
        )
        owners = where.get("owners", record.owner_ids if record is not None else None)
        return managed if owners is None else managed & frozenset(owners)

    def _district_of(self, record) -> int | None:
        *hops, last = self.district_path.split("__")
        for hop in hops:
            record = getattr(record, hop)
        return getattr(record, f"{last}_id")


def _token_district_ids(access: Access, scope: str) -> frozenset[int]:
    """The districts a token reaches with ``scope``: its own, if its organisation is one of
    the two parties and it holds the scope; none otherwise (or once revoked or expired)."""
    client = access.client
    if not (client.has_scope(scope) and client.organisation.is_partnership_party):
        return frozenset()
    return access.district_ids() or frozenset()


def _reads_public_measures(access: Access) -> bool:
    """Anyone with a content role reads the public measures (as anyone may, unsigned in);
    a token needs ``plans:read``, whatever its organisation."""
    if access.client is not None:
        return access.client.is_usable() and access.client.has_scope(ApiScope.PLANS_READ)
    return any(scope.role in CONTENT_ROLES for scope in access.scopes)
