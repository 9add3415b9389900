from django.apps import AppConfig


class DashboardConfig(AppConfig):
    """Pages that combine the feature apps: the front page and, later, the staff dashboard."""

    name = "dashboard"
