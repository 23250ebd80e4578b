from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "apps.cases"
    label = "cases"
    verbose_name = _("Incidents and cases")

    def ready(self):
        from auditlog.registry import auditlog

        from . import models, related  # noqa: F401  (registers the person-page providers)

        # The taxonomy and settings are edited by admins: keep who changed what.
        auditlog.register(models.IncidentCategory)
        auditlog.register(models.ProcedureStep)
        auditlog.register(models.DispatchSettings)
        auditlog.register(models.DutyShift)
