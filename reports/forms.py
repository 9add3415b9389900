from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.models import Country
from ideas.models import Idea, Status
from ui.forms import FilterForm

from .models import COCREATION_VALUES, STATEMENTS, Innovation, Party, SectorLevel, Subsector
from .services import EDITABLE_FIELDS


class SelectionForm(FilterForm):
    """The selection behind every figure (a GET form: its URL is the share link)."""

    municipality = forms.ChoiceField(label=_("Municipality"), required=False)
    country = forms.ChoiceField(label=_("Country"), required=False,
                                choices=[("", _("All countries")), *Country.choices])
    year_from = forms.IntegerField(label=_("From year"), required=False, min_value=1990, max_value=2100)
    year_to = forms.IntegerField(label=_("To year"), required=False, min_value=1990, max_value=2100)
    sector_level = forms.ChoiceField(label=_("Sector level"), required=False,
                                     choices=[("", _("All sector levels")), *SectorLevel.choices])
    subsector = forms.ChoiceField(label=_("Subsector"), required=False,
                                  choices=[("", _("All subsectors")), *Subsector.choices])

    def __init__(self, *args, municipalities=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["municipality"].choices = [("all", _("All municipalities")),
                                               *[(m.slug, m.name) for m in municipalities]]


class InnovationForm(forms.ModelForm):
    class Meta:
        model = Innovation
        fields = [*EDITABLE_FIELDS, "ideas"]

    def __init__(self, *args, municipality=None, **kwargs):
        super().__init__(*args, **kwargs)
        # Link the ideas the innovation came from: the municipality's accepted or later ones,
        # and those linked before (an accepted idea may since have been given up), so a change
        # to the record never fails on a link it does not touch.
        eligible = Q(municipality=municipality, status__in=[Status.ACCEPTED, Status.IN_PROGRESS, Status.IMPLEMENTED])
        if self.instance.pk:
            eligible |= Q(pk__in=self.instance.ideas.values("pk"))
        self.fields["ideas"].queryset = Idea.objects.filter(eligible).order_by("-created_at").only("pk", "title")
        self.fields["ideas"].required = False
        self.fields["ideas"].error_messages["invalid_choice"] = _(
            "Link ideas of this municipality that are accepted or later.")
        self.fields["ideas"].help_text = _("Ideas this innovation came from (accepted or later).")


MAX_IMPORT_BYTES = 50 * 1024 * 1024


class ImportForm(forms.Form):
    file = forms.FileField(label=_("CSV file with innovation records"),
                           help_text=_("Columns: id, municipality, country, sector_level, subsector, innovation_type, "
                                       "weight, citizens_initiated, citizens_promoted, citizens_cocreated, value_quality, "
                                       "value_efficiency, value_employee_satisfaction, value_citizen_involvement, "
                                       "value_political_goals (0/1 for the flags); year and title may follow."))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_IMPORT_BYTES:
            raise forms.ValidationError(_("The file is larger than %(n)s MB.") % {"n": MAX_IMPORT_BYTES // (1024 * 1024)})
        return upload


class InvitationForm(forms.Form):
    party = forms.ChoiceField(label=_("Party"), choices=Party.choices)
    label = forms.CharField(label=_("Who (a name or role, for your overview)"), max_length=120, required=False)


SCALE = [(i, str(i)) for i in range(1, 6)]


class AnswerForm(forms.Form):
    """Twelve statements, 1 (disagree completely) to 5 (agree completely)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for value, statements in STATEMENTS.items():
            for i, statement in enumerate(statements, start=1):
                self.fields[f"{value}_{i}"] = forms.TypedChoiceField(
                    label=statement, choices=SCALE, coerce=int, widget=forms.RadioSelect,
                    help_text=COCREATION_VALUES[value] if i == 1 else "")
