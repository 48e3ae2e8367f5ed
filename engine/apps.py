"""App config."""

from django.apps import AppConfig


class EngineConfig(AppConfig):
    name = "engine"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from engine import clock  # noqa: F401 - registers the clock settings check
