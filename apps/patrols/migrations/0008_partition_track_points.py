"""patrols_trackpoint partitioned by month (apps.core.partitions), on PostgreSQL; SQLite keeps
the table as it is. Undone, the plain table comes back with the same rows."""

from django.db import migrations

from apps.core.partitions import migration


class Migration(migrations.Migration):
    dependencies = [("patrols", "0007_partitioned_by_time")]

    operations = [migration("patrols_trackpoint")]
