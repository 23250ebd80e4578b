from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PermitsConfig(AppConfig):
    name = "apps.permits"
    label = "permits"
    verbose_name = _("Residence registration and permits")

    def ready(self):
        from . import related  # noqa: F401  (registers the person-page provider)
