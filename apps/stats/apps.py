from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StatsConfig(AppConfig):
    name = "apps.stats"
    label = "stats"
    verbose_name = _("Statistics")

    def ready(self):
        from . import signals

        signals.connect()
