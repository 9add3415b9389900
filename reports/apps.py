from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    label = "reports"
    verbose_name = _("Reports")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Imported here, not at the top: the models exist only once the apps are ready.
        from ideas.signals import idea_implemented

        idea_implemented.connect(_innovation_from_idea, dispatch_uid="hoest-innovation-from-idea")


def _innovation_from_idea(sender, idea, **kwargs) -> None:
    from . import services

    services.innovation_from_idea(idea=idea)
