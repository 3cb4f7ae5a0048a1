from django import forms
from django.contrib.auth.forms import AuthenticationForm
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


class LoginForm(AuthenticationForm):
    """Django's login form, with the user name's length checked before the attempt.

    Django's form only sizes the input box: a longer name reached ``authenticate`` and the
    failed-login record of django-axes, whose column holds 255 characters (a 500).
    """

    def clean_username(self):
        username = self.cleaned_data["username"]
        limit = self.fields["username"].max_length
        if limit is not None and len(username) > limit:
            raise forms.ValidationError(
                _("A user name has at most %(max)s characters.") % {"max": limit}
            )
        return username
