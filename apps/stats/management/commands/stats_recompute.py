"""Recompute the statistics of a bureau over a range of days, in this process:

manage.py stats_recompute --bureau 500107 --from 2026-01-01 --to 2026-12-31
"""

import sys
from datetime import date

from django.core.management.base import BaseCommand, CommandError

from apps.stations.models import Bureau
from apps.stats import services
from apps.stats.models import StatsRun


class Command(BaseCommand):
    help = "Recompute the daily statistics of a sub-bureau for a range of days."

    def add_arguments(self, parser):
        parser.add_argument("--bureau", required=True, help="sub-bureau code, e.g. 500107")
        parser.add_argument("--from", dest="first", required=True, type=date.fromisoformat)
        parser.add_argument("--to", dest="last", required=True, type=date.fromisoformat)

    def handle(self, *args, bureau, first, last, **options):
        found = Bureau.objects.filter(code=bureau).first()
        if found is None:
            raise CommandError(f"No sub-bureau with code {bureau}.")
        if first > last:
            raise CommandError("--from is after --to.")
        run = StatsRun.objects.create(bureau=found, first_day=first, last_day=last)

        def progress(done, total):
            self.stdout.write(f"\r{found.code}: {done}/{total} days", ending="")
            self.stdout.flush()

        original = services.set_progress

        def both(key, done, total):
            original(key, done, total)
            progress(done, total)

        services.set_progress = both
        try:
            run = services.run_execute(run_id=run.pk)
        finally:
            services.set_progress = original
        self.stdout.write("")
        self.stdout.write(
            self.style.SUCCESS(f"{run.days} days, {run.rows} rows written (run {run.pk}).")
        )
        sys.stdout.flush()
