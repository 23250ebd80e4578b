from typing import Any

from django.core.management.base import BaseCommand

from apps.core.models import QueuedTask
from apps.core.outbox import queued_tasks_flush


class Command(BaseCommand):
    help = (
        "Send the Celery tasks still waiting in the outbox (the broker was down when they "
        "were queued). Celery beat does this every minute; this is for doing it now."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        sent = queued_tasks_flush()
        waiting = QueuedTask.objects.filter(sent_at__isnull=True).count()
        self.stdout.write(f"{sent} task(s) sent, {waiting} still waiting.")
