"""Reports, and any record with a district, an owning organisation and a level."""

from django.db import models
from django.db.models import Q

from accounts.access.base import (
    ANYWHERE,
    CORRECT,
    CREATE,
    EDIT,
    EXPORT,
    LIST,
    READ,
    REVIEW,
    Access,
    Rule,
    Scope,
    access_for,
    no_rule,
    union,
)
from accounts.choices import ANALYST_ROLES, CONTENT_ROLES, FILING_ROLES, Confidentiality, Role


def visibility_filter(
    user,
    *,
    district_field: str = "district",
    organisation_field: str = "organisation",
    confidentiality_field: str = "confidentiality",
    owner_field: str | None = None,
) -> Q | None:
    """The condition under which ``user`` may read a record in detail, or None for nothing.

    - Staff of the two parties (social services, police) read their districts' records
      that are ``partnership`` and their own organisation's records there whatever the level.
    - Partners (housing, transport, ...) read their own organisation's records only.
    - Coordinators read as staff do, in every district.
    - Unplaced records (no district) are read by their own organisation's staff and by
      coordinators when ``partnership``.
    - Administrators get nothing by that role alone; the person who filed a record reads it.
    """
    access = access_for(user)
    conditions = Q()
    granted = False
    for scope in access.scopes:
        if scope.role not in CONTENT_ROLES:
            continue
        own = Q(**{organisation_field: scope.organisation_id})
        readable = own
        if _reads_partnership_records(scope):
            readable = own | Q(**{confidentiality_field: Confidentiality.PARTNERSHIP})
        if scope.district_ids is None:
            where = Q()
        else:
            where = Q(**{f"{district_field}__in": sorted(scope.district_ids)}) | (
                Q(**{f"{district_field}__isnull": True}) & own
            )
        conditions |= readable & where
        granted = True
    if owner_field and access.user is not None and access.user.is_authenticated:
        conditions |= Q(**{owner_field: access.user.pk})
        granted = True
    return conditions if granted else None


def partnership_district_ids(user) -> frozenset[int] | None:
    """The districts whose ``partnership`` records ``user`` reads, all of them: None for every
    district (a coordinator), an empty set for none (partners, API clients, administrators).

    What the analysis (issue #12: alerts, hotspots, a measure's effect) is computed from and
    shown to: a figure made of the partnership records of some districts only, and shown only
    to those who read every one of them, reveals nothing its viewer could not read, and it is
    the same figure for both parties (no organisation's own confidential records are in it).
    """
    return union(
        scope.district_ids
        for scope in access_for(user).scopes
        if scope.role in CONTENT_ROLES and _reads_partnership_records(scope)
    )


def _reads_partnership_records(scope: Scope) -> bool:
    return scope.partnership_party or scope.role == Role.COORDINATOR


def _reads_confidential_record(access: Access, record, fields: dict[str, str]) -> bool:
    """``visibility_filter`` for one record in memory (the same rule, without a query)."""
    district_id = getattr(record, f"{fields['district']}_id")
    organisation_id = getattr(record, f"{fields['organisation']}_id")
    level = getattr(record, fields["confidentiality"])
    for scope in access.scopes:
        if scope.role not in CONTENT_ROLES:
            continue
        own = organisation_id == scope.organisation_id
        readable = own or (
            _reads_partnership_records(scope) and level == Confidentiality.PARTNERSHIP
        )
        where = scope.district_ids is None or (
            district_id in scope.district_ids if district_id is not None else own
        )
        if readable and where:
            return True
    owner = fields.get("owner")
    user = access.user
    if not owner or user is None or not user.is_authenticated:
        return False
    return getattr(record, f"{owner}_id") == user.pk


class ReportRule(Rule):
    label = "incidents.report"
    fields = {
        "district": "district",
        "organisation": "organisation",
        "confidentiality": "confidentiality",
        "owner": "reporter",
    }

    def condition(self, principal, access: Access, action) -> Q | None:
        if action not in (READ, CORRECT):
            raise no_rule(action, "incidents.report")
        f = self.fields
        readable = visibility_filter(
            principal,
            district_field=f["district"],
            organisation_field=f["organisation"],
            confidentiality_field=f["confidentiality"],
            owner_field=f["owner"],
        )
        if action == READ or readable is None:
            return readable
        organisations = access.organisation_ids(*ANALYST_ROLES)
        if not organisations:
            return None
        districts = access.district_ids(*ANALYST_ROLES)
        placed = Q(**{f"{f['district']}__isnull": False})
        if districts is not None:
            placed = Q(**{f"{f['district']}__in": sorted(districts)})
        unplaced = Q(**{f"{f['district']}__isnull": True}) & Q(
            **{f"{f['organisation']}__in": sorted(organisations)}
        )
        return readable & (placed | unplaced)

    def allows(self, principal, access: Access, action, record, where) -> bool:
        if action == READ:
            return _reads_confidential_record(access, record, self.fields)
        if action in (LIST, EXPORT):
            # People: the bulk reads are the analysts' and coordinators'. A token lists its
            # own organisation's reports as far as its reports:read scope goes (checked by the
            # API), which is why it is let through here.
            return access.client is not None or access.is_analyst_somewhere or access.is_coordinator
        if action == CREATE:
            organisation = where.get("organisation", ANYWHERE)
            district = where.get("district", ANYWHERE)
            return any(
                (organisation is ANYWHERE or scope.organisation_id == organisation)
                # People file wherever they happen to be; a token only where it could read
                # back what it filed.
                and (
                    access.client is None or district in (ANYWHERE, None) or scope.covers(district)
                )
                for scope in access.scopes
                if scope.role in FILING_ROLES
            )
        if action == EDIT:
            return any(
                scope.organisation_id == record.organisation_id
                and scope.role in FILING_ROLES
                and (record.district_id is None or scope.covers(record.district_id))
                for scope in access.scopes
            )
        if action == REVIEW:
            district = record.district_id if record is not None else where.get("district")
            return district is not None and access.has_role(*ANALYST_ROLES, district_id=district)
        if action == CORRECT:
            return self._corrects(access, record)
        raise no_rule(action, "incidents.report")

    def _corrects(self, access: Access, record) -> bool:
        """Correcting a report's place or category is curating it (DESIGN.md section 5: the
        district analysts "curate reports"): for analysts and managers who may read it, of its
        district; a report placed nowhere, for those of its owning organisation (the only
        staff of a district who read it). Coordinators read the whole city but curate none of
        it; a token is never an analyst. Where it is placed to is not limited: an analyst who
        knows a report belongs to another district hands it over."""
        if record is None or not _reads_confidential_record(access, record, self.fields):
            return False
        if record.district_id is not None:
            return access.has_role(*ANALYST_ROLES, district_id=record.district_id)
        return record.organisation_id in access.organisation_ids(*ANALYST_ROLES)

    def organisation_ids(self, principal, access: Access, action, record, where) -> frozenset[int]:
        if action == CREATE:
            return access.organisation_ids(*FILING_ROLES)
        raise no_rule(action, "incidents.report")


class ScopedQuerySet(models.QuerySet):
    """A queryset for records that have a district, an owning organisation and a level, read
    by ``visibility_filter`` (the reports' rule) over the fields a subclass names."""

    district_field = "district"
    organisation_field = "organisation"
    confidentiality_field = "confidentiality"
    owner_field: str | None = None

    def visible_to(self, user):
        condition = visibility_filter(
            user,
            district_field=self.district_field,
            organisation_field=self.organisation_field,
            confidentiality_field=self.confidentiality_field,
            owner_field=self.owner_field,
        )
        if condition is None:
            return self.none()
        return self.filter(condition)
