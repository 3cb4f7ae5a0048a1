"""Who may read and do what: the one place that decides who may read and edit what.

DESIGN.md section 5 in code. Every confidential model (reports, situation pictures, import
runs, problems and their causes, priority decisions, resident concerns, action plans and their
revisions, measures, follow-ups) has its rules here, in one vocabulary:

- ``restrict(queryset, principal, action)``: the records of ``queryset`` on which
  ``principal`` may do ``action``. Each model's ``Model.objects.visible_to(user)`` is
  ``restrict(..., READ)``, and every page, search, export, PDF, API endpoint, dashboard and
  template tag starts from it. No view filters by organisation or district on its own.
- ``can(principal, action, obj, **where)``: whether ``principal`` may do ``action`` on ``obj``,
  a record, or a model (class or ``"app.model"`` label), in which case ``where`` names the
  fields the question is about (``district=``, ``organisation=``, ``kind=``), and a field left
  out means "anywhere".
- ``district_ids(principal, action, model)`` and ``organisation_ids(principal, action, obj,
  **where)``: where, and for whom, ``principal`` may do it (form choices, signing, filing).

A principal is a person (``accounts.User``) or a partner system's token
(``accounts.ApiClient``); ``access_for`` reads a person's memberships once per request. The
rules are written over field names and memberships, so this module imports no model of
``incidents`` or ``plans`` (dependencies point ``core ← accounts, areas ← incidents ← plans``);
their choices are read when a rule runs.
"""

from django.db.models import Q

from accounts.access.base import (
    CORRECT,
    CREATE,
    EDIT,
    EXPORT,
    FOLLOW_UP,
    IMPORT,
    LIST,
    READ,
    REVIEW,
    SIGN,
    Access,
    Action,
    Scope,
    access_for,
)
from accounts.access.imports import ImportRunRule
from accounts.access.plans import PlansRule
from accounts.access.reports import (
    ReportRule,
    ScopedQuerySet,
    partnership_district_ids,
    visibility_filter,
)
from accounts.access.situation import SituationPictureRule

__all__ = [
    "CORRECT",
    "CREATE",
    "EDIT",
    "EXPORT",
    "FOLLOW_UP",
    "IMPORT",
    "LIST",
    "MODELS",
    "READ",
    "REVIEW",
    "SIGN",
    "Access",
    "Action",
    "Scope",
    "ScopedQuerySet",
    "access_for",
    "can",
    "district_condition",
    "district_ids",
    "organisation_ids",
    "partnership_district_ids",
    "restrict",
    "visibility_filter",
]


_RULES = {
    "incidents.report": ReportRule(),
    "incidents.situationpicture": SituationPictureRule(),
    "incidents.importrun": ImportRunRule(),
    "plans.problem": PlansRule("plans.problem", "district"),
    "plans.cause": PlansRule("plans.cause", "problem__district"),
    "plans.prioritydecision": PlansRule("plans.prioritydecision", "problem__district"),
    "plans.residentconcern": PlansRule("plans.residentconcern", "district"),
    "plans.actionplan": PlansRule("plans.actionplan", "district"),
    "plans.planrevision": PlansRule("plans.planrevision", "plan__district"),
    "plans.measure": PlansRule("plans.measure", "plan__district", public_measures=True),
    "plans.followup": PlansRule("plans.followup", "measure__plan__district"),
}
MODELS = tuple(_RULES)


def _target(obj):
    """(the rule, the record or None) for a record, a model class or an ``app.model`` label."""
    if isinstance(obj, str):
        return _RULES[obj], None
    if isinstance(obj, type):
        return _RULES[obj._meta.label_lower], None
    return _RULES[obj._meta.label_lower], obj


def can(principal, action: str, obj, **where) -> bool:
    """Whether ``principal`` may do ``action`` on ``obj``: a record, or a model (class or
    ``"app.model"``) with ``where`` naming the district, organisation or kind asked about."""
    rule, record = _target(obj)
    return rule.allows(principal, access_for(principal), Action(action), record, where)


def restrict(queryset, principal, action: str = READ):
    """The records of ``queryset`` on which ``principal`` may do ``action``."""
    rule = _RULES[queryset.model._meta.label_lower]
    condition = rule.condition(principal, access_for(principal), Action(action))
    return queryset.none() if condition is None else queryset.filter(condition)


def district_ids(principal, action: str, model) -> frozenset[int] | None:
    """The districts where ``principal`` may do ``action`` on ``model``; None is every one."""
    rule, _record = _target(model)
    return rule.district_ids(principal, access_for(principal), Action(action))


def district_condition(principal, action: str, model, field: str = "pk") -> Q:
    """``district_ids`` as a condition on ``field`` (a district's id): ``Q()`` for every
    district, one that matches nothing for none. For choices of districts in forms and lists."""
    reach = district_ids(principal, action, model)
    return Q() if reach is None else Q(**{f"{field}__in": sorted(reach)})


def organisation_ids(principal, action: str, obj, **where) -> frozenset[int]:
    """The organisations for which ``principal`` may do ``action`` on ``obj`` (file, import,
    sign for)."""
    rule, record = _target(obj)
    return rule.organisation_ids(principal, access_for(principal), Action(action), record, where)
