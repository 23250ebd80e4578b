from django.core.management.base import BaseCommand, CommandError

from apps.cases.services.taxonomy import taxonomy_seed
from apps.stations.models import Bureau


class Command(BaseCommand):
    help = "Load the standard incident taxonomy into a sub-bureau; adds only what is missing."

    def add_arguments(self, parser):
        parser.add_argument("bureau_code", help="the sub-bureau's code, e.g. 500107")

    def handle(self, *args, bureau_code, **options):
        bureau = Bureau.objects.filter(code=bureau_code).first()
        if bureau is None:
            raise CommandError(f"No sub-bureau with code {bureau_code}.")
        created = taxonomy_seed(bureau=bureau)
        self.stdout.write(f"{bureau}: {created} categories created.")
