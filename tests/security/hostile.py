"""The hostile-input set: values a careless or malicious writer sends, and what must hold
after any of them reached any form or API write of the portal.

Each value must end in a 4xx (or the form shown again with an error), or be stored and shown
escaped, with an identity number masked; never a 500. The cases are counted
(``tests/security/conftest.py`` prints the totals).
"""

import html
from html.parser import HTMLParser

from django.apps import apps
from django.db import connection

PERSONNUMMER = "19121212-1212"
MARKUP = ("<script>alert(1)</script>", '"><img src=x onerror=alert(1)>')

HOSTILE = {
    "script": "<script>alert(1)</script>",
    "attribute": '"><img src=x onerror=alert(1)>',
    "template": "{{ request.user.password }}{% debug %}{# x #}",
    "sql": "'; DROP TABLE incidents_report; --",
    "nul": "före\x00efter",
    "crlf": "rad ett\r\nrad två\rSet-Cookie: x=1",
    "rtl": "\u202egnp.exe fil",
    "emoji": "👮‍♀️🚓 brand 🔥",
    "10kb": "lång text " * 1000,
    "1mb": "y" * 1_000_000,
    "formula_equals": '=HYPERLINK("http://example.org","klicka")',
    "formula_plus": "+1+1",
    "formula_minus": "-2+3",
    "formula_at": "@SUM(A1:A9)",
    "personnummer": f"Anmälaren {PERSONNUMMER} ringde",
}
# For fields that take a number, a date or a choice: enough to prove they refuse text.
HOSTILE_FOR_CHOICES = {name: HOSTILE[name] for name in ("attribute", "nul", "10kb")}


def assert_shown_escaped(page: str, *, where: str) -> None:
    """No hostile markup reaches a page unescaped."""
    for markup in MARKUP:
        assert markup not in page, f"{where}: unescaped {markup!r}"


def assert_not_server_error(response, *, where: str) -> None:
    assert response.status_code < 500, f"{where}: {response.status_code}"


def assert_no_identity_number_stored(*, where: str, tables_left_out=()) -> None:
    """No text column of the portal's own tables holds the identity number, in any table
    (so a new table cannot escape the check)."""
    digits = PERSONNUMMER.replace("-", "")
    with connection.cursor() as cursor:
        for model in apps.get_models():
            if model._meta.app_label not in {"accounts", "areas", "incidents", "plans", "overview"}:
                continue
            table = model._meta.db_table
            if table in tables_left_out:
                continue
            columns = [
                field.column
                for field in model._meta.concrete_fields
                if field.get_internal_type() in {"CharField", "TextField", "JSONField"}
            ]
            for column in columns:
                cursor.execute(
                    f'SELECT count(*) FROM "{table}" WHERE "{column}"::text LIKE %s '  # noqa: S608
                    f'OR replace("{column}"::text, %s, %s) LIKE %s',
                    [f"%{PERSONNUMMER}%", "-", "", f"%{digits}%"],
                )
                assert cursor.fetchone()[0] == 0, f"{where}: {table}.{column} holds the number"


TEXT_INPUTS = {"text", "search", "email", "password", "tel", "url"}


class FormReader(HTMLParser):
    """What a browser would send from the page's forms as they stand: every input's value,
    checked boxes, chosen options (the first when none is chosen) and text areas; and which
    fields a person types text into (``text``) or picks, ticks or dates (``choice``)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[dict] = []
        self._select: str | None = None
        self._select_first: str | None = None
        self._select_chosen = False
        self._textarea: str | None = None

    @property
    def _fields(self) -> list[tuple[str, str]]:
        return self.forms[-1]["fields"]

    def handle_starttag(self, tag, attrs):
        attrs = {name: value if value is not None else "" for name, value in attrs}
        if tag == "form":
            self.forms.append(
                {
                    "action": attrs.get("action", ""),
                    "method": attrs.get("method", "get").lower(),
                    "fields": [],
                    "kinds": {},
                }
            )
        if not self.forms:
            return
        name = attrs.get("name")
        if tag == "input" and name:
            kind = attrs.get("type", "text").lower()
            if kind in {"submit", "button", "file", "reset", "image"}:
                return
            self.forms[-1]["kinds"][name] = "text" if kind in TEXT_INPUTS else "choice"
            if kind in {"checkbox", "radio"} and "checked" not in attrs:
                return
            self._fields.append((name, attrs.get("value", "on" if kind == "checkbox" else "")))
        elif tag == "select" and name:
            self.forms[-1]["kinds"][name] = "choice"
            self._select, self._select_first = name, None
            # A list box sends nothing when nothing is chosen; a drop-down its first option.
            self._select_chosen = "multiple" in attrs
        elif tag == "option" and self._select:
            value = attrs.get("value", "")
            if self._select_first is None:
                self._select_first = value
            if "selected" in attrs:
                self._fields.append((self._select, value))
                self._select_chosen = True
        elif tag == "textarea" and name:
            self.forms[-1]["kinds"][name] = "text"
            self._textarea = name
            self._fields.append((name, ""))

    def handle_data(self, data):
        if self._textarea and self.forms:
            name, value = self._fields[-1]
            self._fields[-1] = (name, value + data)

    def handle_endtag(self, tag):
        if tag == "select" and self._select:
            if not self._select_chosen and self._select_first is not None and self.forms:
                self._fields.append((self._select, self._select_first))
            self._select = None
        elif tag == "textarea":
            if self._textarea and self.forms:
                name, value = self._fields[-1]
                # A browser drops the first newline after <textarea>.
                self._fields[-1] = (name, value[1:] if value.startswith("\n") else value)
            self._textarea = None


def form_on_page(page: str, *, action: str) -> tuple[dict, dict]:
    """The data of the form on ``page`` that posts to ``action`` ("" is the page itself),
    and the kind of each of its fields."""
    reader = FormReader()
    reader.feed(page)
    posting = [form for form in reader.forms if form["method"] == "post"]
    for wanted in (action, ""):
        for form in posting:
            if html.unescape(form["action"]) == wanted:
                data: dict[str, list[str]] = {}
                for name, value in form["fields"]:
                    data.setdefault(name, []).append(value)
                return data, form["kinds"]
    raise AssertionError(f"no form posting to {action!r} on the page")
