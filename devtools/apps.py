from django.apps import AppConfig


class DevtoolsConfig(AppConfig):
    """Only for its management commands: seed_demo, bench and loadtest."""

    name = "devtools"
    label = "devtools"
    verbose_name = "Development tools"
