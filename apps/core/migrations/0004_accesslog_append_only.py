"""The personal-data access log in PostgreSQL itself: no UPDATE, and no DELETE of entries
younger than six months, whoever connects (the ORM refuses both too, see AccessLog).

183 days is the floor of ACCESS_LOG_RETENTION_DAYS: a deployment may keep entries longer,
and the auditor's purge (services.access_log_purge) deletes only what is past its own
setting. Other databases (SQLite) rely on the ORM's refusal.
"""

from django.db import migrations

FORWARD = """
CREATE FUNCTION core_accesslog_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE' THEN
        RAISE EXCEPTION 'the personal-data access log is append-only';
    END IF;
    IF OLD.at > now() - interval '183 days' THEN
        RAISE EXCEPTION 'access-log entries are kept at least 183 days';
    END IF;
    RETURN OLD;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER core_accesslog_append_only
    BEFORE UPDATE OR DELETE ON core_accesslog
    FOR EACH ROW EXECUTE FUNCTION core_accesslog_append_only();
"""

BACKWARD = """
DROP TRIGGER core_accesslog_append_only ON core_accesslog;
DROP FUNCTION core_accesslog_append_only();
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("core", "0003_queuedtask")]

    operations = [migrations.RunPython(forward, backward)]
