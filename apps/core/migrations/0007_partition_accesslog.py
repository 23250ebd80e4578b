"""core_accesslog partitioned by month (apps.core.partitions), on PostgreSQL; SQLite keeps
the table as it is. Undone, the plain table comes back with the same rows."""

from django.db import migrations

TABLE = "core_accesslog"


def partition(apps, schema_editor):
    from apps.core.partitions import convert

    convert(schema_editor.connection, TABLE)


def unpartition(apps, schema_editor):
    from apps.core.partitions import unconvert

    unconvert(schema_editor.connection, TABLE)


class Migration(migrations.Migration):
    dependencies = [("core", "0006_numbersequence")]

    operations = [migrations.RunPython(partition, unpartition)]
