"""Templates ask ``accounts.access`` too: ``{% can "list" "incidents.report" as may_list %}``."""

from django import template

from accounts import access

register = template.Library()


@register.simple_tag(takes_context=True)
def can(context, action: str, obj, **where) -> bool:
    """Whether the request's user may do ``action`` on ``obj`` (a record or ``app.model``)."""
    request = context.get("request")
    return access.can(getattr(request, "user", None), action, obj, **where)
