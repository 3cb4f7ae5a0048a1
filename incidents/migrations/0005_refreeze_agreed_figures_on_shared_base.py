"""Agreed situation pictures re-frozen on the shared base (issue #9).

Until now an agreed picture froze figures of *every* report of its district ("basis": "all"),
so a reader of one party saw the other party's organisation-level reports counted, and could
work them out by subtraction. The rule now is that a joint document counts only what every
one of its readers may read: the district's ``partnership``-level reports
(``incidents.selectors.situation.shared_reports``).

We chose to recompute such pictures here, once, rather than to recompute them on every
showing: an agreed picture stays a frozen document (the page, the API and the PDF read the
same stored figures), and a reader never sees the old figures again. The recomputation
reads the reports as they are now; ``recomputed_from`` in the figures records that the
figures were re-frozen, from which basis and when.

The current figure code is imported only when there is a picture to recompute, so a fresh
database (none to recompute) never runs it against a schema it was not written for.
"""

from django.db import migrations
from django.utils import timezone


def refreeze(apps, schema_editor):
    Picture = apps.get_model("incidents", "SituationPicture")
    legacy = list(
        Picture.objects.filter(status="agreed", figures__basis="all").values_list("pk", flat=True)
    )
    if not legacy:
        return
    from incidents.models import SituationPicture
    from incidents.selectors.situation import (
        BASIS_PARTNERSHIP,
        picture_period,
        shared_reports,
        situation_figures_compute,
    )

    now = timezone.now().isoformat()
    for picture in SituationPicture.objects.filter(pk__in=legacy).select_related("district"):
        figures = situation_figures_compute(
            reports=shared_reports(),
            district=picture.district,
            period=picture_period(picture),
            basis=BASIS_PARTNERSHIP,
        )
        figures["recomputed_from"] = {"basis": "all", "at": now}
        SituationPicture.objects.filter(pk=picture.pk).update(figures=figures)


class Migration(migrations.Migration):
    dependencies = [("incidents", "0004_report_org_district_time_idx")]

    operations = [migrations.RunPython(refreeze, migrations.RunPython.noop)]
