"""Choice widgets that write their ``<option>``s in Python.

Django's ``Select`` renders every option through the template engine (``select.html``
includes ``select_option.html`` and ``attrs.html`` once per option). The report list's
filters hold about 180 options, and under the load test (``bench/load/``) rendering them
was the largest single cost of the list's pages: about as much as all their SQL. These
widgets produce the same HTML (the same attributes, ``selected``, optgroups) from the same
context (``get_context``), with ``format_html``'s escaping, at a fraction of the cost.
"""

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe


class OptionsInPythonMixin:
    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        parts = [format_html('<select name="{}"{}>', widget["name"], flatatt(widget["attrs"]))]
        for group_name, options, _index in widget["optgroups"]:
            rows = format_html_join(
                "\n",
                '<option value="{}"{}>{}</option>',
                (
                    (option["value"], flatatt(option["attrs"]), option["label"])
                    for option in options
                ),
            )
            if group_name:
                parts.append(
                    format_html('<optgroup label="{}">\n{}\n</optgroup>', group_name, rows)
                )
            else:
                parts.append(rows)
        parts.append(mark_safe("</select>"))
        return mark_safe("\n".join(parts))  # noqa: S308 - every part is escaped above


class Select(OptionsInPythonMixin, forms.Select):
    pass


class SelectMultiple(OptionsInPythonMixin, forms.SelectMultiple):
    pass
