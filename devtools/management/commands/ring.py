"""`manage.py ring 8001 13983460088`: the demo's telephone system reports a call ringing at a
desk's extension, as the PBX's webhook would (README, "The telephone hook")."""

from django.core.management.base import BaseCommand, CommandError

from apps.accounts.models import User
from apps.cases.services import call_ring
from apps.core.errors import DomainError
from devtools.demo.accounts import PBX_USER


class Command(BaseCommand):
    help = "Ring a desk's extension with a caller's number, as the telephone system does."

    def add_arguments(self, parser):
        parser.add_argument("extension")
        parser.add_argument("phone")

    def handle(self, *args, extension, phone, **options):
        pbx = User.objects.filter(username=PBX_USER).first()
        if pbx is None:
            raise CommandError("No telephone system account: run `make demo-setup` first.")
        try:
            call = call_ring(by=pbx, extension=extension, phone=phone)
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(f"Ringing at {call.desk} (extension {call.extension}).")
