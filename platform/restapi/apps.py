from django.apps import AppConfig


class RestapiConfig(AppConfig):
    name = "restapi"
    verbose_name = "API"

    def ready(self):
        # Models can be imported only once every app is loaded.
        from accounts import personal_data
        from accounts.signals import credentials_changed

        from . import personal_data as api_personal_data

        personal_data.register("api_tokens", api_personal_data.collect)
        credentials_changed.connect(_revoke_tokens, dispatch_uid="hoest-revoke-api-tokens")


def _revoke_tokens(sender, user, reason, **kwargs) -> None:
    from . import tokens

    tokens.revoke_all(user)
