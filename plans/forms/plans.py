"""Forms of action plans, measures and follow-ups."""

from datetime import date

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.access import EDIT, district_condition
from accounts.choices import OrganisationKind
from accounts.models import Organisation
from areas.models import District
from core.forms import BootstrapFormMixin
from plans.choices import MeasureStatus, ProblemStatus, TargetDirection
from plans.forms.common import DATE_INPUT, ReasonFieldMixin, VersionedFormMixin, textarea
from plans.models import ActionPlan, Cause, Measure, Problem
from plans.models.plans import TEXT_MAX_LENGTH
from plans.selectors.editing import measure_seen, plan_seen
from plans.services.measures import MeasureData


class PlanCreateForm(BootstrapFormMixin, forms.Form):
    district = forms.ModelChoiceField(label=_("District"), queryset=District.objects.none())
    period_start = forms.DateField(label=_("Period start"), widget=DATE_INPUT)
    period_end = forms.DateField(label=_("Period end"), widget=DATE_INPUT)
    social_services = forms.ModelChoiceField(
        label=_("Social services"),
        queryset=Organisation.objects.filter(kind=OrganisationKind.SOCIAL_SERVICES),
    )
    police = forms.ModelChoiceField(
        label=_("Local police area"),
        queryset=Organisation.objects.filter(kind=OrganisationKind.POLICE),
    )
    summary = forms.CharField(
        label=_("Focus of the plan"),
        required=False,
        max_length=TEXT_MAX_LENGTH,
        widget=textarea(4),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["district"].queryset = District.objects.filter(
            district_condition(user, EDIT, ActionPlan)
        )
        if not self.is_bound:
            year = timezone.localdate().year
            self.initial.setdefault("period_start", date(year, 1, 1))
            self.initial.setdefault("period_end", date(year, 12, 31))


class PlanUpdateForm(BootstrapFormMixin, ReasonFieldMixin, VersionedFormMixin):
    summary = forms.CharField(
        label=_("Focus of the plan"),
        required=False,
        max_length=TEXT_MAX_LENGTH,
        widget=textarea(5),
    )
    public_intro = forms.CharField(
        label=_("Introduction to the citizen promise"),
        required=False,
        max_length=TEXT_MAX_LENGTH,
        widget=textarea(4),
        help_text=_("Shown to residents above the public measures. Write for the public."),
    )

    @classmethod
    def for_plan(cls, plan: ActionPlan) -> "PlanUpdateForm":
        initial = {"summary": plan.summary, "public_intro": plan.public_intro}
        initial |= cls.locking_initial(plan, plan_seen(plan))
        return cls(initial=initial, reason_required=plan.is_in_force)


class ProblemChoiceField(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, obj):
        return obj.title


class CauseChoiceField(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, obj):
        return (
            f"{obj.problem.title}: {obj.description} ({obj.get_kind_display().lower()}, "
            f"{obj.get_horizon_display().lower()})"
        )


class MeasureForm(BootstrapFormMixin, ReasonFieldMixin, forms.Form):
    title = forms.CharField(label=_("Measure"), max_length=200)
    description = forms.CharField(
        label=_("Description"), required=False, max_length=TEXT_MAX_LENGTH, widget=textarea(4)
    )
    responsible = forms.ModelChoiceField(
        label=_("Responsible organisation"), queryset=Organisation.objects.order_by("name")
    )
    problems = ProblemChoiceField(
        label=_("Problems addressed"),
        queryset=Problem.objects.none(),
        error_messages={
            "required": _(
                "A measure must address at least one problem. Choose it here, or "
                "name the problem first."
            )
        },
    )
    causes = CauseChoiceField(
        label=_("Causes addressed"), queryset=Cause.objects.none(), required=False
    )
    target = forms.CharField(
        label=_("Target"),
        max_length=300,
        help_text=_("E.g. graffiti removed within 24 hours; police presence at least 200 times."),
    )
    target_direction = forms.ChoiceField(
        label=_("The indicator should be"),
        choices=TargetDirection.choices,
        initial=TargetDirection.AT_LEAST,
    )
    target_value = forms.DecimalField(
        label=_("Target value"),
        required=False,
        min_value=0,
        max_digits=12,
        decimal_places=2,
        help_text=_("A number to follow up against, e.g. 200 or 24."),
    )
    target_unit = forms.CharField(label=_("Unit"), required=False, max_length=60)
    start_date = forms.DateField(label=_("Start"), widget=DATE_INPUT)
    end_date = forms.DateField(label=_("End"), widget=DATE_INPUT)
    is_public = forms.BooleanField(
        label=_("Part of the citizen promise (medborgarlöfte)"),
        required=False,
        help_text=_("Shown on the district's public page, with the text below only."),
    )
    public_text = forms.CharField(
        label=_("As the citizen promise says it"),
        required=False,
        max_length=TEXT_MAX_LENGTH,
        widget=textarea(3),
        help_text=_("Written for residents: no reports, no names."),
    )

    def __init__(self, *args, plan: ActionPlan, measure: Measure | None = None, **kwargs):
        kwargs.setdefault("reason_required", plan.is_in_force)
        super().__init__(*args, **kwargs)
        addressed = Problem.objects.filter(district=plan.district_id)
        if measure is None:
            addressed = addressed.filter(status=ProblemStatus.ACTIVE)
        else:
            active_or_chosen = Problem.objects.filter(status=ProblemStatus.ACTIVE) | (
                Problem.objects.filter(measures=measure)
            )
            addressed = addressed.filter(pk__in=active_or_chosen.values("pk"))
        self.fields["problems"].queryset = addressed.order_by("title", "pk")
        self.fields["causes"].queryset = (
            Cause.objects.filter(problem__in=addressed.values("pk"))
            .select_related("problem")
            .order_by("problem__title", "problem_id", "position", "pk")
        )
        if not self.is_bound and measure is None:
            self.initial.setdefault("start_date", plan.period_start)
            self.initial.setdefault("end_date", plan.period_end)

    def clean(self):
        data = super().clean()
        if data.get("is_public") and not (data.get("public_text") or "").strip():
            self.add_error(
                "public_text", _("Write how the citizen promise says it: residents read this.")
            )
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("The measure must end after it starts."))
        problems = data.get("problems")
        if problems is not None:
            chosen = {problem.pk for problem in problems}
            strays = [c for c in data.get("causes") or [] if c.problem_id not in chosen]
            if strays:
                self.add_error(
                    "causes",
                    _("Choose only causes of the problems the measure addresses."),
                )
        return data

    def measure_data(self) -> MeasureData:
        data = self.cleaned_data
        return MeasureData(
            title=data["title"],
            description=data["description"],
            responsible=data["responsible"],
            target=data["target"],
            target_direction=data["target_direction"],
            target_value=data["target_value"],
            target_unit=data["target_unit"],
            start_date=data["start_date"],
            end_date=data["end_date"],
            is_public=data["is_public"],
            public_text=data["public_text"],
            problems=list(data["problems"]),
            causes=list(data["causes"]),
        )


# The measure's own fields on its form (beside its problems and causes).
MEASURE_ROW_FIELDS = (
    "title",
    "description",
    "responsible",
    "target",
    "target_direction",
    "target_value",
    "target_unit",
    "start_date",
    "end_date",
    "is_public",
    "public_text",
)


class MeasureUpdateForm(VersionedFormMixin, MeasureForm):
    @classmethod
    def for_measure(cls, measure: Measure) -> "MeasureUpdateForm":
        initial = {name: getattr(measure, name) for name in MEASURE_ROW_FIELDS}
        initial["problems"] = list(measure.problems.all())
        initial["causes"] = list(measure.causes.all())
        initial |= cls.locking_initial(measure, measure_seen(measure))
        return cls(initial=initial, plan=measure.plan, measure=measure)


class FollowUpForm(BootstrapFormMixin, forms.Form):
    date = forms.DateField(label=_("Date"), widget=DATE_INPUT)
    status = forms.ChoiceField(label=_("Status"), choices=MeasureStatus.choices)
    indicator_value = forms.DecimalField(
        label=_("Indicator value"),
        required=False,
        max_digits=12,
        decimal_places=2,
        help_text=_("The value measured so far, against the target."),
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=2000, widget=textarea(3))

    def __init__(self, *args, measure: Measure, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("date", timezone.localdate())
            self.initial.setdefault("status", measure.status)
