from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NoiseConfig(AppConfig):
    name = "apps.noise"
    label = "noise"
    verbose_name = _("Noise sensors")

    def ready(self):
        from auditlog.registry import auditlog

        from . import models

        # Limits, settings and who is notified are edited by admins: keep who changed what.
        auditlog.register(models.NoiseLimit)
        auditlog.register(models.NoiseSettings)
        auditlog.register(models.NoiseSensor, exclude_fields=["key_hash"])
