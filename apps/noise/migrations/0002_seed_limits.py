"""The day/night limits of GB 3096-2008 table 1, in dB(A); admins may edit them afterwards."""

from django.db import migrations

LIMITS = {"0": (50, 40), "1": (55, 45), "2": (60, 50), "3": (65, 55), "4a": (70, 55), "4b": (70, 60)}


def seed(apps, schema_editor):
    NoiseLimit = apps.get_model("noise", "NoiseLimit")
    for zone_class, (day, night) in LIMITS.items():
        NoiseLimit.objects.get_or_create(
            zone_class=zone_class, defaults={"day_limit": day, "night_limit": night}
        )


class Migration(migrations.Migration):
    dependencies = [("noise", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
