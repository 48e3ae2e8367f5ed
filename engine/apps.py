"""App config."""

from django.apps import AppConfig


class EngineConfig(AppConfig):
    name = "engine"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from engine import calendar_signals, clock, holidays  # noqa: F401 - checks; deadlines follow the holiday table
