from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PatrolsConfig(AppConfig):
    name = "apps.patrols"
    label = "patrols"
    verbose_name = _("Patrols")

    def ready(self):
        from auditlog.registry import auditlog

        from . import models

        # Weights and quiet hours decide scores and refusals: keep who changed what.
        auditlog.register(models.PatrolSettings)
