"""Priority decisions re-scored on the shared base (issue #9).

A decision keeps the score and breakdown of its day. Before issue #9 those counted every
linked report, including one party's organisation-level reports, and the breakdown showed
them (a small count as "<3", but beside it the exact share, trend and average severity).
The priority now counts the reports shared in the partnership only, so a decision whose
breakdown counted others (``restricted`` above 0) has its report criteria (frequency, trend,
severity) recomputed on the shared base as of its own day, with its own weights; the
judged criteria (concern, vulnerability, influence) stay as recorded, and so do the
decision, its reason and its rank. ``recomputed_from`` in the breakdown records it.

As in incidents 0005, the current scoring code is imported only when there is a decision to
re-score, so a fresh database never runs it against a schema it was not written for.
"""

from datetime import date

from django.db import migrations
from django.utils import timezone

REPORT_CRITERIA = ("frequency", "trend", "severity")


def _counted_others(breakdown: dict) -> bool:
    return any(c["inputs"].get("restricted", 0) > 0 for c in breakdown.get("components", []))


def rescore(apps, schema_editor):
    Decision = apps.get_model("plans", "PriorityDecision")
    legacy = [pk for pk, b in Decision.objects.values_list("pk", "breakdown") if _counted_others(b)]
    if not legacy:
        return
    from plans.models import PriorityDecision
    from plans.selectors.priority import priority_inputs, priority_score

    now = timezone.now().isoformat()
    for decision in PriorityDecision.objects.filter(pk__in=legacy).select_related(
        "problem__district", "weights"
    ):
        as_of = date.fromisoformat(decision.breakdown["as_of"])
        fresh = priority_inputs(problems=[decision.problem], weights=decision.weights, as_of=as_of)
        inputs = {c["criterion"]: c["inputs"] for c in decision.breakdown["components"]}
        for criterion in REPORT_CRITERIA:
            inputs[criterion] = fresh[decision.problem_id][criterion]
        score = priority_score(inputs=inputs, weights=decision.weights, as_of=as_of)
        breakdown = score.as_json() | {"recomputed_from": {"basis": "all", "at": now}}
        PriorityDecision.objects.filter(pk=decision.pk).update(
            breakdown=breakdown, score=score.total
        )


class Migration(migrations.Migration):
    dependencies = [("plans", "0003_follow_up_recorded_by_client")]

    operations = [migrations.RunPython(rescore, migrations.RunPython.noop)]
