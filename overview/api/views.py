"""The overview API: report counts from the rollups, of the reports the caller may read.

Reach and what a figure counts are ``overview.selectors.counts``'s, as on the dashboards
(figures computed only from what the viewer may read in detail): coordinators
see every district and the unplaced reports, everyone else with a content role (staff,
partners, API clients) their own districts. Nothing here filters by district or organisation.
"""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.choices import ApiScope
from core.api.views import ApiViewMixin
from core.exceptions import DomainError
from overview.api import serializers
from overview.selectors.counts import aggregate_district_ids, overview_counts
from overview.selectors.freshness import counts_computed_at

# The selector's refusals, should one get past the query serializer: the parameter to name.
_FIELD_OF_ERROR = {
    "bad_grain": "grain",
    "bad_group": "by",
    "bad_period": "end",
    "period_too_long": "end",
}
COUNTS_EXAMPLE = OpenApiExample(
    "Nordost by main category",
    value={
        "computed_at": "2026-03-02T08:15:04.112233+01:00",
        "counted": "readable",
        "results": [
            {
                "period_start": "2026-02-01",
                "district": "nordost",
                "intermediate_area": None,
                "primary_area": None,
                "category": None,
                "main_category": "brott",
                "source_kind": None,
                "reports": 14,
                "severity_sum": 37,
            },
            {
                "period_start": "2026-02-01",
                "district": "nordost",
                "intermediate_area": None,
                "primary_area": None,
                "category": None,
                "main_category": "ordning",
                "source_kind": None,
                "reports": 2,
                "severity_sum": 3,
            },
        ],
    },
    response_only=True,
)


class OverviewCountsView(ApiViewMixin, APIView):
    """``/overview/counts/``: report counts per period and group, as the caller may see them."""

    read_scope = ApiScope.OVERVIEW_READ

    @extend_schema(
        operation_id="overview_counts",
        parameters=[serializers.OverviewCountsQuerySerializer],
        responses={200: serializers.OverviewCountsSerializer},
        examples=[COUNTS_EXAMPLE],
        description=(
            "Reports per period from `start` to `end`, grouped `by` some dimensions and "
            "filtered, read from the overview's rollups (see `computed_at`). Dismissed "
            "reports are not counted; periods and groups without reports are left out.\n\n"
            "**Reach.** Coordinators see every district and the reports that have none "
            "(`district` null when grouped by district); everyone else with a role that "
            "reads content sees their own districts, a token the districts it was given. "
            "A `district`, `intermediate_area` or `primary_area` outside that reach answers "
            "403. People: any content role; tokens: overview:read.\n\n"
            "**What is counted.** Only the reports you may read in detail (`counted`: "
            "`readable`): a report you may not read adds to no figure, so no grouping, grain, "
            "period or filter can reveal it. This is the rule statistical offices such as "
            "SCB and ONS apply to releases: a recipient gets only what they may receive.\n\n"
            "**Not paginated.** The answer is bounded by the longest span each grain allows "
            "(see `end`), so every row comes in one response."
        ),
    )
    def get(self, request, *args, **kwargs):
        # Before the query is read: who may see no overview at all learns nothing from a 400.
        reach = aggregate_district_ids(request.user)
        if reach is not None and not reach:
            raise PermissionDenied(_("Your role does not include the overview."))
        query = serializers.OverviewCountsQuerySerializer.for_query(request.query_params)
        query.is_valid(raise_exception=True)
        try:
            rows = overview_counts(user=request.user, **query.validated_data)
        except DjangoPermissionDenied as error:
            # DRF's translation of Django's PermissionDenied drops the selector's message.
            raise PermissionDenied(str(error) or None) from None
        except DomainError as error:
            field = _FIELD_OF_ERROR.get(error.code, "non_field_errors")
            raise ValidationError({field: [error.message]}) from None
        answer = {
            "computed_at": counts_computed_at(),
            "counted": "readable",
            "results": rows,
        }
        return Response(serializers.OverviewCountsSerializer(answer).data)
