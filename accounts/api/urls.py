from django.urls import path

from accounts.api import schema  # noqa: F401  (registers the token scheme)
from accounts.api.views import PrincipalView

urlpatterns = [path("me/", PrincipalView.as_view(), name="me")]
