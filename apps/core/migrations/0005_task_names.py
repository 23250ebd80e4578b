"""Tasks are named `<app>.<what>` (apps.core.tasks): the beat's entries and the queued rows
written under the old dotted paths take the new names, so nothing waits for a name no worker
knows."""

from django.db import migrations

RENAMED = {
    "apps.core.tasks.notification_send": "core.notification_send",
    "apps.core.tasks.queued_tasks_flush": "core.queued_tasks_flush",
    "apps.cases.tasks.cases_remind_deadlines": "cases.remind_deadlines",
    "apps.mediation.tasks.mediation_remind": "mediation.remind",
    "apps.mediation.tasks.invitation_sms_send": "mediation.invitation_sms_send",
    "apps.permits.tasks.permits_daily": "permits.daily",
    "apps.permits.tasks.enterprise_register": "permits.enterprise_register",
    "apps.registry.tasks.import_check": "registry.import_check",
    "apps.registry.tasks.import_apply": "registry.import_apply",
    "apps.stats.tasks.compute_range": "stats.compute_range",
    "apps.stats.tasks.nightly": "stats.nightly",
    "apps.stats.tasks.runs_recover": "stats.runs_recover",
}


def rename(apps, schema_editor, names=RENAMED):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    QueuedTask = apps.get_model("core", "QueuedTask")
    for old, new in names.items():
        PeriodicTask.objects.filter(task=old).update(task=new)
        QueuedTask.objects.filter(task_name=old).update(task_name=new)


def rename_back(apps, schema_editor):
    rename(apps, schema_editor, {new: old for old, new in RENAMED.items()})


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0004_accesslog_append_only"),
        ("stats", "0002_engine"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(rename, rename_back)]
