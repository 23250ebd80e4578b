from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StationsConfig(AppConfig):
    name = "apps.stations"
    label = "stations"
    verbose_name = _("Organisation")

    def ready(self):
        from auditlog.registry import auditlog

        from . import models

        for model in (
            models.Bureau,
            models.Station,
            models.Post,
            models.PoliceDistrict,
            models.Community,
            models.StaffAssignment,
            models.ServiceLog,
        ):
            auditlog.register(
                model,
                m2m_fields={"responsible_officers"} if model is models.PoliceDistrict else None,
                mask_fields=["phone"] if model is models.StaffAssignment else None,
            )
