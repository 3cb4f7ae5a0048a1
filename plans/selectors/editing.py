"""What an edit form showed, field by field, as text: signed into the form when it opens and
compared with what is saved when the save meets someone else's (``core.concurrency``)."""

from django.utils.text import capfirst
from django.utils.translation import gettext

from plans.choices import CauseHorizon, CauseKind, TriangleSide
from plans.models import ActionPlan, Measure, Problem
from plans.models.problems import TRIANGLE_FIELDS


def _label(model, field: str) -> str:
    return capfirst(model._meta.get_field(field).verbose_name)


def _names(items) -> str:
    return ", ".join(sorted(str(item) for item in items))


PROBLEM_FIELDS = (
    "title",
    "situation",
    "places",
    "primary_areas",
    "status",
    "influence",
    "influence_reason",
)


def problem_labels() -> dict[str, str]:
    return {field: _label(Problem, field) for field in PROBLEM_FIELDS}


def problem_seen(problem: Problem) -> dict[str, str]:
    return {
        "title": problem.title,
        "situation": problem.situation,
        "places": _names(problem.places.all()),
        "primary_areas": _names(problem.primary_areas.all()),
        "status": problem.get_status_display(),
        "influence": "" if problem.influence is None else str(problem.influence),
        "influence_reason": problem.influence_reason,
    }


def analysis_labels() -> dict[str, str]:
    return {field: _label(Problem, field) for field in TRIANGLE_FIELDS} | {
        "causes": capfirst(gettext("causes"))
    }


def _cause_line(cause) -> str:
    parts = [CauseKind(cause.kind).label, CauseHorizon(cause.horizon).label]
    if cause.side:
        parts.append(TriangleSide(cause.side).label)
    return f"{cause.description} ({', '.join(str(p).lower() for p in parts)})"


def analysis_seen(problem: Problem) -> dict[str, str]:
    values = {field: getattr(problem, field) for field in TRIANGLE_FIELDS}
    values["causes"] = "\n".join(_cause_line(c) for c in problem.causes.order_by("position", "pk"))
    return values


PLAN_FIELDS = ("summary", "public_intro")


def plan_labels() -> dict[str, str]:
    return {field: _label(ActionPlan, field) for field in PLAN_FIELDS}


def plan_seen(plan: ActionPlan) -> dict[str, str]:
    return {field: getattr(plan, field) for field in PLAN_FIELDS}


MEASURE_FIELDS = (
    "title",
    "description",
    "responsible",
    "target",
    "target_value",
    "start_date",
    "end_date",
    "is_public",
    "public_text",
    "problems",
    "causes",
)


def measure_labels() -> dict[str, str]:
    return {field: _label(Measure, field) for field in MEASURE_FIELDS}


def measure_seen(measure: Measure) -> dict[str, str]:
    target_value = ""
    if measure.target_value is not None:
        target_value = (
            f"{measure.get_target_direction_display()} "
            f"{measure.target_value.normalize():f} {measure.target_unit}"
        ).strip()
    return {
        "title": measure.title,
        "description": measure.description,
        "responsible": str(measure.responsible),
        "target": measure.target,
        "target_value": target_value,
        "start_date": measure.start_date.isoformat(),
        "end_date": measure.end_date.isoformat(),
        "is_public": gettext("yes") if measure.is_public else gettext("no"),
        "public_text": measure.public_text,
        "problems": _names(measure.problems.all()),
        "causes": _names(measure.causes.all()),
    }
