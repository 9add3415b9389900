from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BudgetsConfig(AppConfig):
    name = "budgets"
    verbose_name = _("Participatory budgets")

    def ready(self) -> None:
        # Imported here, not at the top: these modules use the models, which exist only once
        # the apps are ready. Importing `notices` and `events` registers the result e-mail and
        # the live turnout with notify.
        from accounts import activity, personal_data
        from ideas import moderation_sources, panels

        from . import activity as budgets_activity
        from . import events, frozen, idea_panel, notices  # noqa: F401
        from . import personal_data as budgets_personal_data
        from .comments import moderation as comment_moderation

        personal_data.register("budgets", budgets_personal_data.collect)
        activity.register("budgets", budgets_activity.sections)
        panels.register(idea_panel.projects_of_idea)
        # Comments on projects wait in the one moderation queue, beside ideas' comments.
        moderation_sources.register(comment_moderation.SOURCE)
        # Once a result is approved, what it was computed from refuses every change made
        # through the models (services, admin, shell).
        frozen.connect()
