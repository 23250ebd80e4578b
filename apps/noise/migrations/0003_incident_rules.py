"""When a noise event may become an incident: after a duration (formerly only the automatic
conversion's "after N minutes") or as the Nth event at its sensor in 7 days, each rule
automatic or not. A bureau that had set the automatic minutes keeps them, automatic."""

import django.core.validators
from django.db import migrations, models

DEFAULT_MINUTES = 10
AUTOMATIC_HELP = (
    "The incident is taken in the name of the first contact of the sensor who works at its "
    "station and may take incidents."
)


def carry_over(apps, schema_editor):
    NoiseSettings = apps.get_model("noise", "NoiseSettings")
    NoiseSettings.objects.filter(incident_after_minutes__isnull=False).update(
        auto_incident_on_duration=True
    )
    NoiseSettings.objects.filter(incident_after_minutes__isnull=True).update(
        incident_after_minutes=DEFAULT_MINUTES
    )


def carry_back(apps, schema_editor):
    NoiseSettings = apps.get_model("noise", "NoiseSettings")
    NoiseSettings.objects.filter(auto_incident_on_duration=False).update(
        incident_after_minutes=None
    )


class Migration(migrations.Migration):
    dependencies = [("noise", "0002_seed_limits")]

    operations = [
        migrations.RenameField(
            model_name="noisesettings",
            old_name="auto_incident_after_minutes",
            new_name="incident_after_minutes",
        ),
        migrations.AddField(
            model_name="noisesettings",
            name="auto_incident_on_duration",
            field=models.BooleanField(
                default=False,
                help_text=AUTOMATIC_HELP,
                verbose_name="automatically when it has lasted that long",
            ),
        ),
        migrations.RunPython(carry_over, carry_back),
        migrations.AlterField(
            model_name="noisesettings",
            name="incident_after_minutes",
            field=models.PositiveIntegerField(
                default=DEFAULT_MINUTES,
                validators=[
                    django.core.validators.MinValueValidator(1),
                    django.core.validators.MaxValueValidator(1440),
                ],
                verbose_name="an event may become an incident after (minutes)",
            ),
        ),
        migrations.AddField(
            model_name="noisesettings",
            name="repeat_threshold",
            field=models.PositiveSmallIntegerField(
                blank=True,
                default=3,
                help_text="Empty: repeats alone never make an incident.",
                null=True,
                validators=[
                    django.core.validators.MinValueValidator(2),
                    django.core.validators.MaxValueValidator(50),
                ],
                verbose_name="an event may become an incident when it is the nth at its sensor in 7 days",
            ),
        ),
        migrations.AddField(
            model_name="noisesettings",
            name="auto_incident_on_repeat",
            field=models.BooleanField(
                default=False,
                help_text=AUTOMATIC_HELP,
                verbose_name="automatically when it repeats that often",
            ),
        ),
    ]
