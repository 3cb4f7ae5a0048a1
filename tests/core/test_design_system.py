"""The design system (docs/design.md): its colour pairs reach WCAG AA, computed here from
static/css/trygg.css with WCAG's own formula, so a colour change that breaks contrast fails;
every status has a tone; and the components render what they document."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.template.loader import render_to_string

from core.templatetags.design import STATUS_TONES, TONES, status_tone
from incidents.choices import ImportStatus, PictureStatus, ReportStatus
from plans.choices import MeasureStatus, PlanStatus, PriorityLevel, ProblemStatus

CSS = Path(settings.BASE_DIR) / "static" / "css" / "trygg.css"
TEMPLATES = Path(settings.BASE_DIR) / "templates"
AA_NORMAL_TEXT = 4.5
TONE_PAIRS = ["neutral", "info", "success", "warning", "danger"]
# Every pair the palette must have, so renaming a token cannot silently drop its check.
REQUIRED_PAIRS = {
    ("--trygg-brand", "--trygg-on-brand"),
    ("--trygg-brand-dark", "--trygg-on-brand-dark"),
    ("--trygg-accent", "--trygg-on-accent"),
    ("--trygg-surface", "--trygg-on-surface"),
    *((f"--trygg-{tone}-bg", f"--trygg-{tone}-text") for tone in TONE_PAIRS),
}
# Pairs outside the naming convention: links on the page's background.
EXTRA_PAIRS = {
    ("--trygg-surface", "--bs-link-color"),
    ("--trygg-surface", "--bs-link-hover-color"),
}


def _css_without_comments() -> str:
    return re.sub(r"/\*.*?\*/", "", CSS.read_text(), flags=re.DOTALL)


def _rules() -> dict[str, dict[str, str]]:
    """Selector → its declarations, for the rules without nested blocks."""
    rules: dict[str, dict[str, str]] = {}
    for selector, body in re.findall(r"([^{}]+)\{([^{}]*)\}", _css_without_comments()):
        declarations = rules.setdefault(selector.strip(), {})
        for name, value in re.findall(r"([-\w]+)\s*:\s*([^;]+);", body):
            declarations[name] = value.strip()
    return rules


def _tokens() -> dict[str, str]:
    return {name: value for name, value in _rules()[":root"].items() if name.startswith("--")}


def _resolve(tokens: dict[str, str], value: str) -> str:
    """A token's colour, following var(--other) references."""
    for _ in range(10):
        reference = re.fullmatch(r"var\((--[-\w]+)\)", value)
        if not reference:
            return value
        value = tokens[reference.group(1)]
    raise AssertionError(f"var() references loop at {value}")


def _rgb(colour: str) -> tuple[int, int, int]:
    match = re.fullmatch(r"#([0-9a-fA-F]{3}|[0-9a-fA-F]{6})", colour)
    assert match, f"{colour!r} is not a hex colour: the contrast check reads hex colours only"
    digits = match.group(1)
    if len(digits) == 3:
        digits = "".join(digit * 2 for digit in digits)
    return int(digits[0:2], 16), int(digits[2:4], 16), int(digits[4:6], 16)


def relative_luminance(colour: str) -> float:
    """WCAG 2.x relative luminance of an sRGB colour."""

    def linear(channel: int) -> float:
        c = channel / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(channel) for channel in _rgb(colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(one: str, other: str) -> float:
    lighter, darker = sorted((relative_luminance(one), relative_luminance(other)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def _pairs(tokens: dict[str, str]) -> set[tuple[str, str]]:
    """(background, text) by the convention trygg.css states: --trygg-on-X is text on
    --trygg-X, and --trygg-X-text is text on --trygg-X-bg."""
    pairs = set()
    for name in tokens:
        if name.startswith("--trygg-on-"):
            pairs.add(("--trygg-" + name.removeprefix("--trygg-on-"), name))
        elif name.startswith("--trygg-") and name.endswith("-text"):
            pairs.add((name.removesuffix("-text") + "-bg", name))
    return pairs


def test_the_contrast_formula_gives_wcags_known_values():
    assert contrast_ratio("#000000", "#ffffff") == pytest.approx(21)
    assert contrast_ratio("#fff", "#fff") == pytest.approx(1)
    # Bootstrap's #0d6efd on white is the textbook borderline case, 4.50:1; #777 fails.
    assert contrast_ratio("#0d6efd", "#ffffff") == pytest.approx(4.50, abs=0.01)
    assert contrast_ratio("#777777", "#ffffff") < AA_NORMAL_TEXT


def test_it_names_every_pair_the_palette_must_have():
    tokens = _tokens()
    assert _pairs(tokens) >= REQUIRED_PAIRS
    for background, text in REQUIRED_PAIRS | EXTRA_PAIRS:
        assert background in tokens and text in tokens


@pytest.mark.parametrize("background, text", sorted(_pairs(_tokens()) | EXTRA_PAIRS))
def test_every_text_and_background_pair_reaches_wcag_aa(background, text):
    tokens = _tokens()
    assert background in tokens, f"{text} has no {background} to stand on"
    ratio = contrast_ratio(_resolve(tokens, tokens[background]), _resolve(tokens, tokens[text]))
    assert ratio >= AA_NORMAL_TEXT, f"{text} on {background}: {ratio:.2f}:1"


@pytest.mark.parametrize("tone", TONES)
def test_each_badge_tone_paints_a_checked_pair(tone):
    declarations = _rules()[f".trygg-badge-{tone}"]
    background = re.fullmatch(r"var\((--[-\w]+)\)", declarations["background-color"]).group(1)
    text = re.fullmatch(r"var\((--[-\w]+)\)", declarations["color"]).group(1)
    assert (background, text) in _pairs(_tokens())


def test_bootstraps_primary_is_the_brand():
    tokens = _tokens()
    assert _resolve(tokens, tokens["--bs-primary"]) == tokens["--trygg-brand"]
    rgb = tuple(int(part) for part in tokens["--bs-primary-rgb"].split(","))
    assert rgb == _rgb(tokens["--trygg-brand"])


@pytest.mark.parametrize(
    "kind, choices",
    [
        ("measure", MeasureStatus),
        ("plan", PlanStatus),
        ("problem", ProblemStatus),
        ("priority", PriorityLevel),
        ("picture", PictureStatus),
        ("import", ImportStatus),
        ("report", ReportStatus),
    ],
)
def test_every_status_has_a_tone(kind, choices):
    assert set(STATUS_TONES[kind]) == set(choices.values)
    assert set(STATUS_TONES[kind].values()) <= set(TONES)


def test_the_tones_say_how_a_thing_stands():
    assert status_tone(MeasureStatus.DELAYED, "measure") == "danger"
    assert status_tone("failed", "import") == "danger"
    assert status_tone("awaiting_decision", "import") == "warning"
    assert status_tone("done", "measure") == "success"
    assert status_tone("started", "measure") == "info"
    assert status_tone("no such status", "plan") == "neutral"
    with pytest.raises(KeyError):
        status_tone("done", "no such kind")


def _template_sources():
    return [(path, path.read_text()) for path in TEMPLATES.rglob("*.html")]


def test_no_template_but_the_badge_component_writes_a_badges_classes():
    pattern = re.compile(r'class="[^"]*\bbadge\b')
    writers = [path for path, source in _template_sources() if pattern.search(source)]
    assert [str(path.relative_to(TEMPLATES)) for path in writers] == ["components/badge.html"]


def test_the_templates_use_only_tones_and_kinds_the_system_knows():
    sources = "\n".join(source for _, source in _template_sources())
    assert set(re.findall(r'\btone="(\w+)"', sources)) <= set(TONES)
    kinds = set(re.findall(r'components/status_badge\.html" with kind="(\w+)"', sources))
    assert kinds and kinds <= set(STATUS_TONES)


def test_a_badge_renders_its_tone_and_label():
    html = render_to_string("components/badge.html", {"tone": "warning", "label": "Vänta & se"})
    assert html == '<span class="badge trygg-badge trygg-badge-warning">Vänta &amp; se</span>'
    html = render_to_string("components/badge.html", {"label": "3", "class": "me-1"})
    assert html == '<span class="badge trygg-badge trygg-badge-neutral me-1">3</span>'


def test_a_status_badge_takes_its_tone_from_the_status():
    html = render_to_string(
        "components/status_badge.html",
        {"kind": "measure", "status": "delayed", "label": "Försenad"},
    )
    assert html == '<span class="badge trygg-badge trygg-badge-danger">Försenad</span>'


def test_a_figure_card_shows_its_label_value_note_and_link():
    html = render_to_string(
        "components/figure_card.html",
        {
            "label": "Rapporter",
            "value": "1 234",
            "note": "+12 (5 %) från oktober",
            "note_more": "−3 (−1 %) från november 2024",
            "link": "/rapporter/?status=new",
            "link_text": "Visa rapporterna",
            "figure": "total",
        },
    )
    assert '<h3 class="trygg-figure-card-label card-title">Rapporter</h3>' in html
    assert '<p class="trygg-figure-card-value" data-figure="total">1 234</p>' in html
    assert "+12 (5 %) från oktober<br>−3 (−1 %) från november 2024" in html
    assert '<a href="/rapporter/?status=new">Visa rapporterna</a>' in html
    bare = render_to_string("components/figure_card.html", {"label": "Andel", "value": "–"})
    assert "data-figure" not in bare and "<a " not in bare and "figure-card-note" not in bare


def test_a_section_card_is_a_section_named_by_its_heading_around_its_body():
    html = render_to_string(
        "components/section_card.html",
        {
            "title": "Granska",
            "heading_id": "trygg-review",
            "body": "components/badge.html",
            "label": "ny",
        },
    )
    assert '<section class="card trygg-card mb-3" aria-labelledby="trygg-review">' in html
    assert '<h2 class="h5 card-title" id="trygg-review">Granska</h2>' in html
    assert '<span class="badge trygg-badge trygg-badge-neutral">ny</span>' in html
    html = render_to_string(
        "components/section_card.html",
        {"title": "Om", "heading_id": "om", "text": "Kort text.", "level": 3, "size": "h6"},
    )
    assert '<h3 class="h6 card-title" id="om">Om</h3>' in html
    assert '<p class="mb-0">Kort text.</p>' in html
