"""What the plans forms share: optimistic locking fields and the reason for a change."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.concurrency import sign_seen, unsign_seen

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def textarea(rows: int = 4) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


class VersionedFormMixin(forms.Form):
    """The version the editor read, and a signed copy of what the form showed, so that a save
    made meanwhile by someone else is caught and explained, never lost."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    seen = forms.CharField(widget=forms.HiddenInput, required=False)

    @staticmethod
    def locking_initial(obj, seen: dict[str, str]) -> dict:
        return {"version": obj.version, "seen": sign_seen(seen)}

    @property
    def seen_values(self) -> dict[str, str] | None:
        return unsign_seen(self.data.get("seen", ""))

    def take_version(self, version: int, seen: dict[str, str]) -> None:
        """After a conflict: keep the editor's entries, but let a second save replace the
        other person's (what they saved is now what the editor has seen)."""
        data = self.data.copy()
        data["version"] = str(version)
        data["seen"] = sign_seen(seen)
        self.data = data


class ReasonFieldMixin(forms.Form):
    """A plan in force changes with a reason, kept with the new revision."""

    reason = forms.CharField(
        label=_("Reason for the change"),
        required=False,
        max_length=2000,
        widget=textarea(2),
        help_text=_("The plan is agreed: the change makes a new revision, kept with this reason."),
    )

    def __init__(self, *args, reason_required: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if reason_required:
            self.fields["reason"].required = True
        else:
            del self.fields["reason"]


class IdListField(forms.Field):
    """A list of record ids from hidden inputs (e.g. reports chosen in the report list)."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value):
        if not value:
            return []
        try:
            return sorted({int(item) for item in value})
        except (TypeError, ValueError):
            raise forms.ValidationError(_("The chosen records could not be read.")) from None
