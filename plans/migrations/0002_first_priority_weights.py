"""The first version of the priority weights, so that every score has weights to use.
Administrators make new versions in the admin; this one stays for the decisions made with it."""

from django.db import migrations

FIRST_WEIGHTS = {
    "frequency": 25,
    "trend": 10,
    "severity": 15,
    "concern": 15,
    "vulnerability": 10,
    "influence": 25,
}


def create_first_weights(apps, schema_editor):
    PriorityWeights = apps.get_model("plans", "PriorityWeights")
    if not PriorityWeights.objects.exists():
        PriorityWeights.objects.create(
            version=1,
            frequency_full_at=50,
            note="Första versionen (Trygg)",
            **FIRST_WEIGHTS,
        )


class Migration(migrations.Migration):
    dependencies = [("plans", "0001_initial")]

    operations = [migrations.RunPython(create_first_weights, migrations.RunPython.noop)]
