"""Forms of the situation picture pages. They check shape only; the rules live in
``incidents.services.situation``."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.access import EDIT, district_ids
from areas.models import District
from incidents.choices import PeriodKind
from incidents.models import SituationPicture
from incidents.selectors.situation import (
    period_start_of,
)
from incidents.services.situation import TEXT_FIELDS

_TEXTAREA = forms.Textarea(attrs={"class": "form-control", "rows": 6})


class SituationPictureCreateForm(forms.Form):
    district = forms.ModelChoiceField(
        label=_("District"),
        queryset=District.objects.none(),
        empty_label=None,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    period_kind = forms.ChoiceField(
        label=_("Period"),
        choices=PeriodKind.choices,
        initial=PeriodKind.QUARTER,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    period_start = forms.DateField(
        label=_("A day in the period"),
        widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}, format="%Y-%m-%d"),
        help_text=_("Any day will do: the picture covers the whole month, quarter or year."),
    )

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Only the districts where the user may draft; the service checks again.
        allowed = district_ids(user, EDIT, SituationPicture)
        districts = District.objects.all()
        self.fields["district"].queryset = (
            districts if allowed is None else districts.filter(pk__in=allowed)
        )
        if not self.is_bound:
            self.initial.setdefault("period_start", timezone.localdate())

    def clean(self):
        data = super().clean()
        kind, day = data.get("period_kind"), data.get("period_start")
        if kind and day:
            data["period_start"] = period_start_of(kind, day)
        return data


class SituationPictureUpdateForm(forms.Form):
    summary = forms.CharField(label=_("Summary"), required=False, widget=_TEXTAREA)
    developments = forms.CharField(
        label=_("Developments"),
        required=False,
        widget=_TEXTAREA,
        help_text=_("How the situation has changed against earlier periods."),
    )
    focus_places = forms.CharField(
        label=_("Focus places"),
        required=False,
        widget=_TEXTAREA,
        help_text=_("The places and situations that need attention, and why."),
    )
    assessment = forms.CharField(
        label=_("Assessment"),
        required=False,
        widget=_TEXTAREA,
        help_text=_("The joint assessment of both parties."),
    )
    # The version the editor read, so that a save made meanwhile by someone else is not lost.
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    @classmethod
    def for_picture(cls, picture: SituationPicture) -> "SituationPictureUpdateForm":
        return cls(
            initial={field: getattr(picture, field) for field in TEXT_FIELDS}
            | {"version": picture.version}
        )

    def texts(self) -> dict[str, str]:
        return {field: self.cleaned_data[field] for field in TEXT_FIELDS}

    def take_version(self, version: int) -> None:
        """After a conflict: keep the user's text, but let a second save replace the other."""
        data = self.data.copy()
        data["version"] = str(version)
        self.data = data


class SituationPictureSignForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class SituationPictureRefreshBasisForm(forms.Form):
    """The "update the basis" button: the version read, so that a change made meanwhile is
    seen before the basis is compiled again."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
