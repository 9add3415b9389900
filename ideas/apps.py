from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IdeasConfig(AppConfig):
    name = "ideas"
    verbose_name = _("Ideas")

    def ready(self) -> None:
        # Imported here, not at the top: these modules use the models, which exist only once
        # the apps are ready. Importing `notices` registers the e-mails about ideas with notify.
        from accounts import personal_data

        from . import notices  # noqa: F401
        from . import personal_data as ideas_personal_data

        personal_data.register("ideas", ideas_personal_data.collect)

        from accounts import activity

        from . import activity as ideas_activity

        activity.register("ideas", ideas_activity.sections)
