"""The co-creation quality questionnaire (inspired by KS' SAMSON tool).

Staff invite the people behind a co-created innovation, citizens and staff, each with a
personal link. Each answers twelve statements, three per value, on a 1-5 scale, and then
sees the innovation's profile: the dialogue starts from where the parties see it
differently."""
from __future__ import annotations

import secrets

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from ideas.models import Innovation


class Party(models.TextChoices):
    CITIZEN = "citizen", _("Citizen")
    STAFF = "staff", _("Staff")


# The four values, three statements each.
COCREATION_VALUES = {
    "equal_standing": _("Equal standing"),
    "exchange": _("Mutual exchange of knowledge and resources"),
    "learning": _("Shared learning"),
    "leadership": _("Collective leadership"),
}
STATEMENTS = {
    "equal_standing": [
        _("Everyone's views counted equally, whatever their position."),
        _("I could say what I meant without holding back."),
        _("Decisions were not made before we met."),
    ],
    "exchange": [
        _("The others shared what they knew."),
        _("What I brought (time, knowledge, contacts) was used."),
        _("We put resources into the work from both sides."),
    ],
    "learning": [
        _("I learnt something new from the others."),
        _("We changed our plans after what we learnt together."),
        _("We looked back together at what worked and what did not."),
    ],
    "leadership": [
        _("We shared responsibility for the result."),
        _("Leading the work moved between us when it made sense."),
        _("We agreed together on the next steps."),
    ],
}
SCORE_FIELDS = [f"{value}_{i}" for value in STATEMENTS for i in (1, 2, 3)]


def _token() -> str:
    return secrets.token_urlsafe(24)


class CoCreationInvitation(models.Model):
    innovation = models.ForeignKey(Innovation, on_delete=models.CASCADE, related_name="cocreation_invitations",
                                   verbose_name=_("innovation"))
    party = models.CharField(_("party"), max_length=8, choices=Party.choices)
    label = models.CharField(_("who (for staff's overview)"), max_length=120, blank=True)
    token = models.CharField(max_length=40, unique=True, default=_token, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("co-creation invitation")
        verbose_name_plural = _("co-creation invitations")

    def __str__(self) -> str:
        return f"{self.innovation_id}: {self.party} {self.label}"


for _name in SCORE_FIELDS:
    CoCreationInvitation.add_to_class(_name, models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]))
