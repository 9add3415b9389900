from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotifyConfig(AppConfig):
    name = "notify"
    label = "notify"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        # Imported here, not at the top: the download reads the models, which exist only once
        # the apps are ready. Importing `digest` registers the daily digest's renderer.
        from accounts import personal_data

        from . import digest  # noqa: F401
        from . import personal_data as notify_personal_data

        personal_data.register("emails", notify_personal_data.collect)
        personal_data.register("email_choices", notify_personal_data.collect_choices)
