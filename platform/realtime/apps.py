from django.apps import AppConfig


class RealtimeConfig(AppConfig):
    name = "realtime"

    def ready(self):
        from health import checks as health_checks

        from . import sessions  # noqa: F401 - connects the sign-out receiver
        from .checks import channel_layer

        health_checks.register("channel_layer", channel_layer)
