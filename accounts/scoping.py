"""Who may see what: the one place that turns memberships into access (DESIGN.md section 5).

Every page, search, export, API endpoint and dashboard starts from
``Model.objects.visible_to(user)``, which a model gets from ``ScopedQuerySet``. No view
filters by organisation or district on its own.
"""

from dataclasses import dataclass

from django.db import models
from django.db.models import Prefetch, Q

from accounts.choices import ANALYST_ROLES, CONTENT_ROLES, Confidentiality, Role

_CACHE_ATTRIBUTE = "_trygg_access"


@dataclass(frozen=True)
class Scope:
    """One membership's reach: a role, in an organisation, over some districts."""

    organisation_id: int
    partnership_party: bool
    role: str
    district_ids: frozenset[int] | None  # None: every district (a coordinator)

    def covers(self, district_id: int | None) -> bool:
        return self.district_ids is None or district_id in self.district_ids


class Access:
    """The union of a user's memberships, read once per request (one query).

    An API client (``accounts.models.ApiClient``) is a principal too: it gets one scope, a
    reporter of its organisation in its districts that is never a partnership party, so it
    reads and files its own organisation's records only (DESIGN.md section 5: "partner user
    or API client: read own organisation's"), whatever kind of organisation it belongs to.
    Its token scopes (reports:read, ...) are checked by the API before this applies. Problems
    and plans are the two parties' joint work and have a rule of their own for tokens
    (``plans.access``).
    """

    def __init__(self, user) -> None:
        self.user = user
        self.scopes: tuple[Scope, ...] = ()
        if getattr(user, "is_api_client", False):
            self.user = None  # not a person: owns no records, administers nothing
            if user.is_usable():
                self.scopes = (
                    Scope(
                        organisation_id=user.organisation_id,
                        partnership_party=False,
                        role=Role.REPORTER,
                        district_ids=user.district_ids(),
                    ),
                )
            return
        if user is None or not user.is_authenticated or not user.is_active:
            return
        from accounts.models import Membership
        from areas.models import District

        memberships = (
            Membership.objects.filter(user=user)
            .select_related("organisation")
            # Only the ids: a district's row carries its boundary, a large GeoJSON.
            .prefetch_related(Prefetch("districts", queryset=District.objects.only("pk")))
        )
        self.scopes = tuple(
            Scope(
                organisation_id=m.organisation_id,
                partnership_party=m.organisation.is_partnership_party,
                role=m.role,
                district_ids=None
                if m.covers_all_districts
                else frozenset(d.pk for d in m.districts.all()),
            )
            for m in memberships
        )

    def has_role(
        self, *roles: str, district_id: int | None = None, any_district: bool = False
    ) -> bool:
        """Whether a membership with one of ``roles`` covers ``district_id``
        (or, with ``any_district``, any district at all)."""
        return any(
            scope.role in roles and (any_district or scope.covers(district_id))
            for scope in self.scopes
        )

    def district_ids(self, *roles: str) -> frozenset[int] | None:
        """The districts where the user holds one of ``roles`` (all roles if none given);
        None means every district."""
        wanted = set(roles or Role.values)
        reach: set[int] = set()
        for scope in self.scopes:
            if scope.role not in wanted:
                continue
            if scope.district_ids is None:
                return None
            reach |= scope.district_ids
        return frozenset(reach)

    def organisation_ids(self, *roles: str) -> frozenset[int]:
        wanted = set(roles or Role.values)
        return frozenset(s.organisation_id for s in self.scopes if s.role in wanted)

    @property
    def is_analyst_somewhere(self) -> bool:
        return self.has_role(*ANALYST_ROLES, any_district=True)

    @property
    def is_coordinator(self) -> bool:
        return self.has_role(Role.COORDINATOR, any_district=True)

    @property
    def is_administrator(self) -> bool:
        return self.user is not None and (
            self.user.is_superuser or self.has_role(Role.ADMIN, any_district=True)
        )


def access_for(user) -> Access:
    """The user's ``Access``, computed once and kept on the user object for the request."""
    if user is None:
        return Access(None)
    access = getattr(user, _CACHE_ATTRIBUTE, None)
    if access is None:
        access = Access(user)
        setattr(user, _CACHE_ATTRIBUTE, access)
    return access


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
        if scope.partnership_party or scope.role == Role.COORDINATOR:
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


class ScopedQuerySet(models.QuerySet):
    """A queryset for records that have a district, an owning organisation and a level.

    Subclasses name their fields if they differ from the defaults.
    """

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
