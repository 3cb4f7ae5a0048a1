"""The design system's template helpers (docs/design.md): which tone a status is shown in.

The tables name each app's status values as plain strings, so core imports nothing from the
apps above it; tests/core/test_design_system.py checks that every value of every status
choice has a tone here, so a new status cannot appear untoned.
"""

from django import template

register = template.Library()

# The tones of templates/components/badge.html; each is a colour pair in static/css/trygg.css
# whose contrast the tests check.
TONES = ("neutral", "info", "success", "warning", "danger", "brand")

# kind → status value → tone. Neutral: not begun, set aside or over; info: new or under way;
# success: done or agreed; warning: waiting for someone; danger: late or failed.
STATUS_TONES: dict[str, dict[str, str]] = {
    # plans.MeasureStatus, as Measure.display_status shows it (delayed when past its end).
    "measure": {
        "not_started": "neutral",
        "started": "info",
        "done": "success",
        "delayed": "danger",
        "cancelled": "neutral",
    },
    # plans.PlanStatus: agreed and active plans are in force.
    "plan": {"draft": "neutral", "agreed": "success", "active": "success", "closed": "neutral"},
    # plans.ProblemStatus
    "problem": {"active": "info", "resolved": "success", "archived": "neutral"},
    # plans.PriorityLevel, the latest priority decision on a problem.
    "priority": {"prioritised": "info", "watch": "warning", "not_prioritised": "neutral"},
    # incidents.PictureStatus (lägesbild)
    "picture": {"draft": "neutral", "agreed": "success"},
    # incidents.ImportStatus
    "import": {
        "pending": "info",
        "running": "info",
        "awaiting_decision": "warning",
        "done": "success",
        "failed": "danger",
        "cancelled": "neutral",
    },
    # incidents.ReportStatus
    "report": {"new": "info", "reviewed": "success", "linked": "success", "dismissed": "neutral"},
}


@register.filter
def status_tone(status, kind: str) -> str:
    """The tone of a ``kind`` of status (``{{ plan.status|status_tone:"plan" }}``); neutral for
    a value the table does not know. An unknown kind is a mistake in a template and raises."""
    return STATUS_TONES[kind].get(str(status), "neutral")
