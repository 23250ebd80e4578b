"""core_accesslog partitioned by month (apps.core.partitions), on PostgreSQL; SQLite keeps
the table as it is. Undone, the plain table comes back with the same rows."""

from django.db import migrations

from apps.core.partitions import migration


class Migration(migrations.Migration):
    dependencies = [("core", "0006_numbersequence")]

    operations = [migration("core_accesslog")]
