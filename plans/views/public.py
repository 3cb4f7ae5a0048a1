"""The medborgarlöfte: a district's citizen promise, public, without login.

Shows only what is marked public in a plan in force: the public wording of each public
measure, its responsible organisation, target, period and status. Never a report, a problem,
an internal text or a person's name.
"""

from django.contrib.auth.decorators import login_not_required
from django.shortcuts import get_object_or_404, render

from areas.models import District
from plans.selectors.plans import public_promise


@login_not_required
def public_index(request):
    return render(
        request, "plans/public_index.html", {"districts": District.objects.order_by("code")}
    )


@login_not_required
def public_district(request, district: str):
    district_obj = get_object_or_404(District, slug=district)
    return render(
        request, "plans/public_district.html", {"promise": public_promise(district=district_obj)}
    )
