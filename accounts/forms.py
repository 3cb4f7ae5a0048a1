from django import forms
from django.utils.translation import gettext_lazy as _


class SecondFactorCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=20,
        help_text=_("The six digits your authenticator app shows now, or a recovery code."),
    )


class SecondFactorEnrolForm(forms.Form):
    code = forms.CharField(
        label=_("Code from the app"),
        max_length=10,
        help_text=_("The six digits the app shows after you have added Trygg to it."),
    )
