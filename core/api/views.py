from django.contrib.auth.decorators import login_not_required


class ApiViewMixin:
    """For every API view: the portal's log-in redirect does not apply (the API answers 401
    itself, and partner systems authenticate with a token, not a session)."""

    @classmethod
    def as_view(cls, *args, **kwargs):
        return login_not_required(super().as_view(*args, **kwargs))
