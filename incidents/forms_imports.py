"""Upload forms for imports: they check the file's shape; the task checks its content."""

from django import forms
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation
from incidents.choices import ImportKind
from incidents.services.imports import CSV_UPLOAD_MAX_BYTES, POLICE_UPLOAD_MAX_BYTES

SUFFIXES = {
    ImportKind.POLICE_EVENTS: (".json", ".json.gz", ".gz"),
    ImportKind.CSV: (".csv", ".txt"),
}
MAX_BYTES = {
    ImportKind.POLICE_EVENTS: POLICE_UPLOAD_MAX_BYTES,
    ImportKind.CSV: CSV_UPLOAD_MAX_BYTES,
}
ACCEPT = {
    ImportKind.POLICE_EVENTS: ".json,.gz,application/json,application/gzip",
    ImportKind.CSV: ".csv,.txt,text/csv",
}


class ImportUploadForm(forms.Form):
    """The organisation to import for, among those the user may import for, and the file."""

    organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.none(),
        label=_("Organisation"),
        empty_label=None,
        help_text=_("The imported reports belong to this organisation."),
    )
    file = forms.FileField(label=_("File"))

    def __init__(self, *args, kind: str, organisations, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.kind = kind
        self.fields["organisation"].queryset = organisations
        self.fields["file"].help_text = _("%(suffixes)s, at most %(size)s.") % {
            "suffixes": ", ".join(SUFFIXES[kind]),
            "size": filesizeformat(MAX_BYTES[kind]),
        }

    @property
    def accept(self) -> str:
        return ACCEPT[self.kind]

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES[self.kind]:
            raise forms.ValidationError(
                _("The file is %(size)s; at most %(max)s is accepted.")
                % {"size": filesizeformat(upload.size), "max": filesizeformat(MAX_BYTES[self.kind])}
            )
        if not upload.name.lower().endswith(SUFFIXES[self.kind]):
            raise forms.ValidationError(
                _("Choose a file whose name ends in %(suffixes)s.")
                % {"suffixes": ", ".join(SUFFIXES[self.kind])}
            )
        return upload
