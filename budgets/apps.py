from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BudgetsConfig(AppConfig):
    name = "budgets"
    verbose_name = _("Participatory budgets")

    def ready(self) -> None:
        from accounts import personal_data

        from . import personal_data as budgets_personal_data

        personal_data.register("budgets", budgets_personal_data.collect)

        from accounts import activity

        from . import activity as budgets_activity

        activity.register("budgets", budgets_activity.sections)

        from . import frozen

        # Once a result is approved, what it was computed from refuses every change made
        # through the models (services, admin, shell).
        frozen.connect()
