"""Who reads and who writes problems, priorities and action plans (DESIGN.md section 5).

Problems and plans are the joint work of the two parties (social services and the police),
so only those parties' staff count, as for the situation picture:

- reporters, analysts and managers of the two parties read their districts' problems and plans;
- analysts and managers of the two parties create, edit and follow up in their districts;
- managers sign plans for their own organisation, when it owns the plan;
- coordinators read everything;
- partners (housing companies, ...) read public measures only;
- administrators have no content access by that role.

API clients (partner systems' tokens) are no members: their token's scopes, organisation and
districts decide, here and nowhere else (the API checks a view's scope first, this again):

- a token of one of the two parties with ``plans:read`` reads the problems, plans, measures
  and follow-ups of its token's districts, as the party's staff there do;
- with ``plans:write`` it records follow-ups on the measures of its districts (indicator
  values from the police's or the city's own systems), with or without ``plans:read``, as
  ``reports:write`` files reports without ``reports:read``; it writes nothing else: problems,
  plans and measures are written by people;
- any other token with ``plans:read`` reads the public measures of plans in force only;
- a token without ``plans:read`` reads nothing of the plans app.

``plans.querysets`` turns the reading rule into each model's ``visible_to(user)``; services and
pages ask ``may_edit``, ``may_follow_up`` and ``managed_organisation_ids`` before they write.
"""

from accounts.choices import ANALYST_ROLES, CONTENT_ROLES, ApiScope, Role
from accounts.scoping import access_for


def _is_api_client(principal) -> bool:
    return getattr(principal, "is_api_client", False)


def _token_district_ids(client, scope: str) -> frozenset[int]:
    """The districts a token reaches with ``scope``: its own, if its organisation is one of
    the two parties and it holds the scope; none otherwise (or once revoked or expired)."""
    if not (client.has_scope(scope) and client.organisation.is_partnership_party):
        return frozenset()
    return access_for(client).district_ids() or frozenset()


def reader_district_ids(user) -> frozenset[int] | None:
    """The districts whose problems and plans ``user`` reads; None means every district."""
    if _is_api_client(user):
        return _token_district_ids(user, ApiScope.PLANS_READ)
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
    """Anyone with a content role reads the public measures (as anyone may, unsigned in);
    a token needs ``plans:read``, whatever its organisation."""
    if _is_api_client(user):
        return user.is_usable() and user.has_scope(ApiScope.PLANS_READ)
    return any(scope.role in CONTENT_ROLES for scope in access_for(user).scopes)


def editor_district_ids(user) -> frozenset[int]:
    """The districts where ``user`` creates and edits problems, plans and follow-ups.
    Never a token's: a token at most records follow-ups (``follow_up_district_ids``)."""
    if _is_api_client(user):
        return frozenset()
    reach: set[int] = set()
    for scope in access_for(user).scopes:
        if scope.partnership_party and scope.role in ANALYST_ROLES and scope.district_ids:
            reach |= scope.district_ids
    return frozenset(reach)


def may_edit(user, district_id: int) -> bool:
    return district_id in editor_district_ids(user)


def follow_up_district_ids(user) -> frozenset[int]:
    """The districts where ``user`` records follow-ups: an editor's; for a token of one of the
    two parties with ``plans:write``, its districts."""
    if _is_api_client(user):
        return _token_district_ids(user, ApiScope.PLANS_WRITE)
    return editor_district_ids(user)


def may_follow_up(user, district_id: int) -> bool:
    return district_id in follow_up_district_ids(user)


def managed_organisation_ids(user, district_id: int) -> frozenset[int]:
    """The organisations ``user`` manages in ``district_id``: whom they may sign for."""
    return frozenset(
        scope.organisation_id
        for scope in access_for(user).scopes
        if scope.role == Role.MANAGER and scope.covers(district_id)
    )
