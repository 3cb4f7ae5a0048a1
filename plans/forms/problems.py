"""Forms of problems: describe, analyse (crime triangle and causes), link reports."""

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.access import EDIT, district_condition
from areas.models import District, Place, PrimaryArea
from core.forms import BootstrapFormMixin
from plans.choices import CauseHorizon, CauseKind, ProblemStatus, TriangleSide
from plans.forms.common import IdListField, VersionedFormMixin, textarea
from plans.models import Problem
from plans.models.problems import TEXT_MAX_LENGTH, TRIANGLE_FIELDS, TRIANGLE_MAX_LENGTH
from plans.selectors.editing import analysis_seen, problem_seen

INFLUENCE_CHOICES = [
    ("", _("Not judged yet")),
    ("1", _("1 – hardly")),
    ("2", _("2 – a little")),
    ("3", _("3 – somewhat")),
    ("4", _("4 – good")),
    ("5", _("5 – very good")),
]


class PlaceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name} ({obj.district.name})"


class AreaField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name} ({obj.code}, {obj.district.name})"


class ProblemForm(BootstrapFormMixin, forms.Form):
    """A new problem (``district`` given to edit one: then the district is fixed)."""

    district = forms.ModelChoiceField(label=_("District"), queryset=District.objects.none())
    title = forms.CharField(
        label=_("Problem"),
        max_length=200,
        help_text=_("Place and situation, e.g. Öppen narkotikahandel vid Hjällbo torg kvällstid."),
    )
    situation = forms.CharField(
        label=_("Situation"),
        required=False,
        max_length=TEXT_MAX_LENGTH,
        widget=textarea(5),
        help_text=_(
            "What happens, when and how often. Describe places and situations, never individuals."
        ),
    )
    places = PlaceField(
        label=_("Places"),
        required=False,
        queryset=Place.objects.select_related("district").order_by("district__code", "name"),
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    primary_areas = AreaField(
        label=_("Primary areas"),
        required=False,
        queryset=PrimaryArea.objects.select_related("district").order_by("district__code", "name"),
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=_("Hold Ctrl (⌘ on a Mac) to choose more than one."),
    )
    influence = forms.TypedChoiceField(
        label=_("Chance to influence"),
        choices=INFLUENCE_CHOICES,
        coerce=int,
        empty_value=None,
        required=False,
        help_text=_("Your judgement of how much the partnership can change the problem."),
    )
    influence_reason = forms.CharField(
        label=_("Why"), required=False, max_length=500, widget=textarea(2)
    )
    report = IdListField(required=False)

    def __init__(self, *args, user, problem: Problem | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if problem is None:
            self.fields["district"].queryset = District.objects.filter(
                district_condition(user, EDIT, Problem)
            )
        else:
            del self.fields["district"]
            del self.fields["report"]
            places = self.fields["places"]
            places.queryset = places.queryset.filter(district=problem.district_id)
            areas = self.fields["primary_areas"]
            areas.queryset = areas.queryset.filter(district=problem.district_id)


class ProblemUpdateForm(VersionedFormMixin, ProblemForm):
    status = forms.ChoiceField(label=_("Status"), choices=ProblemStatus.choices)
    field_order = ["title", "situation", "places", "primary_areas", "status"]

    @classmethod
    def for_problem(cls, problem: Problem, *, user) -> "ProblemUpdateForm":
        initial = {
            "title": problem.title,
            "situation": problem.situation,
            "places": list(problem.places.all()),
            "primary_areas": list(problem.primary_areas.all()),
            "status": problem.status,
            "influence": problem.influence,
            "influence_reason": problem.influence_reason,
        }
        initial |= cls.locking_initial(problem, problem_seen(problem))
        return cls(initial=initial, user=user, problem=problem)


_SIDE_HELP = {
    "offender": _("Who commits it (as a group, never a person) and why here."),
    "handler": _("Who can influence the offenders: parents, youth workers, social services."),
    "target": _("Who or what is harmed or targeted."),
    "guardian": _("Who can protect the targets: staff, neighbours, security, police."),
    "place": _("What about the place lets it happen: light, hiding places, access."),
    "place_manager": _("Who is responsible for the place: owner, housing company, the city."),
}


_SIDE_LABELS = {
    "offender": _("What you know"),
    "target": _("What you know"),
    "place": _("What you know"),
}


class CrimeTriangleForm(BootstrapFormMixin, VersionedFormMixin):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in TRIANGLE_FIELDS:
            model_field = Problem._meta.get_field(name)
            self.fields[name] = forms.CharField(
                # The side's name is its fieldset's legend; a label repeating it read
                # "Gärningsperson / Gärningsperson" (issue #13).
                label=_SIDE_LABELS.get(name) or model_field.verbose_name.capitalize(),
                required=False,
                max_length=TRIANGLE_MAX_LENGTH,
                widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
                help_text=_SIDE_HELP[name],
            )

    @classmethod
    def for_problem(cls, problem: Problem) -> "CrimeTriangleForm":
        initial = {name: getattr(problem, name) for name in TRIANGLE_FIELDS}
        return cls(initial=initial | cls.locking_initial(problem, analysis_seen(problem)))

    def triangle(self) -> dict[str, str]:
        return {name: self.cleaned_data[name] for name in TRIANGLE_FIELDS}


class CauseForm(BootstrapFormMixin, forms.Form):
    pk = forms.IntegerField(widget=forms.HiddenInput, required=False)
    description = forms.CharField(label=_("Cause"), max_length=300, required=False)
    kind = forms.ChoiceField(
        label=_("Kind"), choices=CauseKind.choices, initial=CauseKind.SITUATIONAL
    )
    horizon = forms.ChoiceField(
        label=_("Horizon"), choices=CauseHorizon.choices, initial=CauseHorizon.SHORT
    )
    side = forms.ChoiceField(
        label=_("Side of the triangle"),
        choices=[("", _("(none)")), *TriangleSide.choices],
        required=False,
    )


CAUSES_MAX = 40
CauseFormSet = forms.formset_factory(CauseForm, extra=2, can_delete=True, max_num=CAUSES_MAX)


def cause_formset_adding_a_row(data) -> forms.BaseFormSet:
    """The causes as typed, unsaved, with one more empty row: what "Add a cause" gives without
    JavaScript (with it, static/js/cause_rows.js adds the row in the page). Unbound, so the
    rows show what was typed and no errors for what was not typed yet."""
    total = min(int(data.get("causes-TOTAL_FORMS") or 0), CAUSES_MAX)
    names = ("pk", "description", "kind", "horizon", "side")
    rows, empty = [], 0
    for index in range(total):
        row = {name: data.get(f"causes-{index}-{name}", "") for name in names}
        row["DELETE"] = bool(data.get(f"causes-{index}-DELETE"))
        if row["pk"] or row["description"].strip():
            rows.append(row)
        else:
            empty += 1
    extra = min(empty + 1, CAUSES_MAX - len(rows))
    formset_class = forms.formset_factory(
        CauseForm, extra=max(extra, 0), can_delete=True, max_num=CAUSES_MAX
    )
    return formset_class(initial=rows, prefix="causes")


def cause_formset_initial(problem: Problem) -> list[dict]:
    return [
        {
            "pk": cause.pk,
            "description": cause.description,
            "kind": cause.kind,
            "horizon": cause.horizon,
            "side": cause.side,
        }
        for cause in problem.causes.all()
    ]


class LinkReportsForm(forms.Form):
    """From the report list: the chosen reports and the problem to link them to."""

    problem = forms.IntegerField()
    report = IdListField()
