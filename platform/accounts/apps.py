from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts and municipalities")

    def ready(self) -> None:
        from . import personal_data

        personal_data.register("account", personal_data.account_data)

        from allauth.mfa import signals

        from . import mfa

        signals.authenticator_added.connect(mfa.on_authenticator_added, dispatch_uid="hoest-mfa-added")
        signals.authenticator_removed.connect(mfa.on_authenticator_removed, dispatch_uid="hoest-mfa-removed")
