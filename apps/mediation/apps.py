from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MediationConfig(AppConfig):
    name = "apps.mediation"
    label = "mediation"
    verbose_name = _("Dispute mediation")

    def ready(self):
        from apps.cases import diversion

        from . import related, services  # noqa: F401  (registers the person-page provider)

        # Closing an incident "diverted to mediation" creates its dispute here.
        diversion.register(services.intake_from_incident)
