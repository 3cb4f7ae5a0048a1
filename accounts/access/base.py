"""The principal and the words of ``accounts.access``: actions, a principal's scopes."""

from dataclasses import dataclass
from enum import StrEnum

from django.db.models import Prefetch

from accounts.choices import ANALYST_ROLES, Role

_CACHE_ATTRIBUTE = "_trygg_access"


class Action(StrEnum):
    READ = "read"  # read one record in detail (and find it in a list)
    LIST = "list"  # read records in bulk: a list, a search
    EXPORT = "export"  # take records away: CSV
    CREATE = "create"  # file or draft a new record
    EDIT = "edit"  # change or delete a record
    REVIEW = "review"  # review, dismiss or link a report
    CORRECT = "correct"  # correct a report's place or category as an analyst
    SIGN = "sign"  # sign a situation picture or an action plan for an organisation
    FOLLOW_UP = "follow_up"  # record a follow-up of a measure
    IMPORT = "import"  # upload a file of reports, or decide about its bad rows


READ, LIST, EXPORT, CREATE, EDIT = (
    Action.READ,
    Action.LIST,
    Action.EXPORT,
    Action.CREATE,
    Action.EDIT,
)
REVIEW, SIGN, FOLLOW_UP, IMPORT = Action.REVIEW, Action.SIGN, Action.FOLLOW_UP, Action.IMPORT
CORRECT = Action.CORRECT


# --- The principal ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Scope:
    """One membership's reach: a role, in an organisation, over some districts."""

    organisation_id: int
    partnership_party: bool
    role: str
    district_ids: frozenset[int] | None  # None: every district (a coordinator)
    organisation_kind: str = ""

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
    (``accounts.access.plans``).
    """

    def __init__(self, user) -> None:
        self.user = user
        self.client = None
        self.scopes: tuple[Scope, ...] = ()
        if getattr(user, "is_api_client", False):
            self.user = None  # not a person: owns no records, administers nothing
            self.client = user
            if user.is_usable():
                self.scopes = (
                    Scope(
                        organisation_id=user.organisation_id,
                        partnership_party=False,
                        role=Role.REPORTER,
                        district_ids=user.district_ids(),
                        organisation_kind=user.organisation.kind,
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
                organisation_kind=m.organisation.kind,
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
        return union(s.district_ids for s in self.scopes if s.role in wanted)

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


def union(reaches) -> frozenset[int] | None:
    """The union of districts sets, where None (every district) wins."""
    result: set[int] = set()
    for reach in reaches:
        if reach is None:
            return None
        result |= reach
    return frozenset(result)


def within(reach: frozenset[int] | None, district_id) -> bool:
    """Whether ``district_id`` lies in ``reach``; a district left out asks "anywhere"."""
    if reach is None:
        return True
    return bool(reach) if district_id is ANYWHERE else district_id in reach


ANYWHERE = object()  # a field left out of a question: "anywhere"


def no_rule(action, label) -> ValueError:
    return ValueError(f"accounts.access has no rule for {action!r} on {label}")


class Rule:
    """One model's rules. ``condition`` is ``restrict``'s (None: nothing; ``Q()``: all),
    ``allows`` is ``can``'s; a question a model has no rule for is a programming error."""

    label = ""

    def condition(self, principal, access: Access, action):
        raise no_rule(action, self.label)

    def allows(self, principal, access: Access, action, record, where) -> bool:
        raise no_rule(action, self.label)

    def district_ids(self, principal, access: Access, action) -> frozenset[int] | None:
        raise no_rule(action, self.label)

    def organisation_ids(self, principal, access: Access, action, record, where):
        raise no_rule(action, self.label)
