"""Who reads and who writes problems, priorities and action plans (DESIGN.md section 5).

Problems and plans are the joint work of the two parties (social services and the police),
so only those parties' staff count, as for the situation picture:

- reporters, analysts and managers of the two parties read their districts' problems and plans;
- analysts and managers of the two parties create, edit and follow up in their districts;
- managers sign plans for their own organisation, when it owns the plan;
- coordinators read everything;
- partners (housing companies, ...) read public measures only;
- administrators have no content access by that role.

``plans.querysets`` turns the reading rule into each model's ``visible_to(user)``; services and
pages ask ``may_edit`` and ``signing_organisation_ids`` before they write.
"""

from accounts.choices import ANALYST_ROLES, CONTENT_ROLES, Role
from accounts.scoping import access_for


def reader_district_ids(user) -> frozenset[int] | None:
    """The districts whose problems and plans ``user`` reads; None means every district."""
    reach: set[int] = set()
    for scope in access_for(user).scopes:
        if scope.role == Role.COORDINATOR:
            return None
        if scope.partnership_party and scope.role in CONTENT_ROLES:
            reach |= scope.district_ids or frozenset()
    return frozenset(reach)


def reads_district(user, district_id: int) -> bool:
    reach = reader_district_ids(user)
    return reach is None or district_id in reach


def reads_public_measures(user) -> bool:
    """Anyone with a content role reads the public measures (as anyone may, unsigned in)."""
    return any(scope.role in CONTENT_ROLES for scope in access_for(user).scopes)


def editor_district_ids(user) -> frozenset[int]:
    """The districts where ``user`` creates and edits problems, plans and follow-ups."""
    reach: set[int] = set()
    for scope in access_for(user).scopes:
        if scope.partnership_party and scope.role in ANALYST_ROLES and scope.district_ids:
            reach |= scope.district_ids
    return frozenset(reach)


def may_edit(user, district_id: int) -> bool:
    return district_id in editor_district_ids(user)


def managed_organisation_ids(user, district_id: int) -> frozenset[int]:
    """The organisations ``user`` manages in ``district_id``: whom they may sign for."""
    return frozenset(
        scope.organisation_id
        for scope in access_for(user).scopes
        if scope.role == Role.MANAGER and scope.covers(district_id)
    )
