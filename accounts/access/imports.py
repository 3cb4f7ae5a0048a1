"""Import runs: the importing organisation's own business."""

from django.db.models import Q

from accounts.access.base import (
    ANYWHERE,
    IMPORT,
    READ,
    Access,
    Rule,
    no_rule,
)
from accounts.choices import ANALYST_ROLES, CONTENT_ROLES, FILING_ROLES, OrganisationKind


class ImportRunRule(Rule):
    """A run names a file and, for a CSV, the lines that were refused: it is read by the
    members of its organisation only. Police events are imported by the police's analysts and
    managers; a CSV of reports by whoever may file reports for the organisation."""

    label = "incidents.importrun"

    def condition(self, principal, access: Access, action) -> Q | None:
        if action != READ:
            raise no_rule(action, self.label)
        return Q(organisation_id__in=sorted(access.organisation_ids(*CONTENT_ROLES)))

    def allows(self, principal, access: Access, action, record, where) -> bool:
        if action == READ:
            return record.organisation_id in access.organisation_ids(*CONTENT_ROLES)
        if action == IMPORT:
            allowed = self.organisation_ids(principal, access, action, record, where)
            organisation = (
                record.organisation_id
                if record is not None
                else where.get("organisation", ANYWHERE)
            )
            return bool(allowed) if organisation is ANYWHERE else organisation in allowed
        raise no_rule(action, self.label)

    def organisation_ids(self, principal, access: Access, action, record, where) -> frozenset[int]:
        if action != IMPORT:
            raise no_rule(action, self.label)
        from incidents.choices import ImportKind

        kind = record.kind if record is not None else where["kind"]
        if kind == ImportKind.POLICE_EVENTS:
            return frozenset(
                s.organisation_id
                for s in access.scopes
                if s.role in ANALYST_ROLES and s.organisation_kind == OrganisationKind.POLICE
            )
        return access.organisation_ids(*FILING_ROLES)
