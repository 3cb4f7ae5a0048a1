"""The analyst's form for changing a measure's evaluation design (with a reason)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from areas.models import IntermediateArea
from core.forms import BootstrapFormMixin
from incidents.models import Category
from plans.forms.common import DATE_INPUT, textarea
from plans.models import EvaluationDesign
from plans.services.evaluation import DesignChange


def _areas(label) -> forms.ModelMultipleChoiceField:
    return forms.ModelMultipleChoiceField(
        label=label,
        queryset=IntermediateArea.objects.order_by("code"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )


class EvaluationDesignForm(BootstrapFormMixin, forms.Form):
    target_areas = _areas(_("Target areas"))
    comparison_areas = _areas(_("Comparison areas"))
    buffer_areas = _areas(_("Buffer areas"))
    categories = forms.ModelMultipleChoiceField(
        label=_("Main categories counted"),
        queryset=Category.objects.filter(parent__isnull=True).order_by("name"),
        required=False,
        help_text=_("None: every category."),
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    before_start = forms.DateField(label=_("Before period from"), widget=DATE_INPUT)
    before_end = forms.DateField(label=_("Before period to"), widget=DATE_INPUT)
    after_start = forms.DateField(label=_("After period from"), widget=DATE_INPUT)
    after_end = forms.DateField(label=_("After period to"), widget=DATE_INPUT)
    reason = forms.CharField(
        label=_("Why the design changes"),
        max_length=2000,
        widget=textarea(3),
        help_text=_("Kept with the old design, for everyone who reads the effect."),
    )

    @classmethod
    def for_design(cls, design: EvaluationDesign) -> "EvaluationDesignForm":
        return cls(
            initial={
                "target_areas": list(design.target_areas.all()),
                "comparison_areas": list(design.comparison_areas.all()),
                "buffer_areas": list(design.buffer_areas.all()),
                "categories": list(design.categories.all()),
                "before_start": design.before_start,
                "before_end": design.before_end,
                "after_start": design.after_start,
                "after_end": design.after_end,
            }
        )

    def change(self) -> DesignChange:
        data = self.cleaned_data
        return DesignChange(**{name: data[name] for name in DesignChange.__dataclass_fields__})
