from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "apps.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from . import (
            auditing,
            tiles,  # noqa: F401  (registers the check of the maps' base layer)
        )
        from .library_texts import name_library_records

        name_library_records()
        auditing.connect()
