"""Dates and times read as people write them in each language (issue #13: the English pages
said "11/30/2026 8:31 p.m..")."""

from datetime import date, datetime

import pytest
from django.template import Context, Template
from django.utils import translation

WHEN = datetime(2026, 11, 30, 20, 31)
DAY = date(2026, 11, 30)


def render(language, source, **context):
    with translation.override(language):
        return Template("{% load l10n %}" + source).render(Context(context))


@pytest.mark.parametrize(
    ("language", "expected"), [("en", "30 Nov 2026, 20:31"), ("sv", "30 nov 2026 20:31")]
)
def test_it_writes_a_date_and_time_in_each_language(language, expected):
    assert render(language, '{{ when|date:"SHORT_DATETIME_FORMAT" }}', when=WHEN) == expected
    assert render(language, '{{ when|date:"DATETIME_FORMAT" }}', when=WHEN) == expected
    assert render(language, "{{ when|time }}", when=WHEN) == "20:31"


@pytest.mark.parametrize(
    ("language", "short", "long"),
    [("en", "30 Nov 2026", "30 Nov 2026"), ("sv", "2026-11-30", "30 november 2026")],
)
def test_it_writes_a_date_in_each_language(language, short, long):
    assert render(language, '{{ day|date:"SHORT_DATE_FORMAT" }}', day=DAY) == short
    assert render(language, "{{ day|date }}", day=DAY) == long


def test_no_english_date_has_a_month_first_or_a_12_hour_clock():
    text = render("en", '{{ when|date:"SHORT_DATETIME_FORMAT" }}.', when=WHEN)
    assert "/" not in text and "p.m." not in text
