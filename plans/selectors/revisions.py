"""A plan as a snapshot (what a revision keeps and what a signature agrees to), and the
differences between two snapshots."""

import hashlib
import json

from django.db.models import Prefetch
from django.utils.text import capfirst
from django.utils.translation import gettext

from plans.models import ActionPlan, Cause, Measure, Problem

SNAPSHOT_SCHEMA = 1
PLAN_FIELDS = ("summary", "public_intro")
MEASURE_FIELDS = (
    "title",
    "description",
    "responsible",
    "target",
    "target_direction",
    "target_value",
    "target_unit",
    "start",
    "end",
    "is_public",
    "public_text",
    "problems",
    "causes",
)
_MEASURE_LABELS = {
    "start": "start_date",
    "end": "end_date",
}


def _measure(measure: Measure) -> dict:
    return {
        "id": measure.pk,
        "title": measure.title,
        "description": measure.description,
        "responsible": measure.responsible.name,
        "target": measure.target,
        "target_direction": measure.target_direction,
        "target_value": None if measure.target_value is None else str(measure.target_value),
        "target_unit": measure.target_unit,
        "start": measure.start_date.isoformat(),
        "end": measure.end_date.isoformat(),
        "is_public": measure.is_public,
        "public_text": measure.public_text,
        "status": measure.status,
        "problems": [{"id": p.pk, "title": p.title} for p in measure.problems.all()],
        "causes": [{"id": c.pk, "description": c.description} for c in measure.causes.all()],
    }


def plan_snapshot(*, plan: ActionPlan) -> dict:
    """The plan's text, owners and measures (with the problems and causes they address) as
    JSON-ready data. ``plan`` needs its district and owners loaded."""
    measures = (
        Measure.objects.filter(plan=plan)
        .select_related("responsible")
        .prefetch_related(
            Prefetch("problems", queryset=Problem.objects.order_by("title", "pk")),
            Prefetch("causes", queryset=Cause.objects.order_by("position", "pk")),
        )
        .order_by("start_date", "title", "pk")
    )
    return {
        "schema": SNAPSHOT_SCHEMA,
        "plan": {
            "district": plan.district.name,
            "period_start": plan.period_start.isoformat(),
            "period_end": plan.period_end.isoformat(),
            "social_services": plan.social_services.name,
            "police": plan.police.name,
            "summary": plan.summary,
            "public_intro": plan.public_intro,
        },
        "measures": [_measure(measure) for measure in measures],
    }


def snapshot_digest(snapshot: dict) -> str:
    """A fingerprint of the plan's content: a signature is given to exactly this."""
    content = json.dumps(snapshot, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(content.encode()).hexdigest()


def _plan_label(field: str) -> str:
    return str(capfirst(ActionPlan._meta.get_field(field).verbose_name))


def _measure_label(field: str) -> str:
    return str(Measure._meta.get_field(_MEASURE_LABELS.get(field, field)).verbose_name)


def snapshot_changes(previous: dict | None, current: dict) -> list[str]:
    """What changed from ``previous`` to ``current``, one line a change, for a revision page."""
    if previous is None:
        return []
    lines = [
        gettext("%(field)s changed.") % {"field": _plan_label(field)}
        for field in PLAN_FIELDS
        if previous["plan"].get(field) != current["plan"].get(field)
    ]
    before = {m["id"]: m for m in previous["measures"]}
    after = {m["id"]: m for m in current["measures"]}
    for pk, measure in after.items():
        old = before.get(pk)
        if old is None:
            lines.append(gettext("Measure added: %(title)s") % {"title": measure["title"]})
            continue
        changed = [_measure_label(f) for f in MEASURE_FIELDS if old.get(f) != measure.get(f)]
        if changed:
            lines.append(
                gettext("Measure %(title)s: %(fields)s changed.")
                % {"title": measure["title"], "fields": ", ".join(changed)}
            )
    lines.extend(
        gettext("Measure removed: %(title)s") % {"title": measure["title"]}
        for pk, measure in before.items()
        if pk not in after
    )
    return lines
