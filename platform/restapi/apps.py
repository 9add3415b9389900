from django.apps import AppConfig


class RestapiConfig(AppConfig):
    name = "restapi"
    verbose_name = "API"
