from django.apps import AppConfig


class UiConfig(AppConfig):
    """Site-wide presentation helpers: form rendering in the design system, template tags."""

    name = "ui"
