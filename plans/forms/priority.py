"""Forms of prioritisation: the review's decision and the resident concern."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.access import EDIT, district_condition
from areas.models import District
from core.forms import BootstrapFormMixin
from plans.choices import PriorityLevel
from plans.forms.common import textarea
from plans.models import PriorityWeights
from plans.models.priority import WEIGHT_TOTAL


class PriorityDecisionForm(BootstrapFormMixin, forms.Form):
    level = forms.ChoiceField(
        label=_("Decision"), choices=PriorityLevel.choices, widget=forms.RadioSelect
    )
    reason = forms.CharField(label=_("Reason"), max_length=2000, widget=textarea(2))


CONCERN_CHOICES = [
    (1, _("1 – little concern")),
    (2, _("2")),
    (3, _("3 – some concern")),
    (4, _("4")),
    (5, _("5 – great concern")),
]


class ResidentConcernForm(BootstrapFormMixin, forms.Form):
    district = forms.ModelChoiceField(label=_("District"), queryset=District.objects.none())
    year = forms.IntegerField(label=_("Year"), min_value=2015, max_value=2100)
    level = forms.TypedChoiceField(
        label=_("Resident concern"),
        choices=CONCERN_CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
    )
    basis = forms.CharField(
        label=_("Based on"),
        max_length=300,
        help_text=_(
            "The surveys and dialogues, e.g. Trygghetsundersökningen 2024, "
            "medborgardialog i Hjällbo mars 2025."
        ),
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=2000, widget=textarea(3))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["district"].queryset = District.objects.filter(
            district_condition(user, EDIT, "plans.residentconcern")
        )
        if not self.is_bound:
            self.initial.setdefault("year", timezone.localdate().year)


class PriorityWeightsForm(forms.ModelForm):
    """The admin's form: a new version of the weights, which must add up to 100."""

    class Meta:
        model = PriorityWeights
        fields = [
            "frequency",
            "trend",
            "severity",
            "concern",
            "vulnerability",
            "influence",
            "frequency_full_at",
            "note",
        ]

    def clean(self):
        data = super().clean()
        weights = [data.get(name) for name in self.Meta.fields[:6]]
        if None not in weights and sum(weights) != WEIGHT_TOTAL:
            raise forms.ValidationError(
                _(
                    "The weights are points out of %(total)d: together they must make %(total)d; "
                    "now they make %(sum)d."
                )
                % {"total": WEIGHT_TOTAL, "sum": sum(weights)}
            )
        return data
