"""Forms of the report pages. Shape only: the rules live in incidents.services.reports."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.access import CREATE, organisation_ids
from accounts.choices import Confidentiality
from accounts.models import Organisation
from areas.models import District, Place, PrimaryArea
from core.forms import BootstrapFormMixin
from core.widgets import Select
from incidents.models import DESCRIPTION_MAX_LENGTH, Category, Report

CONFIDENTIALITY_HELP = {
    Confidentiality.PARTNERSHIP: _(
        "City social services and police staff working in the district, and coordinators, "
        "can read it."
    ),
    Confidentiality.ORGANISATION: _(
        "Only your own organisation can read it (e.g. police information that may not be "
        "shared with the city)."
    ),
}


class CategoryChoiceField(forms.ModelChoiceField):
    """Subcategories, shown grouped under their main category."""

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", Select)  # options written in Python (core.widgets)
        super().__init__(
            queryset=Category.objects.filter(is_active=True, parent__isnull=False)
            .select_related("parent")
            .order_by("parent__name", "name"),
            **kwargs,
        )

    def label_from_instance(self, obj):
        return obj.display_name

    def grouped_choices(self) -> list:
        groups: dict[str, list] = {}
        for category in self.queryset:
            groups.setdefault(category.parent.display_name, []).append(
                (category.pk, category.display_name)
            )
        return [("", "---------"), *groups.items()]


def place_names() -> list[str]:
    """Every name the place field understands, for the browser's suggestion list."""
    names = set(Place.objects.values_list("name", flat=True))
    names |= set(PrimaryArea.objects.values_list("name", flat=True))
    return sorted(names)


class PlaceNameForm(forms.Form):
    """A ``place_name`` field: a known place (by name or other name) or a primärområde, by
    name, cleaned into ``place`` or ``primary_area``; ``unknown_place`` is the message for a
    name that is neither."""

    unknown_place = _("We do not know the place “%(name)s”. Choose one from the list.")

    place_name = forms.CharField(
        label=_("Place or area"),
        required=False,
        max_length=150,
        help_text=_("Start typing: a square, a centre, a stop or an area such as Hjällbo."),
    )

    def clean_place_name(self):
        name = self.cleaned_data["place_name"].strip()
        self.cleaned_data["place"] = None
        self.cleaned_data["primary_area"] = None
        if not name:
            return name
        wanted = name.casefold()
        for place in Place.objects.all():
            if wanted == place.name.casefold() or wanted in {a.casefold() for a in place.aliases}:
                self.cleaned_data["place"] = place
                return name
        area = PrimaryArea.objects.filter(name__iexact=name).first()
        if area is None:
            raise forms.ValidationError(self.unknown_place, params={"name": name})
        self.cleaned_data["primary_area"] = area
        return name


class ReportForm(BootstrapFormMixin, PlaceNameForm):
    unknown_place = _(
        "We do not know the place “%(name)s”. Choose one from the list, or mark the spot on "
        "the map."
    )

    organisation = forms.ModelChoiceField(
        label=_("Filed for"), queryset=Organisation.objects.none(), empty_label=None
    )
    category = CategoryChoiceField(
        label=_("What did you see?"),
        error_messages={"invalid_choice": _("Choose a category from the list.")},
    )
    occurred_at = forms.DateTimeField(
        label=_("When"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"],
    )
    occurred_until = forms.DateTimeField(
        label=_("Until (if it went on for a while)"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"],
    )
    latitude = forms.DecimalField(
        label=_("Latitude"),
        required=False,
        max_digits=8,
        decimal_places=5,
        min_value=-90,
        max_value=90,
    )
    longitude = forms.DecimalField(
        label=_("Longitude"),
        required=False,
        max_digits=8,
        decimal_places=5,
        min_value=-180,
        max_value=180,
    )
    description = forms.CharField(
        label=_("Description"),
        max_length=DESCRIPTION_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Describe the place and the situation, never a person's identity."),
        error_messages={
            "max_length": _(
                "The text is too long: at most %(limit_value)d characters (it has %(show_value)d)."
            )
        },
    )
    severity = forms.TypedChoiceField(
        label=_("How serious?"),
        coerce=int,
        initial=2,
        widget=forms.RadioSelect,
        choices=[(1, _("Minor")), (2, _("Moderate")), (3, _("Serious")), (4, _("Very serious"))],
    )
    confidentiality = forms.ChoiceField(
        label=_("Who may read it?"),
        choices=Confidentiality.choices,
        initial=Confidentiality.PARTNERSHIP,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        # One query for the grouped list; validation still goes through the queryset.
        self.fields["category"].widget.choices = self.fields["category"].grouped_choices()
        self.fields["organisation"].queryset = Organisation.objects.filter(
            pk__in=organisation_ids(user, CREATE, Report)
        )
        if not self.is_bound:
            self.initial.setdefault(
                "occurred_at", timezone.localtime().replace(second=0, microsecond=0)
            )

    def clean(self):
        data = super().clean()
        has_lat = data.get("latitude") is not None
        has_lon = data.get("longitude") is not None
        if has_lat != has_lon:
            self.add_error("latitude", _("Give both latitude and longitude, or neither."))
        return data


class ReportPlacementForm(BootstrapFormMixin, PlaceNameForm):
    """An analyst's placement of a report: a place or primary area by name, or a district
    only, or both (the district must then hold the place)."""

    district = forms.ModelChoiceField(
        label=_("District"),
        # Not the boundary (a large GeoJSON): a choice needs the id and the name.
        queryset=District.objects.defer("boundary").order_by("code"),
        required=False,
        empty_label=_("From the place or area"),
        help_text=_(
            "Only the district, when no place or area fits. A report placed outside your "
            "districts may leave your list."
        ),
    )


class ReportCategoryForm(BootstrapFormMixin, forms.Form):
    category = CategoryChoiceField(
        label=_("Category"),
        error_messages={"invalid_choice": _("Choose a category from the list.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].widget.choices = self.fields["category"].grouped_choices()
