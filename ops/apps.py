from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpsConfig(AppConfig):
    """Operations: serving, health, worker heartbeats, request logs, login limits, notifications."""

    name = "ops"
    verbose_name = _("运行维护")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from ops import checks  # noqa: F401  (registers the system checks)
