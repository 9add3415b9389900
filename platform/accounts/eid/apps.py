from django.apps import AppConfig


class EidConfig(AppConfig):
    """National e-ID sign-in over OpenID Connect, as an allauth provider (accounts.eid.provider)."""

    name = "accounts.eid"
    label = "eid"
    verbose_name = "e-ID"
