from django.apps import AppConfig


class RealtimeConfig(AppConfig):
    name = "realtime"

    def ready(self):
        from . import sessions  # noqa: F401 - connects the sign-out receiver
