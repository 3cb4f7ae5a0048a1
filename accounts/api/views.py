from drf_spectacular.utils import extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.access import access_for
from accounts.api.permissions import ANY_SCOPE, is_api_client
from accounts.api.serializers import PrincipalSerializer
from accounts.models import Organisation
from areas.models import District
from core.api.views import ApiViewMixin


class PrincipalView(ApiViewMixin, APIView):
    """``/me/``: lets a partner check its token (organisation, scopes, districts, expiry)."""

    read_scope = ANY_SCOPE

    @extend_schema(responses=PrincipalSerializer, operation_id="me_retrieve")
    def get(self, request, *args, **kwargs):
        principal = request.user
        access = access_for(principal)
        district_ids = access.district_ids()
        districts = (
            None
            if district_ids is None
            else list(
                District.objects.filter(pk__in=district_ids)
                .order_by("code")
                .values_list("slug", flat=True)
            )
        )
        organisations = list(
            Organisation.objects.filter(pk__in=access.organisation_ids())
            .order_by("slug")
            .values_list("slug", flat=True)
        )
        client = is_api_client(principal)
        data = {
            "kind": "api_client" if client else "user",
            "name": principal.name if client else principal.get_username(),
            "organisations": organisations,
            "scopes": sorted(principal.scopes) if client else [],
            "districts": districts,
            "expires_at": principal.expires_at if client else None,
        }
        return Response(PrincipalSerializer(data).data)
