import json
from pathlib import Path

from django.db import migrations

SEED = Path(__file__).resolve().parent.parent / "data" / "categories.json"


def seed_categories(apps, schema_editor):
    """The vocabulary of DESIGN.md section 4; administrators edit it afterwards."""
    Category = apps.get_model("incidents", "Category")
    for main in json.loads(SEED.read_text(encoding="utf-8"))["categories"]:
        parent, _ = Category.objects.update_or_create(
            code=main["code"], defaults={"name": main["name"], "name_en": main["name_en"]}
        )
        for child in main["children"]:
            Category.objects.update_or_create(
                code=child["code"],
                defaults={
                    "parent": parent,
                    "name": child["name"],
                    "name_en": child["name_en"],
                    "police_event_types": child.get("police_event_types", []),
                },
            )


class Migration(migrations.Migration):
    dependencies = [("incidents", "0001_initial")]
    operations = [migrations.RunPython(seed_categories, migrations.RunPython.noop)]
