"""The API's list filters: django-filter's backend, except that a parameter sent empty is
refused rather than ignored.

The pages share their FilterSets with the API, and a page's form sends every field, the
unused ones empty, so the FilterSets themselves treat empty as "no filter". A partner system
that sends ``?confidentiality=`` or ``?occurred_before=`` meant something, and the schema says
the parameter takes a date or one of its choices: it gets a 400 that names the parameter.
"""

from django.utils.translation import gettext as _
from django_filters import rest_framework as filters
from rest_framework.exceptions import ValidationError


class FilterBackend(filters.DjangoFilterBackend):
    def filter_queryset(self, request, queryset, view):
        filterset_class = self.get_filterset_class(view, queryset)
        if filterset_class is not None:
            empty = sorted(
                name
                for name in filterset_class.base_filters
                if any(not value.strip() for value in request.query_params.getlist(name))
            )
            if empty:
                message = _("Give a value, or leave the parameter out.")
                raise ValidationError({name: [message] for name in empty})
        return super().filter_queryset(request, queryset, view)
