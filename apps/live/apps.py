from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LiveConfig(AppConfig):
    name = "apps.live"
    label = "live"
    verbose_name = _("Live updates")

    def ready(self) -> None:
        from . import signals  # noqa: F401  (a logout, a revoked token or a locked account ends its sockets)
