"""noise_noisereading partitioned by month (apps.core.partitions), on PostgreSQL; SQLite keeps
the table as it is. Undone, the plain table comes back with the same rows."""

from django.db import migrations

from apps.core.partitions import migration


class Migration(migrations.Migration):
    dependencies = [("noise", "0005_laeq_window_night_lmax_bureau_hours")]

    operations = [migration("noise_noisereading")]
