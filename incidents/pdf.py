"""The PDF of an agreed situation picture, drawn with reportlab (pure Python: no system
libraries to install, unlike HTML-to-PDF renderers that need Pango).

The document is built only from what the picture froze when it was agreed (its text, figures,
basis and signatures) and is written in reportlab's invariant mode (no creation time, a fixed file
id), so the same agreed picture always gives the same bytes.
"""

from io import BytesIO

from django.utils.formats import date_format
from django.utils.html import escape
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from reportlab.graphics.shapes import Drawing, Rect, String
from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle

from incidents.models import SituationPicture
from incidents.selectors.situation import (
    CHART_TITLE,
    picture_period,
)
from incidents.selectors.situation_basis import Basis, situation_basis_present, sources_of
from incidents.selectors.situation_display import (
    CHART_COLOURS,
    CountRow,
    SituationFigures,
    situation_figures_present,
)

_BRAND = colors.HexColor(CHART_COLOURS["current"])
_TABLE_STYLE = TableStyle(
    [
        ("FONTNAME", (0, 0), (-1, 0), "Helvetica-Bold"),
        ("FONTSIZE", (0, 0), (-1, -1), 8.5),
        ("LINEBELOW", (0, 0), (-1, 0), 0.8, _BRAND),
        ("LINEBELOW", (0, 1), (-1, -1), 0.25, colors.lightgrey),
        ("ALIGN", (1, 0), (-1, -1), "RIGHT"),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]
)


def _styles() -> dict:
    sheet = getSampleStyleSheet()
    return {
        "title": sheet["Title"],
        "h2": sheet["Heading2"],
        "h3": sheet["Heading3"],
        "body": sheet["BodyText"],
        "cell": ParagraphStyle("cell", parent=sheet["BodyText"], fontSize=8.5, leading=10),
        "cell_main": ParagraphStyle(
            "cell_main",
            parent=sheet["BodyText"],
            fontName="Helvetica-Bold",
            fontSize=8.5,
            leading=10,
        ),
        "cell_sub": ParagraphStyle(
            "cell_sub", parent=sheet["BodyText"], fontSize=8.5, leading=10, leftIndent=10
        ),
        "head": ParagraphStyle(
            "head", parent=sheet["BodyText"], fontName="Helvetica-Bold", fontSize=8, leading=10
        ),
        "head_right": ParagraphStyle(
            "head_right",
            parent=sheet["BodyText"],
            fontName="Helvetica-Bold",
            fontSize=8,
            leading=10,
            alignment=TA_RIGHT,
        ),
        "small": ParagraphStyle("small", parent=sheet["BodyText"], fontSize=8, leading=10),
        "cell_right": ParagraphStyle(
            "cell_right", parent=sheet["BodyText"], fontSize=8.5, leading=10, alignment=TA_RIGHT
        ),
    }


def _text(value: str, style) -> Paragraph:
    # Paragraph reads a small markup language: escape the text, keep its line breaks.
    return Paragraph(escape(value).replace("\n", "<br/>"), style)


def _header(titles: list[str], styles) -> list[Paragraph]:
    # Paragraphs, so that long headings wrap within their column.
    return [
        _text(title, styles["head"] if index == 0 else styles["head_right"])
        for index, title in enumerate(titles)
    ]


def _count_table(
    rows: list[CountRow], figures: SituationFigures, heading: str, styles, *, nested=False
):
    header = [
        heading,
        figures.current.label,
        figures.previous.label,
        _("Change from %(period)s") % {"period": figures.previous.label},
        figures.last_year.label,
        _("Change from %(period)s") % {"period": figures.last_year.label},
    ]
    data = [_header(header, styles)]
    for row in rows:
        style = styles["cell_sub"] if row.level else styles["cell"]
        if nested and not row.level:
            style = styles["cell_main"]
        data.append(
            [
                _text(row.label, style),
                row.current.display,
                row.previous.display,
                f"{row.change_previous.absolute} ({row.change_previous.percent})",
                row.last_year.display,
                f"{row.change_last_year.absolute} ({row.change_last_year.percent})",
            ]
        )
    table = Table(data, colWidths=[60 * mm, 20 * mm, 20 * mm, 25 * mm, 20 * mm, 25 * mm])
    table.setStyle(_TABLE_STYLE)
    return table


def _rates_table(figures: SituationFigures, styles):
    header = [
        _("Area"),
        _("Reports"),
        _("Population"),
        _("Population of the year"),
        _("Reports per 1,000 inhabitants"),
    ]
    data = [_header(header, styles)]
    for rate in figures.rates:
        data.append(
            [
                _text(rate.label, styles["cell"]),
                str(rate.count),
                str(rate.population or "–"),
                str(rate.year or "–"),
                rate.display,
            ]
        )
    table = Table(data, colWidths=[50 * mm, 25 * mm, 30 * mm, 30 * mm, 35 * mm])
    table.setStyle(_TABLE_STYLE)
    return table


def _city_table(figures: SituationFigures, styles):
    data = [
        _header(
            [
                _("Main category"),
                _("District"),
                _("City"),
                _("District's share of the city"),
                _("Share of the district's reports"),
                _("Share of the city's reports"),
            ],
            styles,
        )
    ]
    for row in [*figures.city, figures.city_total]:
        data.append(
            [
                _text(row.label, styles["cell"]),
                row.district.display,
                row.city.display,
                row.share_of_city,
                row.district_profile,
                row.city_profile,
            ]
        )
    table = Table(data, colWidths=[55 * mm, 20 * mm, 20 * mm, 25 * mm, 25 * mm, 25 * mm])
    table.setStyle(_TABLE_STYLE)
    return table


def _chart(figures: SituationFigures) -> Drawing:
    """The same bar chart as the page's SVG: main categories, this and the previous period."""
    rows = figures.main_categories
    width, label_width, value_width, bar = 170 * mm, 48 * mm, 12 * mm, 9
    row_height = 2 * bar + 8
    height = 24 + row_height * len(rows)
    drawing = Drawing(width, height)
    largest = max([c.count for r in rows for c in (r.current, r.previous) if c.known] or [0])
    scale = (width - label_width - value_width) / largest if largest else 0
    for index, (key, label) in enumerate(
        (("current", figures.current.label), ("previous", figures.previous.label))
    ):
        x = label_width + index * 60 * mm
        drawing.add(Rect(x, height - 12, 8, 8, fillColor=colors.HexColor(CHART_COLOURS[key])))
        drawing.add(String(x + 12, height - 11, label, fontName="Helvetica", fontSize=8))
    for index, row in enumerate(rows):
        top = height - 24 - index * row_height
        drawing.add(
            String(
                label_width - 6,
                top - bar - 2,
                row.label,
                fontName="Helvetica",
                fontSize=8,
                textAnchor="end",
            )
        )
        for offset, key in enumerate(("current", "previous")):
            cell = getattr(row, key)
            y = top - (offset + 1) * bar
            length = cell.count * scale if cell.known else 0
            drawing.add(
                Rect(
                    label_width,
                    y,
                    length,
                    bar - 1,
                    fillColor=colors.HexColor(CHART_COLOURS[key]),
                    strokeColor=None,
                )
            )
            drawing.add(
                String(
                    label_width + length + 3,
                    y + 1,
                    cell.display,
                    fontName="Helvetica",
                    fontSize=7.5,
                )
            )
    return drawing


def _basis_story(basis: Basis, styles) -> list:
    """The basis as on the page, each row's source as a numbered note under its table (the
    page links it; paper names it)."""
    story = [
        Paragraph(escape(pgettext("situation basis", "Basis")), styles["h2"]),
        _text(
            _(
                "The figures the draft was written from, frozen with the picture: the reports "
                "shared in the partnership and the district's own problems and measures."
            ),
            styles["small"],
        ),
    ]
    for title in basis.failed:
        story.append(
            _text(_("“%(title)s” could not be compiled.") % {"title": title}, styles["small"])
        )
    for section in basis.sections:
        story.append(Paragraph(escape(section.title), styles["h3"]))
        if section.rows:
            numbers = {id(row): number for number, row in sources_of(section)}
            data = [_header(list(section.columns), styles)]
            for row in section.rows:
                number = numbers.get(id(row))
                label = escape(row.label.text) + (f"<super>{number}</super>" if number else "")
                style = styles["cell_sub"] if row.level else styles["cell"]
                data.append(
                    [Paragraph(label, style)]
                    + [_text(cell.text, styles["cell_right"]) for cell in row.values]
                )
            first = 45 * mm
            rest = (170 * mm - first) / max(len(section.columns) - 1, 1)
            table = Table(data, colWidths=[first] + [rest] * (len(section.columns) - 1))
            table.setStyle(_TABLE_STYLE)
            story.append(table)
            notes = [f"{number} {row.source}" for number, row in sources_of(section)]
            if notes:
                story.append(
                    _text(
                        _("Sources: %(sources)s.") % {"sources": "; ".join(notes)},
                        styles["small"],
                    )
                )
        if section.note:
            story.append(_text(section.note, styles["small"]))
        if section.source:
            story.append(
                _text(_("Source: %(source)s") % {"source": section.source}, styles["small"])
            )
    return story


def situation_picture_pdf(*, picture: SituationPicture) -> bytes:
    """The agreed ``picture`` as a PDF: text, figures with a chart, and the signatures."""
    figures = situation_figures_present(figures=picture.figures, links=False)
    styles = _styles()
    period = picture_period(picture)
    title = _("Situation picture %(district)s, %(period)s") % {
        "district": picture.district.name,
        "period": period.label,
    }
    story = [
        Paragraph(escape(title), styles["title"]),
        _text(
            _("Period %(start)s – %(end)s. Agreed %(agreed)s.")
            % {
                "start": date_format(period.start, "SHORT_DATE_FORMAT"),
                "end": date_format(period.end, "SHORT_DATE_FORMAT"),
                "agreed": date_format(localtime(picture.agreed_at), "SHORT_DATETIME_FORMAT"),
            },
            styles["body"],
        ),
    ]
    for field in ("summary", "developments", "focus_places", "assessment"):
        text = getattr(picture, field)
        if text:
            story.append(
                Paragraph(
                    escape(picture._meta.get_field(field).verbose_name.capitalize()), styles["h2"]
                )
            )
            story.append(_text(text, styles["body"]))

    story.append(Paragraph(escape(_("Figures")), styles["h2"]))
    story.append(
        _text(
            _(
                "Counted when the picture was agreed, from the reports shared in the "
                "partnership; dismissed reports are not counted."
            ),
            styles["small"],
        )
    )
    story.append(Paragraph(escape(str(CHART_TITLE)), styles["h3"]))
    story.append(_chart(figures))
    story.append(Paragraph(escape(_("Reports by category")), styles["h3"]))
    story.append(
        _count_table(
            [figures.total, *figures.categories], figures, _("Category"), styles, nested=True
        )
    )
    if figures.places:
        story.append(Paragraph(escape(_("Places with most reports")), styles["h3"]))
        story.append(_count_table(figures.places, figures, _("Place"), styles))
    if figures.rates:
        story.append(Paragraph(escape(_("Reports per 1,000 inhabitants")), styles["h3"]))
        story.append(_rates_table(figures, styles))
    if figures.intermediate_areas:
        story.append(
            Paragraph(escape(_("Reports by intermediate area (mellanområde)")), styles["h3"])
        )
        story.append(
            _count_table(figures.intermediate_areas, figures, _("Intermediate area"), styles)
        )
        story.append(
            _text(
                _(
                    "No population is known per intermediate area, so their measure is "
                    "reports per km² of the area, not per inhabitant."
                )
                + " "
                + ", ".join(
                    f"{row.label}: {row.rate}" for row in figures.intermediate_areas if row.rate
                ),
                styles["small"],
            )
        )
    if figures.primary_areas:
        story.append(Paragraph(escape(_("Reports by primary area")), styles["h3"]))
        story.append(_count_table(figures.primary_areas, figures, _("Primary area"), styles))
    if figures.city_total is not None:
        story.append(Paragraph(escape(_("The district against the whole city")), styles["h3"]))
        story.append(_city_table(figures, styles))

    basis = situation_basis_present(picture.basis)
    if basis:
        story.extend(_basis_story(basis, styles))

    story.append(Paragraph(escape(_("Signatures")), styles["h2"]))
    for signature in picture.signatures.select_related("organisation", "signed_by"):
        story.append(
            _text(
                _("%(organisation)s: signed by %(person)s, %(when)s")
                % {
                    "organisation": signature.organisation.name,
                    "person": signature.signed_by,
                    "when": date_format(localtime(signature.signed_at), "SHORT_DATETIME_FORMAT"),
                },
                styles["body"],
            )
        )
    # Nothing after the signatures: a trailing Spacer that no longer fits the last page made a
    # page of its own, blank but for the footer (issue #13).

    def footer(canvas, document):
        canvas.saveState()
        canvas.setFont("Helvetica", 8)
        canvas.drawString(20 * mm, 10 * mm, f"Trygg · {title}")
        canvas.drawRightString(190 * mm, 10 * mm, str(document.page))
        canvas.restoreState()

    buffer = BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        title=title,
        author="Trygg",
        leftMargin=20 * mm,
        rightMargin=20 * mm,
        topMargin=18 * mm,
        bottomMargin=18 * mm,
        invariant=True,
    )
    document.build(story, onFirstPage=footer, onLaterPages=footer)
    return buffer.getvalue()


def situation_picture_filename(picture: SituationPicture) -> tuple[str, str]:
    """The PDF's file name in Swedish, as (ASCII, UTF-8): ``lagesbild-centrum-2026-kvartal-3.pdf``
    and ``lägesbild-centrum-2026-kvartal-3.pdf``. The slug keeps the district ASCII-safe."""
    from incidents.choices import PeriodKind

    start = picture.period_start
    if picture.period_kind == PeriodKind.QUARTER:
        period = f"{start.year}-kvartal-{(start.month - 1) // 3 + 1}"
    elif picture.period_kind == PeriodKind.MONTH:
        period = f"{start.year}-{start.month:02d}"
    else:
        period = f"{start.year}"
    name = f"{picture.district.slug}-{period}.pdf"
    return f"lagesbild-{name}", f"lägesbild-{name}"
