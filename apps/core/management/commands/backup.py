from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from apps.core.backup import BackupError, backup


class Command(BaseCommand):
    help = "Back up the database and the uploaded files into a new directory (see README)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--output",
            help="the backup's directory (default: backups/<date-time>)",
        )

    def handle(self, *args: Any, output: str | None = None, **options: Any) -> None:
        target = Path(output or f"backups/{timezone.localtime():%Y%m%d-%H%M%S}")
        try:
            manifest = backup(target)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        rows = sum(count for count, _checksum in manifest["tables"].values())
        self.stdout.write(
            f"Backed up {len(manifest['tables'])} tables ({rows} rows) and the uploaded "
            f"files into {target}."
        )
