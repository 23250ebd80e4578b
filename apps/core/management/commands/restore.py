from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from apps.core.backup import BackupError, restore


class Command(BaseCommand):
    help = (
        "Restore a backup made by `backup`: replaces the database's tables and the uploaded "
        "files, then checks every table's rows against the backup's checksums."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("source", help="the backup's directory")
        parser.add_argument(
            "--database",
            help="restore into this PostgreSQL database (it must exist) or SQLite file "
            "instead of the configured one",
        )
        parser.add_argument("--files-to", help="put the files here instead of PRIVATE_MEDIA_ROOT")
        parser.add_argument("--yes", action="store_true", help="do not ask for confirmation")

    def handle(
        self,
        *args: Any,
        source: str,
        database: str | None = None,
        files_to: str | None = None,
        yes: bool = False,
        **options: Any,
    ) -> None:
        if not yes:
            try:
                answer = input(f"Replace the database and the uploaded files with {source}? [y/N] ")
            except EOFError:  # no terminal: only --yes restores
                answer = ""
            if answer.strip().lower() not in ("y", "yes"):
                raise CommandError("Nothing restored.")
        try:
            differing = restore(source, database=database, files_to=files_to)
        except (BackupError, FileNotFoundError) as exc:
            raise CommandError(str(exc)) from exc
        if differing:
            raise CommandError(
                "Restored, but these tables differ from the backup: " + ", ".join(differing)
            )
        self.stdout.write(f"Restored {source}: every table matches the backup's checksums.")
