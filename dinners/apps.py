from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DinnersConfig(AppConfig):
    name = "dinners"
    verbose_name = _("Dinner dialogues")

    def ready(self) -> None:
        # Imported here, not at the top: these modules use the models, which exist only once
        # the apps are ready. Importing `notices` and `events` registers the dinner e-mails
        # and the live free seats with notify.
        from accounts import personal_data

        from . import events, notices  # noqa: F401
        from . import personal_data as dinners_personal_data

        personal_data.register("dinners", dinners_personal_data.collect)

        from accounts import activity

        from . import activity as dinners_activity

        activity.register("dinners", dinners_activity.sections)
        personal_data.register_eraser(dinners_personal_data.erase)
