"""Report search in Swedish, with PostgreSQL's own full-text search.

A search is words, all of which must match (AND). A word matches a report when

- its text (description and place, the stored ``search_vector``, Swedish stemmer) has a word
  that starts with it: "narkotika" finds "narkotikaförsäljning" (prefix match, ``:*``); or
- the report lies in a category, place, primärområde, mellanområde or district whose name
  has such a word: "narkotika" finds the category Narkotikahandel, "Hjällbo" the reports
  placed in Hjällbo, "Brott" every report in a subcategory of Brott.

The names are looked up first, in one query over the small vocabulary tables, and enter the
report query as id lists (``category_id IN (…)``): the report table keeps one stored vector
of its own text, which no rename of a category or an area can make stale, and PostgreSQL
combines the GIN index of the vector with the foreign keys' indexes.

User input never reaches tsquery syntax: it is cut into words of letters and digits, each word
goes through ``websearch_to_tsquery`` (which accepts anything), and only PostgreSQL's own
printout of that query, with ``:*`` appended, is read back as a tsquery.
"""

import re
from dataclasses import dataclass, field

from django.contrib.postgres.search import SearchQueryField
from django.core.exceptions import FieldDoesNotExist
from django.db import connection
from django.db.models import BooleanField, Case, F, FloatField, Func, Q, Value, When
from django.db.models.functions import Cast

from areas.models import District, IntermediateArea, Place, PrimaryArea
from incidents.models import Category, Report

CONFIG = "swedish"
MAX_WORDS = 8
# Shorter words match whole words only: "på" or "a" as a prefix would match most reports.
PREFIX_MIN_LETTERS = 3
WORD = re.compile(r"[^\W_]+")


@dataclass(frozen=True)
class Term:
    """One searched word: its tsquery (as PostgreSQL printed it) and the ids of the named
    things it matches, by the report's field that points at them."""

    exact: str
    prefix: str
    ids: dict[str, list[int]] = field(default_factory=dict)

    def condition(self) -> Q:
        condition = Q(_Matches(F("search_vector"), _TsQuery(Value(self.prefix))))
        for name, ids in self.ids.items():
            if ids:
                condition |= Q(**{f"{name}_id__in": ids})
        return condition

    def named(self) -> Q | None:
        """The reports that lie in something this word names, or None when it names nothing."""
        named = [Q(**{f"{name}_id__in": ids}) for name, ids in self.ids.items() if ids]
        if not named:
            return None
        condition = named[0]
        for other in named[1:]:
            condition |= other
        return condition


class _TsQuery(Func):
    """A tsquery read from PostgreSQL's own printout of one (no parsing of user text)."""

    template = "%(expressions)s::tsquery"
    output_field = SearchQueryField()


class _Matches(Func):
    arg_joiner = " @@ "
    template = "(%(expressions)s)"
    output_field = BooleanField()


class _Rank(Func):
    function = "ts_rank"
    output_field = FloatField()


def search_words(text: str) -> list[str]:
    """The words of a search: letters and digits only, lowercased, each once, at most eight."""
    words = []
    for word in WORD.findall(text.lower()):
        if word not in words:
            words.append(word)
    return words[:MAX_WORDS]


def _named_fields() -> list[str]:
    """The report's fields that point at named things. ``intermediate_area`` joins once the
    report has one of its own (it is being added beside this); until then a mellanområde is
    found through its primärområden."""
    names = ["category", "place", "primary_area", "district"]
    try:
        Report._meta.get_field("intermediate_area")
    except FieldDoesNotExist:
        return names
    return [*names, "intermediate_area"]


def _sql() -> str:
    # The vocabulary: a category by its own and its main category's names (Swedish and
    # English), a place by its name and other names, a primärområde by its name and its
    # mellanområde's, a mellanområde and a district by their names.
    category = Category._meta.db_table
    place, primary = Place._meta.db_table, PrimaryArea._meta.db_table
    intermediate, district = IntermediateArea._meta.db_table, District._meta.db_table
    return f"""
        WITH parsed AS (
            SELECT i, websearch_to_tsquery('{CONFIG}', word) AS exact
            FROM unnest(%s::text[]) WITH ORDINALITY AS t(word, i)
        ), words AS (
            SELECT i, exact,
                   CASE WHEN numnode(exact) = 1 AND length(exact::text) >= %s
                        THEN (exact::text || ':*')::tsquery ELSE exact END AS query
            FROM parsed WHERE numnode(exact) > 0
        )
        SELECT w.exact::text, w.query::text,
            ARRAY(SELECT c.id FROM {category} c LEFT JOIN {category} p ON p.id = c.parent_id
                  WHERE to_tsvector('{CONFIG}', concat_ws(' ', c.name, c.name_en, p.name,
                                                          p.name_en)) @@ w.query),
            ARRAY(SELECT id FROM {place}
                  WHERE to_tsvector('{CONFIG}', concat_ws(' ', name,
                                                          array_to_string(aliases, ' ')))
                        @@ w.query),
            ARRAY(SELECT pa.id FROM {primary} pa
                  JOIN {intermediate} ia ON ia.id = pa.intermediate_area_id
                  WHERE to_tsvector('{CONFIG}', pa.name || ' ' || ia.name) @@ w.query),
            ARRAY(SELECT id FROM {district}
                  WHERE to_tsvector('{CONFIG}', name) @@ w.query),
            ARRAY(SELECT id FROM {intermediate}
                  WHERE to_tsvector('{CONFIG}', name) @@ w.query)
        FROM words w ORDER BY w.i
    """  # noqa: S608 (table names from the models; the words are a parameter)


def search_terms(text: str) -> list[Term]:
    """The searchable words of ``text`` with what each names, in one query. Stop words ("och",
    "i", "på") and anything without letters or digits drop out."""
    words = search_words(text)
    if not words:
        return []
    fields = _named_fields()
    with connection.cursor() as cursor:
        # "'abc'" is three letters: the quotes of PostgreSQL's printout count too.
        cursor.execute(_sql(), [words, PREFIX_MIN_LETTERS + 2])
        rows = cursor.fetchall()
    names = ["category", "place", "primary_area", "district", "intermediate_area"]
    return [
        Term(
            exact=exact,
            prefix=prefix,
            ids={name: ids for name, ids in zip(names, id_lists, strict=True) if name in fields},
        )
        for exact, prefix, *id_lists in rows
    ]


def search_condition(terms: list[Term]) -> Q:
    """Reports that every word matches."""
    condition = Q()
    for term in terms:
        condition &= term.condition()
    return condition


def search_relevance(terms: list[Term]):
    """How well a report matches, highest first: first how many words name its category,
    place or area (a report filed under Narkotikahandel is surely about narcotics), then its
    text (``ts_rank``, scaled below 1 so that text never outweighs a named match), where
    whole words count twice as much as compounds that start with them."""
    structured = Value(0.0)
    for term in terms:
        named = term.named()
        if named is not None:
            structured = structured + Case(When(named, then=Value(1.0)), default=Value(0.0))
    any_prefix = " | ".join(f"( {term.prefix} )" for term in terms)
    any_exact = " | ".join(f"( {term.exact} )" for term in terms)
    # 32 scales a rank r to r / (r + 1), below 1.
    text = (
        _Rank(F("search_vector"), _TsQuery(Value(any_prefix)), Value(32))
        + _Rank(F("search_vector"), _TsQuery(Value(any_exact)), Value(32))
    ) / Value(2.0)
    # Double precision throughout, so a cursor's value compares equal to the row it came from.
    return Cast(structured + text, FloatField())
