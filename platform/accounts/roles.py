"""The roles a person can hold in a municipality (accounts.models.Membership)."""
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    CITIZEN = "citizen", _("Citizen")
    MODERATOR = "moderator", _("Moderator")
    STAFF = "staff", _("Staff")
    COUNCIL = "council", _("Council member")
    ADMIN = "admin", _("Administrator")
