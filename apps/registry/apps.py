from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "apps.registry"
    label = "registry"
    verbose_name = _("Population and addresses (一标三实)")

    def ready(self):
        from auditlog.registry import auditlog

        from . import models

        # ID numbers and phones are personal data: the audit trail keeps them masked.
        auditlog.register(models.Address)
        auditlog.register(models.Housing)
        auditlog.register(models.Person, mask_fields=["id_number", "phone"])
        auditlog.register(models.Residence)
        auditlog.register(models.Unit, mask_fields=["contact_phone"])
        auditlog.register(models.HotelStay)
        auditlog.register(models.FocusRecord)
