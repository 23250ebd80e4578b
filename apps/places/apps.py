from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlacesConfig(AppConfig):
    name = "apps.places"
    label = "places"
    verbose_name = _("Places")

    def ready(self):
        from . import gazetteer

        gazetteer.connect_signals()
