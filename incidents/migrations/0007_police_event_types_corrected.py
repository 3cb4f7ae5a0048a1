"""The police event types mapped onto the categories issue 11 corrected (Mordbrand is no car
fire, the Kontroll types no traffic offence, …; ``incidents/data/categories.json`` says why).

Two steps, for databases seeded before: each category's ``police_event_types`` as the file
has them now (the seed migration wrote the old mapping; a category an administrator made
keeps its own list), and every imported police event re-categorised by its type, which
starts its description ("Mordbrand: …"). The reports' trigger queues the changed rows, so
the rollups follow at the next fold or sweep (``TRYGG_ROLLUP_SWEEP_SECONDS``) without a
rebuild here. Severities follow at the next import of the same events.
"""

import json
from pathlib import Path

from django.db import migrations
from django.db.models import Q
from django.utils import timezone

SEED = Path(__file__).resolve().parent.parent / "data" / "categories.json"


def _mapping() -> dict[str, list[str]]:
    data = json.loads(SEED.read_text(encoding="utf-8"))
    return {
        child["code"]: child.get("police_event_types", [])
        for main in data["categories"]
        for child in main["children"]
    }


def correct_mapping(apps, schema_editor):
    Category = apps.get_model("incidents", "Category")
    Report = apps.get_model("incidents", "Report")
    mapping = _mapping()
    categories = {c.code: c for c in Category.objects.filter(code__in=mapping)}
    for code, types in mapping.items():
        category = categories.get(code)
        if category is not None and category.police_event_types != types:
            category.police_event_types = types
            category.save(update_fields=["police_event_types"])
    now = timezone.now()
    for code, types in mapping.items():
        category = categories.get(code)
        if category is None:
            continue
        for event_type in types:
            written = (
                Q(description=event_type)
                | Q(description__startswith=f"{event_type}: ")
                | Q(description__startswith=f"{event_type}\n")
            )
            Report.objects.filter(written, source_kind="police_event").exclude(
                category=category
            ).update(category=category, updated_at=now)


class Migration(migrations.Migration):
    dependencies = [("incidents", "0006_report_corrections")]

    operations = [migrations.RunPython(correct_mapping, migrations.RunPython.noop)]
