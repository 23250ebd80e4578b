"""noise_noisereading partitioned by month (apps.core.partitions), on PostgreSQL; SQLite keeps
the table as it is. Undone, the plain table comes back with the same rows."""

from django.db import migrations

TABLE = "noise_noisereading"


def partition(apps, schema_editor):
    from apps.core.partitions import convert

    convert(schema_editor.connection, TABLE)


def unpartition(apps, schema_editor):
    from apps.core.partitions import unconvert

    unconvert(schema_editor.connection, TABLE)


class Migration(migrations.Migration):
    dependencies = [("noise", "0005_laeq_window_night_lmax_bureau_hours")]

    operations = [migrations.RunPython(partition, unpartition)]
