"""Reads of action plans, measures and follow-ups. Each starts from ``visible_to(user)``;
the medborgarlöfte from ``Measure.objects.public()``."""

from collections import Counter
from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from accounts.choices import OrganisationKind
from accounts.models import Organisation
from areas.models import District
from plans.choices import MEASURE_OPEN, PLAN_IN_FORCE, MeasureStatus
from plans.models import ActionPlan, Cause, FollowUp, Measure, PlanRevision, Problem


def plan_owner_candidates(*, district: District) -> tuple[QuerySet, QuerySet]:
    """The organisations that may own ``district``'s plan: its social services (by their
    district, or by staff working there) and the local police areas that work there (by the
    police area's districts, or by staff working there)."""
    social = Organisation.objects.filter(kind=OrganisationKind.SOCIAL_SERVICES).filter(
        Q(district=district) | Q(memberships__districts=district)
    )
    police = Organisation.objects.filter(kind=OrganisationKind.POLICE).filter(
        Q(police_area__districts=district) | Q(memberships__districts=district)
    )
    return social.distinct().order_by("name"), police.distinct().order_by("name")


def plan_list(*, user, district: District | None = None, today: date | None = None) -> QuerySet:
    """The plans ``user`` may read, newest period first, with their measures counted."""
    today = today or timezone.localdate()
    delayed = Q(measures__status=MeasureStatus.DELAYED) | Q(
        measures__status__in=MEASURE_OPEN, measures__end_date__lt=today
    )
    plans = (
        ActionPlan.objects.visible_to(user)
        .select_related("district", "social_services", "police")
        .annotate(
            measure_count=Count("measures", distinct=True),
            done_count=Count(
                "measures", filter=Q(measures__status=MeasureStatus.DONE), distinct=True
            ),
            delayed_count=Count("measures", filter=delayed, distinct=True),
        )
        .order_by("-period_start", "district__code")
    )
    if district is not None:
        plans = plans.filter(district=district)
    return plans


def plan_get(*, user, pk: int) -> ActionPlan:
    """One plan ``user`` may read, or 404."""
    return get_object_or_404(
        ActionPlan.objects.visible_to(user).select_related(
            "district", "social_services", "police", "created_by"
        ),
        pk=pk,
    )


def with_latest_follow_ups(measures: list[Measure]) -> list[Measure]:
    """Sets ``latest_follow_up`` on each measure (None without one), in one query."""
    latest = {
        follow_up.measure_id: follow_up
        for follow_up in FollowUp.objects.filter(measure__in=measures)
        .order_by("measure_id", "-date", "-id")
        .distinct("measure_id")
    }
    for measure in measures:
        measure.latest_follow_up = latest.get(measure.pk)
    return measures


def plan_measures(*, plan: ActionPlan, user, today: date | None = None) -> list[Measure]:
    """The plan's measures that ``user`` may read, with their problems, causes, effective
    status and latest follow-up; the same five queries for any number of them."""
    today = today or timezone.localdate()
    measures = list(
        Measure.objects.visible_to(user)
        .filter(plan=plan)
        .with_effective_status(today)
        .select_related("responsible")
        .prefetch_related(
            Prefetch("problems", queryset=Problem.objects.order_by("title", "pk")),
            Prefetch("causes", queryset=Cause.objects.order_by("position", "pk")),
        )
        .order_by("start_date", "title", "pk")
    )
    return with_latest_follow_ups(measures)


@dataclass(frozen=True)
class PlanProgress:
    """Progress at a glance: measures by (effective) status and numeric targets met."""

    total: int
    by_status: list[tuple[str, str, int]]  # (status, label, count), every status
    with_target: int
    targets_met: int

    @property
    def done(self) -> int:
        return next(count for status, _label, count in self.by_status if status == "done")

    @property
    def done_percent(self) -> int:
        return round(self.done * 100 / self.total) if self.total else 0


def plan_progress(*, measures: list[Measure]) -> PlanProgress:
    """Computed from ``plan_measures``' result: no query of its own."""
    counts = Counter(measure.display_status() for measure in measures)
    with_target = [m for m in measures if m.target_value is not None]
    met = [
        m
        for m in with_target
        if m.latest_follow_up is not None and m.target_met(m.latest_follow_up.indicator_value)
    ]
    return PlanProgress(
        total=len(measures),
        by_status=[
            (status, label, counts.get(status, 0)) for status, label in MeasureStatus.choices
        ],
        with_target=len(with_target),
        targets_met=len(met),
    )


def plan_revisions(*, plan: ActionPlan) -> QuerySet:
    return PlanRevision.objects.filter(plan=plan).select_related("created_by").defer("snapshot")


def plan_revision_get(*, user, plan_pk: int, number: int) -> PlanRevision:
    return get_object_or_404(
        PlanRevision.objects.visible_to(user).select_related(
            "plan", "plan__district", "created_by"
        ),
        plan_id=plan_pk,
        number=number,
    )


def measure_get(*, user, pk: int, today: date | None = None) -> Measure:
    """One measure ``user`` may read (partners: public ones only), or 404."""
    return get_object_or_404(
        Measure.objects.visible_to(user)
        .with_effective_status(today or timezone.localdate())
        .select_related(
            "plan", "plan__district", "plan__social_services", "plan__police", "responsible"
        )
        .prefetch_related(
            Prefetch("problems", queryset=Problem.objects.order_by("title", "pk")),
            Prefetch("causes", queryset=Cause.objects.order_by("position", "pk")),
        ),
        pk=pk,
    )


def measure_follow_ups(*, measure: Measure, user) -> QuerySet:
    """The follow-ups of ``measure`` that ``user`` may read, newest first."""
    return (
        FollowUp.objects.visible_to(user)
        .filter(measure=measure)
        .select_related("created_by", "created_by_client")
        .order_by("-date", "-id")
    )


@dataclass(frozen=True)
class PublicPromise:
    """A district's medborgarlöfte: its plans in force and their public measures."""

    district: District
    plans: list[ActionPlan]


def public_promise(*, district: District, today: date | None = None) -> PublicPromise:
    """What the public page shows: plans in force with their measures marked public. Only
    those fields are read that the page shows: never a report, never a person."""
    today = today or timezone.localdate()
    measures = (
        Measure.objects.public()
        .with_effective_status(today)
        .select_related("responsible")
        .only(
            "plan_id",
            "title",
            "public_text",
            "start_date",
            "end_date",
            "status",
            "responsible__name",
        )
        .order_by("start_date", "title", "pk")
    )
    plans = list(
        ActionPlan.objects.filter(district=district, status__in=PLAN_IN_FORCE)
        .select_related("social_services", "police")
        .only(
            "district_id",
            "period_start",
            "period_end",
            "public_intro",
            "status",
            "agreed_at",
            "social_services__name",
            "police__name",
        )
        .prefetch_related(Prefetch("measures", queryset=measures, to_attr="public_measures"))
        .order_by("-period_start")
    )
    return PublicPromise(district=district, plans=[p for p in plans if p.public_measures])
