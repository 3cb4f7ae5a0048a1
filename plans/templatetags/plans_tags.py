"""Template tags through which other apps' pages show problems, without importing plans.

``incidents`` must not import ``plans`` (dependencies point one way), yet its report pages
link reports to problems: their templates load this library, whose tags call plans'
selectors only when the page is drawn.
"""

from dataclasses import dataclass

from django import template

from accounts.access import EDIT, READ, can
from plans.selectors.problems import problem_link_choices, problems_of_reports

register = template.Library()


@register.inclusion_tag("plans/partials/_nav.html", takes_context=True)
def plans_nav(context):
    """The main menu's entries for problems, prioritisation, plans and the public promise."""
    request = context.get("request")
    user = getattr(request, "user", None)
    current = getattr(getattr(request, "resolver_match", None), "url_name", "")
    return {
        "reads": can(user, READ, "plans.problem"),
        "reads_public": can(user, READ, "plans.measure", public=True),
        "current": current,
    }


@dataclass(frozen=True)
class ReportLinking:
    """What the report list offers for linking the ticked reports to problems."""

    enabled: bool
    problems: list


@register.simple_tag(takes_context=True)
def report_linking(context) -> ReportLinking:
    user = context["request"].user
    if not can(user, EDIT, "plans.problem"):
        return ReportLinking(False, [])
    return ReportLinking(True, problem_link_choices(user=user))


@register.inclusion_tag("plans/partials/_report_problems.html", takes_context=True)
def report_problems(context, report):
    """The problems a report is linked to, as far as the viewer may read them."""
    user = context["request"].user
    return {"problems": problems_of_reports(user=user, report_ids=[report.pk]).get(report.pk, [])}


@register.simple_tag(takes_context=True)
def problems_for_reports(context, reports) -> dict:
    """For a page of reports: report id → the readable problems it is linked to (one query)."""
    return problems_of_reports(user=context["request"].user, report_ids=[r.pk for r in reports])


@register.filter
def problems_of(problems_by_report: dict, report) -> list:
    return problems_by_report.get(report.pk, [])
