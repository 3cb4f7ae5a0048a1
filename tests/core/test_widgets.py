"""core.widgets write the same <select> as Django's template-rendered widgets, escaped."""

from html.parser import HTMLParser

import pytest
from django import forms

from core.widgets import Select, SelectMultiple

CHOICES = [
    ("", "---"),
    ("x", 'X <script>"'),
    ("Grupp & <b>", [("1", "Ett"), ("2", "Två & tre")]),
]


def _form(select, select_multiple):
    class Form(forms.Form):
        one = forms.ChoiceField(
            choices=CHOICES, required=False, widget=select(attrs={"class": "form-select"})
        )
        many = forms.MultipleChoiceField(choices=[("n", "N"), ("m", "M")], widget=select_multiple)

    return Form


def _parsed(html: str) -> list:
    parts = []

    class Parser(HTMLParser):
        def handle_starttag(self, tag, attrs):
            parts.append(("start", tag, sorted(attrs)))

        def handle_endtag(self, tag):
            parts.append(("end", tag))

        def handle_data(self, data):
            if data.strip():
                parts.append(("text", data.strip()))

    Parser().feed(html)
    return parts


@pytest.mark.parametrize("data", [None, {"one": "2", "many": ["n", "m"]}, {"one": "nope"}])
def test_they_write_what_djangos_templates_write(data):
    ours = _form(Select, SelectMultiple)(data)
    django = _form(forms.Select, forms.SelectMultiple)(data)
    if data:
        ours.is_valid()
        django.is_valid()  # errors: aria-invalid and aria-describedby on both
    for name in ("one", "many"):
        assert _parsed(str(ours[name])) == _parsed(str(django[name]))


def test_they_escape_values_labels_and_groups():
    html = str(_form(Select, SelectMultiple)({"one": "2", "many": ["m"]})["one"])
    assert "<script>" not in html and "<b>" not in html
    assert "X &lt;script&gt;&quot;" in html
    assert 'label="Grupp &amp; &lt;b&gt;"' in html
    assert '<option value="2" selected>Två &amp; tre</option>' in html
