from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DinnersConfig(AppConfig):
    name = "dinners"
    verbose_name = _("Dinner dialogues")
