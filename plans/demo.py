"""Demo problems and an agreed action plan for Centrum, for `make run`.

Written through the plans services as the demo analyst and the two demo managers, so the demo
has the audit trail, the priority breakdown, the signatures and the progress figures that real
use would give. Idempotent: once Centrum has its plan for the year, nothing is added.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone

from accounts.models import Organisation, User
from areas.models import District, Place
from incidents.models import Report
from plans.choices import CauseHorizon, CauseKind, MeasureStatus, TriangleSide
from plans.models import ActionPlan
from plans.services.measures import MeasureData, follow_up_create, measure_create
from plans.services.plans import plan_create, plan_sign
from plans.services.problems import CauseInput, problem_analysis_update, problem_create

# The measure whose effect the demo reports show (its start date is the planted effect's).
EFFECT_MEASURE = "Polisiär närvaro kvällstid"

# Reports linked to each demo problem: the latest of its place and categories.
LINKED_REPORTS = 40


@dataclass(frozen=True)
class DemoCast:
    """Who writes the demo plan: an analyst of the district, and a manager of each owner."""

    district: District
    analyst: User
    social_services: Organisation
    police: Organisation
    managers: tuple[User, User]
    partner: Organisation  # responsible for one measure, as housing companies often are


def _problem(cast: DemoCast, *, place: str, categories: tuple[str, ...], **fields):
    spot = Place.objects.get(slug=place)
    reports = (
        Report.objects.visible_to(cast.analyst)
        .filter(place=spot, category__code__in=categories)
        .order_by("-occurred_at")
        .values_list("pk", flat=True)[:LINKED_REPORTS]
    )
    written, _links = problem_create(
        actor=cast.analyst,
        district=cast.district,
        places=[spot],
        report_ids=list(reports),
        **fields,
    )
    return written.obj


def demo_plans_create(cast: DemoCast, *, start: date) -> int:
    """Two problems, a cause analysis, an agreed plan with four measures starting on ``start``
    and their follow-ups in ``cast.district``, for a year from the first of that month;
    returns how many measures it made (0 when a plan of the district overlaps that year)."""
    today = timezone.localdate()
    year_start = start.replace(day=1)
    year_end = date(year_start.year + 1, year_start.month, 1) - timedelta(days=1)
    if ActionPlan.objects.filter(
        district=cast.district, period_start__lte=year_end, period_end__gte=year_start
    ).exists():
        return 0
    dealing = _problem(
        cast,
        place="brunnsparken",
        categories=("narkotikahandel", "paverkade-personer"),
        title="Öppen narkotikahandel i Brunnsparken på kvällarna",
        situation="Langning vid hållplatserna från sen eftermiddag; resenärer och personal "
        "känner sig otrygga, särskilt fredagar och lördagar.",
        influence=4,
        influence_reason="Polis, fältassistenter och Västtrafik är redan på plats och vill "
        "samverka.",
    )
    problem_analysis_update(
        actor=cast.analyst,
        problem=dealing,
        version=dealing.version,
        triangle={
            "offender": "Unga säljare, ofta rekryterade från andra stadsdelar.",
            "handler": "Föräldrar, skola och socialtjänstens fältassistenter.",
            "target": "Köpare och resenärer som väntar vid hållplatserna.",
            "guardian": "Polis, ordningsvakter och Västtrafiks personal.",
            "place": "Skymda hörn vid hållplatserna, dålig belysning efter mörkrets inbrott.",
            "place_manager": "Trafikkontoret och Västtrafik.",
        },
        causes=[
            CauseInput(
                description="Dålig belysning och skymda platser gör handeln svår att upptäcka.",
                kind=CauseKind.SITUATIONAL,
                horizon=CauseHorizon.SHORT,
                side=TriangleSide.PLACE,
            ),
            CauseInput(
                description="Unga utan sysselsättning rekryteras som säljare.",
                kind=CauseKind.SOCIAL,
                horizon=CauseHorizon.LONG,
                side=TriangleSide.OFFENDER,
            ),
        ],
    )
    disorder = _problem(
        cast,
        place="jarntorget",
        categories=("storande-grupper", "nedskrapning", "klotter"),
        title="Stökiga grupper, klotter och nedskräpning vid Järntorget",
        situation="Grupper samlas kvällstid, skräp och klotter blir kvar till nästa dag.",
        influence=3,
        influence_reason="Fastighetsägarna kan sanera snabbt om de får veta det.",
    )
    plan = plan_create(
        actor=cast.analyst,
        district=cast.district,
        period_start=year_start,
        period_end=year_end,
        social_services=cast.social_services,
        police=cast.police,
        summary="Fokus på kvällsmiljön i Brunnsparken och vid Järntorget.",
        public_intro="Polisen och Göteborgs Stad lovar att göra Brunnsparken och Järntorget "
        "tryggare på kvällarna.",
    ).obj
    spring, autumn = start + timedelta(days=60), start + timedelta(days=240)
    measures = [
        MeasureData(
            title="Ny belysning i Brunnsparken",
            responsible=cast.social_services,
            target="Ny belysning vid alla hållplatser före sommaren",
            start_date=start,
            end_date=spring + timedelta(days=90),
            problems=[dealing],
            is_public=True,
            public_text="Vi sätter upp ny belysning vid hållplatserna i Brunnsparken.",
        ),
        MeasureData(
            title=EFFECT_MEASURE,
            responsible=cast.police,
            target="Närvaro i Brunnsparken minst 200 gånger under året",
            target_value=Decimal(200),
            target_unit="tillfällen",
            start_date=start,
            end_date=year_end,
            problems=[dealing],
            is_public=True,
            public_text="Polisen är på plats i Brunnsparken flera kvällar varje vecka.",
        ),
        MeasureData(
            title="Fältassistenter fredag och lördag",
            responsible=cast.social_services,
            target="Fältassistenter på plats minst 80 kvällar",
            target_value=Decimal(80),
            target_unit="kvällar",
            start_date=start,
            end_date=year_end,
            problems=[dealing, disorder],
        ),
        MeasureData(
            title="Klotter och skräp bort inom ett dygn",
            responsible=cast.partner,
            target="Sanering inom 24 timmar efter anmälan",
            start_date=start,
            # Past its end and not done: shows as försenad without anyone setting it.
            end_date=max(start, min(autumn, today - timedelta(days=1))),
            problems=[disorder],
        ),
    ]
    made = [measure_create(actor=cast.analyst, plan=plan, data=data)[0].obj for data in measures]
    for manager in cast.managers:
        plan_sign(actor=manager, plan=plan)
    plan.refresh_from_db()  # agreed now; the measures point at this instance
    light, presence, field_workers, cleaning = made
    follow_ups = [
        (light, spring, MeasureStatus.STARTED, None, "Beställning lagd hos Trafikkontoret."),
        (light, spring + timedelta(days=80), MeasureStatus.DONE, None, "Belysningen är på plats."),
        (presence, spring, MeasureStatus.STARTED, Decimal(45), ""),
        (presence, autumn, MeasureStatus.STARTED, Decimal(150), "Något efter plan i somras."),
        (field_workers, autumn, MeasureStatus.STARTED, Decimal(52), ""),
        (cleaning, spring + timedelta(days=30), MeasureStatus.STARTED, None, "Avtal klart."),
    ]
    for measure, day, status, value, note in follow_ups:
        if day <= today:
            follow_up_create(
                actor=cast.analyst,
                measure=measure,
                date=day,
                status=status,
                indicator_value=value,
                note=note,
            )
    return len(made)
