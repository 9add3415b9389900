"""The innovation registry and the co-creation quality questionnaire.

The registry holds the municipality's innovations, each with the part citizens played in it,
as the Innovation Barometer asks; the reports compute its figures from them. An implemented
idea becomes a record (`services.innovation_from_idea`), and staff register the others.

The co-creation quality questionnaire (inspired by KS' SAMSON tool): staff invite the people
behind a co-created innovation, citizens and staff, each with a personal link. Each answers
twelve statements, three per value, on a 1-5 scale, and then sees the innovation's profile:
the dialogue starts from where the parties see it differently."""
from __future__ import annotations

import secrets

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import Municipality
from ideas.models import CitizenRoles, Idea


class SectorLevel(models.TextChoices):
    MUNICIPALITY = "municipality", _("Municipality")
    REGION = "region", _("Region")
    STATE = "state", _("State")


class Subsector(models.TextChoices):
    CHILDCARE = "childcare", _("Childcare")
    SCHOOLS = "schools", _("Schools and education")
    ELDERLY_DISABILITY = "elderly_disability", _("Elderly and disability care")
    HEALTH = "health", _("Health")
    SOCIAL = "social", _("Social services")
    EMPLOYMENT = "employment", _("Employment")
    TECHNICAL = "technical", _("Technical and environment")
    CULTURE = "culture", _("Culture and leisure")
    ADMINISTRATION = "administration", _("Administration")
    OTHER = "other", _("Other")


class InnovationType(models.TextChoices):
    PRODUCT = "product", _("Product")
    SERVICE = "service", _("Service")
    PROCESS = "process", _("Process or way of organising")
    COMMUNICATION = "communication", _("Way of communicating")


class Innovation(CitizenRoles):
    """A new or significantly changed product, service, process or way of communicating
    that a workplace of the municipality has put into use — from an idea or not (the
    Innovation Barometer compares innovations with and without citizens)."""

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="innovations",
                                     verbose_name=_("municipality"))
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    # `idea.innovations`: the records an idea became (ideas itself never reads them).
    ideas = models.ManyToManyField(Idea, blank=True, related_name="innovations", verbose_name=_("ideas"))
    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(1990), MaxValueValidator(2100)])
    sector_level = models.CharField(_("sector level"), max_length=12, choices=SectorLevel.choices,
                                    default=SectorLevel.MUNICIPALITY)
    subsector = models.CharField(_("subsector"), max_length=20, choices=Subsector.choices, default=Subsector.OTHER)
    innovation_type = models.CharField(_("type of innovation"), max_length=14, choices=InnovationType.choices,
                                       default=InnovationType.SERVICE)
    partner_companies = models.BooleanField(_("with companies"), default=False)
    partner_associations = models.BooleanField(_("with associations or volunteers"), default=False)
    partner_public_bodies = models.BooleanField(_("with other public bodies"), default=False)
    value_quality = models.BooleanField(_("better quality"), default=False)
    value_efficiency = models.BooleanField(_("more efficiency"), default=False)
    value_employee_satisfaction = models.BooleanField(_("more employee satisfaction"), default=False)
    value_citizen_involvement = models.BooleanField(_("more citizen involvement"), default=False)
    value_political_goals = models.BooleanField(_("political goals met"), default=False)
    weight = models.DecimalField(_("weight"), max_digits=12, decimal_places=6, default=1,
                                 validators=[MinValueValidator(0)],
                                 help_text=_("1 for the municipality's own records; survey data carries its own."))
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-year", "title"]
        # Reports select a municipality's records by year.
        indexes = [models.Index(fields=["municipality", "year"], name="innovation_municipality_year")]
        verbose_name = _("innovation")
        verbose_name_plural = _("innovations")

    def __str__(self) -> str:
        return self.title


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
