"""The PDF of an agreed action plan, drawn with reportlab like the situation picture's
(pure Python, invariant mode: the same plan on the same day gives the same bytes)."""

from io import BytesIO

from django.utils.formats import date_format
from django.utils.html import escape
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle

from plans.models import ActionPlan, Measure, PlanRevision, PlanSignature
from plans.selectors.plans import PlanProgress

_BRAND = colors.HexColor("#12355b")
_GRID = TableStyle(
    [
        ("LINEBELOW", (0, 0), (-1, 0), 0.8, _BRAND),
        ("LINEBELOW", (0, 1), (-1, -1), 0.25, colors.lightgrey),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]
)


def _paragraph(text: str, style) -> Paragraph:
    # Paragraph reads a small markup language: escape the text, keep its line breaks.
    return Paragraph(escape(text).replace("\n", "<br/>"), style)


def _date(value) -> str:
    return date_format(value, "SHORT_DATE_FORMAT")


def _target(measure: Measure) -> str:
    if measure.target_value is None:
        return measure.target
    return (
        f"{measure.target} ({measure.get_target_direction_display()} "
        f"{measure.target_value.normalize():f} {measure.target_unit})".strip()
    )


def _latest(measure: Measure) -> str:
    follow_up = measure.latest_follow_up
    if follow_up is None:
        return _("No follow-up yet")
    parts = [_date(follow_up.date), follow_up.get_status_display()]
    if follow_up.indicator_value is not None:
        parts.append(_("value %(value)s") % {"value": f"{follow_up.indicator_value.normalize():f}"})
    if follow_up.note:
        parts.append(follow_up.note)
    return " · ".join(parts)


def _areas(areas) -> str:
    return ", ".join(f"{a.name} ({a.code})" for a in areas) or "–"


def _evaluation_lines(evaluation) -> list[str]:
    """The effect of one measure as the PDF says it: the reading, the numbers, the design."""
    design = evaluation.design
    if design is None:
        return [_("Measured once the measure has started.")]
    result = evaluation.result
    if evaluation.reading:
        lines = [evaluation.reading]
    else:
        lines = [_("No estimate yet: no after period, or no target or comparison area.")]
    if result is not None:
        counts = _("Reports before/after: target %(tb)d/%(ta)d, comparison %(cb)d/%(ca)d") % {
            "tb": result.target.before,
            "ta": result.target.after,
            "cb": result.comparison.before,
            "ca": result.comparison.after,
        }
        if result.buffer is not None:
            counts += _(", buffer %(bb)d/%(ba)d") % {
                "bb": result.buffer.before,
                "ba": result.buffer.after,
            }
        lines.append(counts + ".")
        if result.effect is not None:
            numbers = _("Ratio of rate ratios %(ratio).2f (95 %% CI %(low).2f–%(high).2f)") % {
                "ratio": result.effect.ratio,
                "low": result.effect.low,
                "high": result.effect.high,
            }
            if result.wdq is not None:
                numbers += _("; weighted displacement quotient %(wdq).2f") % {"wdq": result.wdq}
            lines.append(numbers + ".")
    lines.append(
        _(
            "Target: %(target)s. Comparison: %(comparison)s. Buffer: %(buffer)s. Before "
            "%(bs)s – %(be)s, after %(as)s – %(ae)s. Categories: %(categories)s."
        )
        % {
            "target": _areas(evaluation.target_areas),
            "comparison": _areas(evaluation.comparison_areas),
            "buffer": _areas(evaluation.buffer_areas),
            "bs": _date(design.before_start),
            "be": _date(design.before_end),
            "as": _date(design.after_start),
            "ae": _date(design.after_end),
            "categories": ", ".join(c.name for c in evaluation.categories) or _("all"),
        }
    )
    fixed = _("Design fixed %(when)s.") % {"when": _date(localtime(design.fixed_at))}
    for revision in evaluation.revisions:
        fixed += " " + _("Changed %(when)s (revision %(number)d): %(reason)s") % {
            "when": _date(localtime(revision.created_at)),
            "number": revision.number,
            "reason": revision.reason,
        }
    lines.append(fixed)
    return lines


def _evaluation_story(measures, evaluations: dict, body, heading) -> list:
    """The measured effects, for the measures whose effect the exporting person may see."""
    shown = [(m, evaluations.get(m.pk)) for m in measures if evaluations.get(m.pk) is not None]
    if not shown:
        return []
    story = [Paragraph(escape(_("Measured effects")), heading)]
    for measure, evaluation in shown:
        story.append(
            _paragraph(f"{measure.title}: " + " ".join(_evaluation_lines(evaluation)), body)
        )
    story.append(
        _paragraph(
            _(
                "Built on reports shared in the partnership. Reports are not crime: a change "
                "can be a change in reporting."
            ),
            body,
        )
    )
    return story


def action_plan_pdf(
    *,
    plan: ActionPlan,
    measures: list[Measure],
    progress: PlanProgress,
    signatures: list[PlanSignature],
    revisions: list[PlanRevision],
    evaluations: dict | None = None,
) -> bytes:
    """The plan, its progress, its measures with their latest follow-up, who signed, and
    its revisions."""
    sheet = getSampleStyleSheet()
    body, heading = sheet["BodyText"], sheet["Heading2"]
    cell = ParagraphStyle("cell", parent=body, fontSize=8, leading=10)
    head = ParagraphStyle("head", parent=cell, fontName="Helvetica-Bold")
    title = str(plan)
    story = [
        Paragraph(escape(title), sheet["Title"]),
        _paragraph(
            _("Period %(start)s – %(end)s · %(status)s · revision %(revision)s")
            % {
                "start": _date(plan.period_start),
                "end": _date(plan.period_end),
                "status": plan.get_status_display(),
                "revision": plan.revision,
            },
            body,
        ),
        _paragraph(
            _("Owned by %(social)s and %(police)s.")
            % {"social": plan.social_services.name, "police": plan.police.name},
            body,
        ),
    ]
    if plan.summary:
        story += [
            Paragraph(escape(_("Focus of the plan")), heading),
            _paragraph(plan.summary, body),
        ]

    story.append(Paragraph(escape(_("Progress")), heading))
    counts = ", ".join(f"{label.lower()} {count}" for _s, label, count in progress.by_status)
    story.append(
        _paragraph(
            _(
                "%(total)d measures: %(counts)s. Targets met: %(met)d of %(with_target)d "
                "measures with a numeric target."
            )
            % {
                "total": progress.total,
                "counts": counts,
                "met": progress.targets_met,
                "with_target": progress.with_target,
            },
            body,
        )
    )

    story.append(Paragraph(escape(_("Measures")), heading))
    rows = [
        [
            _paragraph(text, head)
            for text in (
                _("Measure"),
                _("Responsible"),
                _("Target"),
                _("Period"),
                _("Status"),
                _("Latest follow-up"),
                _("Addresses"),
            )
        ]
    ]
    for measure in measures:
        addresses = "\n".join(
            [p.title for p in measure.problems.all()]
            + [f"– {c.description}" for c in measure.causes.all()]
        )
        rows.append(
            [
                _paragraph(measure.title, cell),
                _paragraph(measure.responsible.name, cell),
                _paragraph(_target(measure), cell),
                _paragraph(f"{_date(measure.start_date)} – {_date(measure.end_date)}", cell),
                _paragraph(measure.display_status_label(), cell),
                _paragraph(_latest(measure), cell),
                _paragraph(addresses, cell),
            ]
        )
    table = Table(
        rows,
        colWidths=[w * mm for w in (45, 30, 45, 30, 22, 50, 45)],
        repeatRows=1,
    )
    table.setStyle(_GRID)
    story.append(table)

    story += _evaluation_story(measures, evaluations or {}, body, heading)

    story.append(Paragraph(escape(_("Signatures")), heading))
    for signature in signatures:
        story.append(
            _paragraph(
                _("%(organisation)s: signed by %(person)s, %(when)s")
                % {
                    "organisation": signature.organisation.name,
                    "person": signature.signed_by,
                    "when": date_format(localtime(signature.signed_at), "SHORT_DATETIME_FORMAT"),
                },
                body,
            )
        )
    if revisions:
        story.append(Paragraph(escape(_("Revisions")), heading))
        for revision in revisions:
            reason = revision.reason or _("Agreed: signed by both owners.")
            story.append(
                _paragraph(
                    _("Revision %(number)s, %(when)s: %(reason)s")
                    % {
                        "number": revision.number,
                        "when": _date(localtime(revision.created_at)),
                        "reason": reason,
                    },
                    body,
                )
            )

    def footer(canvas, document):
        canvas.saveState()
        canvas.setFont("Helvetica", 8)
        canvas.drawString(15 * mm, 8 * mm, f"Trygg · {title}")
        canvas.drawRightString(282 * mm, 8 * mm, str(document.page))
        canvas.restoreState()

    buffer = BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=landscape(A4),
        title=title,
        author="Trygg",
        leftMargin=15 * mm,
        rightMargin=15 * mm,
        topMargin=15 * mm,
        bottomMargin=15 * mm,
        invariant=True,
    )
    document.build(story, onFirstPage=footer, onLaterPages=footer)
    return buffer.getvalue()
