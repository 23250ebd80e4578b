"""One number sequence for every kind of record: core.NumberSequence takes over the rows of
cases.NumberSequence (incidents, cases, disputes) and permits.DocumentSequence (residence
certificates and permits), so each station's numbers go on from where they were. The old
tables are dropped afterwards by cases 0008 and permits 0008."""

import django.db.models.deletion
from django.db import migrations, models

OLD = (("cases", "NumberSequence"), ("permits", "DocumentSequence"))
# The series the permits app numbered: they go back to its table when unapplied.
DOCUMENT_SERIES = {"PZ", "JZ"}


def carry_over(apps, schema_editor):
    """Copy every old sequence; if a station, series and year were somehow in both old
    tables (or the new one already has it), the highest number given out wins, so no
    number is ever given twice. Running it again changes nothing."""
    Sequence = apps.get_model("core", "NumberSequence")
    for app_label, name in OLD:
        for old in apps.get_model(app_label, name).objects.all():
            sequence, _ = Sequence.objects.get_or_create(
                station_id=old.station_id, series=old.series, year=old.year
            )
            if old.last > sequence.last:
                sequence.last = old.last
                sequence.save(update_fields=["last"])


def carry_back(apps, schema_editor):
    """Unapplied: every sequence back into the table of the app that numbers its series."""
    for sequence in apps.get_model("core", "NumberSequence").objects.all():
        app_label, name = OLD[1] if sequence.series in DOCUMENT_SERIES else OLD[0]
        apps.get_model(app_label, name).objects.update_or_create(
            station_id=sequence.station_id,
            series=sequence.series,
            year=sequence.year,
            defaults={"last": sequence.last},
        )


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0005_task_names'),
        ('stations', '0005_names_without_invisible_characters'),
        ('cases', '0007_taxonomy_complaints_fights_noise'),
        ('permits', '0007_enterprise_rows_declared'),
    ]

    operations = [
        migrations.CreateModel(
            name='NumberSequence',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('series', models.CharField(max_length=10)),
                ('year', models.PositiveSmallIntegerField()),
                ('last', models.PositiveIntegerField(default=0)),
                ('station', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='stations.station')),
            ],
            options={
                'verbose_name': 'number sequence',
                'verbose_name_plural': 'number sequences',
                'constraints': [models.UniqueConstraint(fields=('station', 'series', 'year'), name='core_sequence_unique')],
            },
        ),
        migrations.RunPython(carry_over, carry_back),
    ]
