from django.core.management.base import BaseCommand

from apps.accounts.roles import ROLES, sync_roles


class Command(BaseCommand):
    help = "Create or update the role groups and their permissions (idempotent)."

    def handle(self, *args, **options):
        sync_roles()
        self.stdout.write(f"{len(ROLES)} roles in step.")
