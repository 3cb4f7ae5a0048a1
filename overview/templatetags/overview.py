from django import template
from django.utils.formats import number_format
from django.utils.html import format_html
from django.utils.translation import gettext as _

register = template.Library()


@register.simple_tag
def figure(value, url: str = ""):
    """A count as shown, linked to the reports behind it when there is a link and something
    to show."""
    if url and value.total and value.known:
        return format_html(
            '<a href="{}">{}<span class="visually-hidden"> – {}</span></a>',
            url,
            value.display,
            _("show the reports"),
        )
    return value.display


@register.filter
def severity(value) -> str:
    """The mean severity with one decimal in the reader's notation, or a dash."""
    mean = value.mean_severity
    return "–" if mean is None else number_format(mean, 1)


@register.filter
def item(mapping, key):
    return mapping.get(key, "") if mapping else ""
