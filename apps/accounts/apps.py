from django.apps import AppConfig, apps
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _sync_roles_after_last_app(sender, **kwargs):
    # Permissions of every app exist only once post_migrate has run for all of them. Only
    # apps with a models module are sent it (not e.g. the development tools, last in DEBUG).
    with_models = [config for config in apps.get_app_configs() if config.models_module]
    if sender is with_models[-1]:
        from .roles import sync_roles

        sync_roles(using=kwargs.get("using", "default"))


class AccountsConfig(AppConfig):
    name = "apps.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self):
        from auditlog.registry import auditlog

        from . import signals  # noqa: F401
        from .models import User

        # Who changed whose roles and station; never the password hash. A citizen's
        # account name is their phone: masked like it (officers' names are kept).
        auditlog.register(
            User,
            exclude_fields=["password", "last_login"],
            mask_fields=["phone", "username"],
            m2m_fields={"groups"},
        )

        post_migrate.connect(_sync_roles_after_last_app, dispatch_uid="accounts.sync_roles")
