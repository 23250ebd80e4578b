"""NoiseStep, the loudest reading of each sensor in each 5 minutes (apps/noise/steps.py),
made from the readings of the last two days: the page draws today's steps, and the ingest
keeps them from now on."""

from datetime import timedelta

import django.db.models.deletion
from django.db import migrations, models
from django.utils import timezone

from apps.noise.steps import rebuild_steps


def steps_of_recent_readings(apps, schema_editor):
    rebuild_steps(timezone.now() - timedelta(days=2), using=schema_editor.connection)


class Migration(migrations.Migration):

    dependencies = [
        ('noise', '0006_partition_readings'),
    ]

    operations = [
        migrations.CreateModel(
            name='NoiseStep',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('at', models.DateTimeField(verbose_name='step from')),
                ('level', models.DecimalField(decimal_places=1, max_digits=4, verbose_name='loudest, dB(A)')),
                ('sensor', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='steps', to='noise.noisesensor', verbose_name='sensor')),
            ],
            options={
                'verbose_name': 'noise step',
                'verbose_name_plural': 'noise steps',
                'constraints': [models.UniqueConstraint(fields=('sensor', 'at'), name='noise_step_unique_time')],
            },
        ),
        migrations.RunPython(steps_of_recent_readings, migrations.RunPython.noop),
    ]
