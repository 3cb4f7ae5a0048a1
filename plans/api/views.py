"""The plans API: problems (read; named and changed by people), action plans and measures
(read), follow-ups (read; recorded by people and by the two parties' systems).

Every queryset starts from ``visible_to(request.user)``, where the user is a person or an API
client: what it may not read answers 404. Who reads and writes what, tokens included, is
``accounts.access``; the views name the token scope each side needs and call the services, which
check the rules again, mask identity numbers and audit.
"""

from django.db.models import Count, F, OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from accounts.access import READ, district_ids
from accounts.api.read_back import id_only_schema, may_read_back, record_or_id
from accounts.choices import ApiScope
from core.api.idempotency import OPENAPI_PARAMETER, idempotent
from core.api.views import ApiViewMixin
from incidents.models import Report
from plans.api import serializers
from plans.api.evaluation import MeasureEvaluationSerializer, evaluation_payload
from plans.api.filtersets import (
    ActionPlanFilterSet,
    FollowUpFilterSet,
    ListFilterBackend,
    MeasureFilterSet,
    ProblemFilterSet,
)
from plans.choices import MEASURE_OPEN, MeasureStatus
from plans.models import ActionPlan, FollowUp, Measure, PlanSignature, Problem, ProblemReport
from plans.selectors.evaluation import measure_evaluation
from plans.selectors.priority import priority_scores
from plans.selectors.problems import problem_list
from plans.services.measures import follow_up_create
from plans.services.problems import problem_create, problem_update

IDEMPOTENCY_KEY = {"parameters": [OPENAPI_PARAMETER]}
MASKED_COUNT = {
    "type": "integer",
    "readOnly": True,
    "description": "How many personal identity numbers were removed from the note.",
}
# A follow-up written by a token without plans:read: its id, and what was masked in the note.
FOLLOW_UP_OR_ID = record_or_id(
    {
        "allOf": [
            {"$ref": "#/components/schemas/FollowUp"},
            {
                "type": "object",
                "properties": {"masked_identity_numbers": MASKED_COUNT},
                "required": ["masked_identity_numbers"],
            },
        ]
    },
    id_only_schema(
        "The follow-up's id only: the token lacks plans:read.",
        masked_identity_numbers=MASKED_COUNT,
    ),
)
TOKENS_READ = "Tokens: plans:read (the two parties' tokens read their districts)."


# --- Problems ---------------------------------------------------------------------------------


def _readable_report_count(user):
    """The linked reports ``user`` may read, per problem: one subquery, whatever the page."""
    readable = (
        ProblemReport.objects.filter(
            problem=OuterRef("pk"), report__in=Report.objects.visible_to(user)
        )
        .order_by()
        .values("problem")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return Coalesce(Subquery(readable), 0)


def _scored(problems: list[Problem]) -> list[Problem]:
    """Sets ``priority_score`` on each problem: the same six queries for any number."""
    scores = priority_scores(problems=problems)
    for problem in problems:
        problem.priority_score = scores[problem.pk].total
    return problems


@extend_schema_view(
    list=extend_schema(
        description="The problems the caller may read: the two parties' staff of the "
        f"district, coordinators. {TOKENS_READ}"
    ),
    retrieve=extend_schema(description=f"One problem the caller may read. {TOKENS_READ}"),
)
class ProblemViewSet(
    ApiViewMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Problems: read what ``visible_to`` allows; the district's analysts and managers of the
    two parties name and change them. Tokens read only: problems are written by people."""

    read_scope = ApiScope.PLANS_READ
    write_scope = None
    filter_backends = [ListFilterBackend]
    filterset_class = ProblemFilterSet
    ordering_fields = ["created_at", "updated_at", "title", "id"]
    ordering = "-created_at"

    def get_queryset(self):
        user = self.request.user
        return (
            problem_list(user=user, status=None)
            .defer("district__boundary")
            .annotate(report_count=_readable_report_count(user))
        )

    def get_serializer_class(self):
        if self.action == "partial_update":
            return serializers.ProblemUpdateSerializer
        return serializers.ProblemSerializer

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        data = self.get_serializer(_scored(page), many=True).data
        return self.get_paginated_response(data)

    def retrieve(self, request, *args, **kwargs):
        problem = _scored([self.get_object()])[0]
        return Response(self.get_serializer(problem).data)

    @extend_schema(
        description="Name a problem in a district where the caller is an analyst or a "
        "manager of social services or the police. Identity numbers in the texts are "
        "removed. People only.",
        request=serializers.ProblemSerializer,
        responses={201: serializers.ProblemWrittenSerializer},
        **IDEMPOTENCY_KEY,
    )
    def create(self, request, *args, **kwargs):
        return idempotent(request, lambda: self._create(request))

    def _create(self, request) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        written, _links = problem_create(
            actor=request.user,
            district=data["district"],
            title=data["title"],
            situation=data.get("situation", ""),
            places=data.get("places", []),
            primary_areas=data.get("primary_areas", []),
            influence=data.get("influence"),
            influence_reason=data.get("influence_reason", ""),
            request=request,
        )
        return self._written(written, status.HTTP_201_CREATED)

    @extend_schema(
        description="Change a problem (only the fields sent). Send the `version` you read "
        "to be told (409) if someone saved in between. People only.",
        request=serializers.ProblemUpdateSerializer,
        responses={200: serializers.ProblemWrittenSerializer},
    )
    def partial_update(self, request, *args, **kwargs):
        problem = self.get_object()
        serializer = self.get_serializer(problem, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        written = problem_update(
            actor=request.user,
            problem=problem,
            version=data.get("version", problem.version),
            title=data.get("title", problem.title),
            situation=data.get("situation", problem.situation),
            places=data["places"] if "places" in data else list(problem.places.all()),
            primary_areas=(
                data["primary_areas"]
                if "primary_areas" in data
                else list(problem.primary_areas.all())
            ),
            status=data.get("status", problem.status),
            influence=data.get("influence", problem.influence),
            influence_reason=data.get("influence_reason", problem.influence_reason),
            request=request,
        )
        return self._written(written, status.HTTP_200_OK)

    def _written(self, written, code: int) -> Response:
        problem = _scored([self.get_queryset().get(pk=written.obj.pk)])[0]
        problem.masked_identity_numbers = written.masked_identity_numbers
        serializer = serializers.ProblemWrittenSerializer(
            problem, context=self.get_serializer_context()
        )
        return Response(serializer.data, status=code)


# --- Action plans and measures ----------------------------------------------------------------


def _progress_counts(today) -> dict:
    """The plan's measures by effective status, as annotations (one query for a page)."""
    late = Q(measures__status__in=MEASURE_OPEN, measures__end_date__lt=today)
    on_time = Q(measures__end_date__gte=today)

    def counted(condition):
        return Count("measures", filter=condition)

    return {
        "measures_total": Count("measures"),
        "measures_not_started": counted(Q(measures__status=MeasureStatus.NOT_STARTED) & on_time),
        "measures_started": counted(Q(measures__status=MeasureStatus.STARTED) & on_time),
        "measures_done": counted(Q(measures__status=MeasureStatus.DONE)),
        "measures_delayed": counted(Q(measures__status=MeasureStatus.DELAYED) | late),
        "measures_cancelled": counted(Q(measures__status=MeasureStatus.CANCELLED)),
    }


@extend_schema_view(
    list=extend_schema(
        description="The action plans the caller may read, with their measures counted by "
        f"effective status. {TOKENS_READ}"
    ),
    retrieve=extend_schema(description=f"One action plan the caller may read. {TOKENS_READ}"),
)
class ActionPlanViewSet(ApiViewMixin, viewsets.ReadOnlyModelViewSet):
    """Action plans of the districts the caller reads; written on the pages only."""

    serializer_class = serializers.ActionPlanSerializer
    read_scope = ApiScope.PLANS_READ
    filter_backends = [ListFilterBackend]
    filterset_class = ActionPlanFilterSet
    ordering_fields = ["created_at", "updated_at", "id"]
    ordering = "-created_at"

    def get_queryset(self):
        signatures = PlanSignature.objects.select_related("organisation").order_by(
            "signed_at", "id"
        )
        return (
            ActionPlan.objects.visible_to(self.request.user)
            .select_related("district", "social_services", "police")
            .defer("district__boundary")
            .prefetch_related(Prefetch("signatures", queryset=signatures))
            .annotate(**_progress_counts(timezone.localdate()))
        )


@extend_schema_view(
    list=extend_schema(
        description="The measures the caller may read: all of the plans it reads, and the "
        "public measures of plans in force (the citizen promise). "
        "Tokens: plans:read; other organisations' tokens read the public measures only."
    ),
    retrieve=extend_schema(description="One measure the caller may read."),
)
class MeasureViewSet(ApiViewMixin, viewsets.ReadOnlyModelViewSet):
    """Measures, with their effective status (delayed when past the end date and open)."""

    serializer_class = serializers.MeasureSerializer
    read_scope = ApiScope.PLANS_READ
    filter_backends = [ListFilterBackend]
    filterset_class = MeasureFilterSet
    ordering_fields = ["created_at", "updated_at", "id"]
    ordering = "-created_at"

    def get_queryset(self):
        return (
            Measure.objects.visible_to(self.request.user)
            .with_effective_status(timezone.localdate())
            .select_related("responsible")
            .annotate(plan_district_id=F("plan__district"))
            .prefetch_related(
                Prefetch("problems", queryset=Problem.objects.only("pk").order_by("pk"))
            )
        )

    def get_serializer_context(self):
        # Whose plans the caller reads: of the other measures it reads the public part only.
        return super().get_serializer_context() | {
            "reach": district_ids(self.request.user, READ, ActionPlan)
        }

    @extend_schema(
        description="The measured effect of the measure: a difference-in-differences of its "
        "target areas against its comparison areas over the fixed evaluation design, with a "
        "95 % interval and the weighted displacement quotient over the buffer (method: "
        "docs/analysis.md). Built on the reports shared in the partnership only. For people "
        "who read the partnership records of every district of the design's areas; others "
        "who read the measure get 403, and so do tokens.",
        responses={200: MeasureEvaluationSerializer},
    )
    @action(detail=True, methods=["get"], url_path="evaluation")
    def evaluation(self, request, pk=None, **kwargs):
        measure = self.get_object()
        evaluation = measure_evaluation(user=request.user, measure=measure)
        if evaluation is None:
            raise PermissionDenied(
                _(
                    "The effect is shown only to those who read the partnership records of "
                    "every district of its areas."
                )
            )
        basis = _("Built on reports shared in the partnership.")
        return Response(evaluation_payload(evaluation, basis))


# --- Follow-ups -------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        description=f"The follow-ups of the measures of the plans the caller reads. {TOKENS_READ}"
    ),
    retrieve=extend_schema(description=f"One follow-up the caller may read. {TOKENS_READ}"),
)
class FollowUpViewSet(
    ApiViewMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Follow-ups of measures: how each stood on a day, with the indicator's value."""

    serializer_class = serializers.FollowUpSerializer
    read_scope = ApiScope.PLANS_READ
    write_scope = ApiScope.PLANS_WRITE
    filter_backends = [ListFilterBackend]
    filterset_class = FollowUpFilterSet
    ordering_fields = ["created_at", "id"]
    ordering = "-created_at"

    def get_queryset(self):
        return FollowUp.objects.visible_to(self.request.user).select_related(
            "created_by", "created_by_client"
        )

    @extend_schema(
        description="Record how a measure of a plan in force stands; the measure takes its "
        "status. People: the district's analysts and managers of the two parties. Tokens: "
        "plans:write, of social services or the police, on measures of the token's "
        "districts. Identity numbers in the note are removed; every follow-up is audited. "
        "A token without plans:read gets the id and the masked count only.",
        request=serializers.FollowUpSerializer,
        responses={201: FOLLOW_UP_OR_ID},
        **IDEMPOTENCY_KEY,
    )
    def create(self, request, *args, **kwargs):
        return idempotent(request, lambda: self._create(request))

    def _create(self, request) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        written = follow_up_create(
            actor=request.user,
            measure=data["measure"],
            date=data["date"],
            status=data["status"],
            indicator_value=data.get("indicator_value"),
            note=data.get("note", ""),
            request=request,
        )
        follow_up = written.obj
        follow_up.masked_identity_numbers = written.masked_identity_numbers
        if not may_read_back(request, self):
            # Showing the follow-up would be a read: plans:write alone does not read.
            return Response(
                {"id": follow_up.pk, "masked_identity_numbers": written.masked_identity_numbers},
                status=status.HTTP_201_CREATED,
            )
        return Response(
            serializers.FollowUpWrittenSerializer(
                follow_up, context=self.get_serializer_context()
            ).data,
            status=status.HTTP_201_CREATED,
        )
