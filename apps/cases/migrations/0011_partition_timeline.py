"""cases_incidentevent partitioned by month (apps.core.partitions), on PostgreSQL; SQLite keeps
the table as it is. Undone, the plain table comes back with the same rows."""

from django.db import migrations

from apps.core.partitions import migration


class Migration(migrations.Migration):
    dependencies = [("cases", "0010_partitioned_by_time")]

    operations = [migration("cases_incidentevent")]
