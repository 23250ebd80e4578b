from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError

from apps.accounts.roles import sync_roles
from devtools.demo.accounts import DEMO_PASSWORD, DEMO_USERS, seed_users
from devtools.demo.cases import seed_incidents
from devtools.demo.mediation import seed_mediation, seed_shuangfeng_committee, seed_shuangfeng_year
from devtools.demo.noise import seed_noise
from devtools.demo.patrols import seed_patrols
from devtools.demo.permits import seed_permits
from devtools.demo.registry import seed_registry
from devtools.demo.registry_hub import seed_xietaizi_hub
from devtools.demo.stations import seed_appointments, seed_boundaries, seed_organisation
from devtools.demo.stats import seed_park_year, seed_statistics
from devtools.demo.stats_zhangping import seed_zhangping_years


class Command(BaseCommand):
    help = "Load the demo organisation and users from the seeds. Running it again adds nothing."

    def handle(self, *args, **options):
        sync_roles()
        organisation = seed_organisation()
        try:
            users = seed_users()
        except ImproperlyConfigured as exc:
            raise CommandError(str(exc)) from exc
        seed_boundaries()
        seed_appointments()
        residents = seed_registry()
        incidents = seed_incidents()
        seed_permits()
        seed_mediation()
        seed_shuangfeng_committee()
        seed_noise()
        patrols = seed_patrols()
        if settings.DEMO_PARK_YEAR:
            seed_park_year()
            seed_shuangfeng_year()
            seed_zhangping_years()
            seed_xietaizi_hub()
        # Last, over everything above: the statistics as the nightly job would have left them.
        statistics = seed_statistics()
        if options["verbosity"] == 0:
            return
        made = ", ".join(f"{n} {kind}" for kind, n in organisation.items())
        self.stdout.write(
            f"Organisation: created {made}. Users created: {users}. Residents created: {residents}."
            f" Incidents created: {incidents}. Patrols created: {patrols}."
            f" Statistics computed: {statistics} days."
        )
        self.stdout.write(f"Demo logins (password {DEMO_PASSWORD}): admin, {', '.join(DEMO_USERS)}")
