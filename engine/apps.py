"""App config."""

from django.apps import AppConfig


class EngineConfig(AppConfig):
    name = "engine"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from engine import calendar_signals, clock  # noqa: F401 - the clock check; deadlines follow the holiday table
