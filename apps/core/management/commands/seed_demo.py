from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError

from apps.accounts.demo import DEMO_PASSWORD, DEMO_USERS, seed_users
from apps.accounts.roles import sync_roles
from apps.cases.demo import seed_incidents
from apps.mediation.demo import seed_mediation, seed_shuangfeng_committee, seed_shuangfeng_year
from apps.noise.demo import seed_noise
from apps.patrols.demo import seed_patrols
from apps.permits.demo import seed_permits
from apps.registry.demo import seed_registry
from apps.registry.demo_hub import seed_xietaizi_hub
from apps.stations.demo import seed_appointments, seed_boundaries, seed_organisation
from apps.stats.demo import seed_park_year, seed_statistics
from apps.stats.demo_zhangping import seed_zhangping_years


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
