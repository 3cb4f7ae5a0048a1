"""Shapes of the plans API. Serializers check shape only; the services enforce the rules (who
writes where, masking of identity numbers, audit) and the views call them."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field, extend_schema_serializer
from rest_framework import serializers

from areas.models import District, Place, PrimaryArea
from incidents.api.serializers import CodeLookupField
from plans.choices import MeasureStatus, PriorityLevel
from plans.models import ActionPlan, FollowUp, Measure, PlanSignature, Problem

# --- Problems ---------------------------------------------------------------------------------
# "Problem" names the error document in the schema (core.api.schema), so these components are
# named "SafetyProblem…".


@extend_schema_serializer(component_name="SafetyProblem")
class ProblemSerializer(serializers.ModelSerializer):
    """A problem: a place (or area) plus a situation, in one district."""

    district = CodeLookupField(
        slug_field="slug",
        queryset=District.objects.defer("boundary"),
        help_text=_("A district slug, see /api/v1/districts/."),
    )
    places = CodeLookupField(
        slug_field="slug",
        queryset=Place.objects.all(),
        many=True,
        required=False,
        help_text=_("Place slugs in the problem's district, see /api/v1/places/."),
    )
    primary_areas = CodeLookupField(
        slug_field="code",
        queryset=PrimaryArea.objects.all(),
        many=True,
        required=False,
        help_text=_("Primary area codes in the problem's district, see /api/v1/primary-areas/."),
    )
    priority_score = serializers.DecimalField(
        max_digits=4,
        decimal_places=1,
        read_only=True,
        help_text=_("The transparent priority score today, 0 to 100 (see the problem's page)."),
    )
    priority_level = serializers.ChoiceField(
        choices=PriorityLevel.choices,
        source="latest_decision",
        read_only=True,
        allow_null=True,
        help_text=_("The latest priority decision; null before the first."),
    )
    report_count = serializers.IntegerField(
        read_only=True, help_text=_("Linked reports that the caller may read.")
    )
    measure_count = serializers.IntegerField(
        read_only=True, help_text=_("Measures addressing the problem.")
    )

    class Meta:
        model = Problem
        fields = [
            "id",
            "district",
            "title",
            "situation",
            "places",
            "primary_areas",
            "status",
            "influence",
            "influence_reason",
            "priority_score",
            "priority_level",
            "report_count",
            "measure_count",
            "version",
            "created_at",
            "updated_at",
        ]
        # A new problem is active; its status changes with an update.
        read_only_fields = ["status", "version", "created_at", "updated_at"]
        extra_kwargs = {
            "situation": {"required": False},
            "influence": {"required": False},
            "influence_reason": {"required": False},
        }


@extend_schema_serializer(component_name="SafetyProblemUpdate")
class ProblemUpdateSerializer(ProblemSerializer):
    """A problem as its district's analysts change it; the district stays."""

    district = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    version = serializers.IntegerField(
        min_value=1,
        required=False,
        help_text=_(
            "The version you read. If someone saved since, the change is refused with 409; "
            "without it, the change applies to the version saved now."
        ),
    )

    class Meta(ProblemSerializer.Meta):
        read_only_fields = ["district", "created_at", "updated_at"]


@extend_schema_serializer(component_name="SafetyProblemWritten")
class ProblemWrittenSerializer(ProblemSerializer):
    masked_identity_numbers = serializers.IntegerField(
        read_only=True,
        help_text=_("How many personal identity numbers were removed from the texts."),
    )

    class Meta(ProblemSerializer.Meta):
        fields = [*ProblemSerializer.Meta.fields, "masked_identity_numbers"]


# --- Action plans -----------------------------------------------------------------------------


class PlanSignatureSerializer(serializers.ModelSerializer):
    organisation = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = PlanSignature
        fields = ["organisation", "signed_at"]


class PlanProgressSerializer(serializers.Serializer):
    """The plan's measures by effective status (delayed: past the end date and open)."""

    total = serializers.IntegerField(source="measures_total")
    not_started = serializers.IntegerField(source="measures_not_started")
    started = serializers.IntegerField(source="measures_started")
    done = serializers.IntegerField(source="measures_done")
    delayed = serializers.IntegerField(source="measures_delayed")
    cancelled = serializers.IntegerField(source="measures_cancelled")


class ActionPlanSerializer(serializers.ModelSerializer):
    district = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    social_services = serializers.SlugRelatedField(
        slug_field="slug", read_only=True, help_text=_("The owning social services.")
    )
    police = serializers.SlugRelatedField(
        slug_field="slug", read_only=True, help_text=_("The owning local police area.")
    )
    signatures = PlanSignatureSerializer(many=True, read_only=True)
    progress = PlanProgressSerializer(source="*", read_only=True)

    class Meta:
        model = ActionPlan
        fields = [
            "id",
            "district",
            "period_start",
            "period_end",
            "social_services",
            "police",
            "status",
            "revision",
            "agreed_at",
            "summary",
            "signatures",
            "progress",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


# --- Measures ---------------------------------------------------------------------------------


class MeasureSerializer(serializers.ModelSerializer):
    """A measure. Those who read only the public part (partners) get no internal description
    and no problems: null in both."""

    plan = serializers.PrimaryKeyRelatedField(read_only=True)
    responsible = serializers.SlugRelatedField(
        slug_field="slug", read_only=True, help_text=_("The responsible organisation.")
    )
    effective_status = serializers.ChoiceField(
        choices=MeasureStatus.choices,
        read_only=True,
        help_text=_(
            "The status as shown: delayed when past the end date and neither done nor cancelled."
        ),
    )
    description = serializers.SerializerMethodField()
    problems = serializers.SerializerMethodField()

    class Meta:
        model = Measure
        fields = [
            "id",
            "plan",
            "title",
            "description",
            "responsible",
            "target",
            "target_direction",
            "target_value",
            "target_unit",
            "start_date",
            "end_date",
            "status",
            "effective_status",
            "is_public",
            "public_text",
            "problems",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def _reads_plan(self, measure) -> bool:
        reach = self.context["reach"]
        return reach is None or measure.plan_district_id in reach

    @extend_schema_field(
        serializers.CharField(allow_null=True, help_text=_("null: the public part only."))
    )
    def get_description(self, measure):
        return measure.description if self._reads_plan(measure) else None

    @extend_schema_field(
        serializers.ListField(
            child=serializers.IntegerField(),
            allow_null=True,
            help_text=_("The ids of the problems addressed; null: the public part only."),
        )
    )
    def get_problems(self, measure):
        if not self._reads_plan(measure):
            return None
        return [problem.pk for problem in measure.problems.all()]


# --- Follow-ups -------------------------------------------------------------------------------


class RecordedBySerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["api_client", "user"])
    name = serializers.CharField()


class MeasureForFollowUpField(serializers.PrimaryKeyRelatedField):
    """A measure the caller may name in a follow-up; any other is unknown (never "hidden")."""

    def get_queryset(self):
        user = self.context["request"].user
        return Measure.objects.for_follow_up_by(user).select_related("plan")


class FollowUpSerializer(serializers.ModelSerializer):
    measure = MeasureForFollowUpField(queryset=Measure.objects.all())
    recorded_by = serializers.SerializerMethodField()

    class Meta:
        model = FollowUp
        fields = [
            "id",
            "measure",
            "date",
            "status",
            "indicator_value",
            "note",
            "recorded_by",
            "created_at",
        ]
        read_only_fields = ["created_at"]
        extra_kwargs = {
            "indicator_value": {"required": False},
            "note": {"required": False},
            "date": {"help_text": _("The day the status and value apply to; not in the future.")},
        }

    @extend_schema_field(RecordedBySerializer)
    def get_recorded_by(self, follow_up):
        if follow_up.created_by_client_id is not None:
            return {"kind": "api_client", "name": follow_up.created_by_client.name}
        return {"kind": "user", "name": str(follow_up.created_by)}


class FollowUpWrittenSerializer(FollowUpSerializer):
    masked_identity_numbers = serializers.IntegerField(
        read_only=True,
        help_text=_("How many personal identity numbers were removed from the note."),
    )

    class Meta(FollowUpSerializer.Meta):
        fields = [*FollowUpSerializer.Meta.fields, "masked_identity_numbers"]
