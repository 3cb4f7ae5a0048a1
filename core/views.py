from django.views.generic import TemplateView


class HomeView(TemplateView):
    """The start page after login: where the user works and what they can do there."""

    template_name = "core/home.html"
