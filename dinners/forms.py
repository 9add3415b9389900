from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from ui.forms import PictureForm, PlausibleDates

from .models import Dinner, MatchRequest, Programme
from .services import DINNER_FIELDS, MAX_QUESTIONS, MIN_QUESTIONS


class LocalDateTimeInput(forms.DateTimeInput):
    """The browser's own date and time picker; works with a keyboard and without scripts."""

    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%dT%H:%M")


class ProgrammeForm(PlausibleDates, PictureForm, forms.ModelForm):
    """A new programme, its guiding questions and its picture (ui.forms.PictureForm)."""

    questions = forms.CharField(
        label=_("Guiding questions"), widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("One question per line, between %(min)s and %(max)s.") % {"min": MIN_QUESTIONS, "max": MAX_QUESTIONS})

    class Meta:
        model = Programme
        fields = ["title", "theme", "host_instructions", "privacy_text", "signup_opens", "signup_closes",
                  "dinners_from", "dinners_until", "districts", "max_seats", "hosts_need_approval", "image_alt"]
        widgets = {name: LocalDateTimeInput() for name in ("signup_opens", "signup_closes", "dinners_from", "dinners_until")}
        widgets.update({"theme": forms.Textarea(attrs={"rows": 3}), "host_instructions": forms.Textarea(attrs={"rows": 6}),
                        "privacy_text": forms.Textarea(attrs={"rows": 4}), "districts": forms.CheckboxSelectMultiple})

    def __init__(self, *args, municipality, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["districts"].queryset = municipality.districts.all()

    def clean_questions(self):
        return [line.strip() for line in self.cleaned_data["questions"].splitlines() if line.strip()]


class ProgrammePictureForm(PictureForm, forms.ModelForm):
    """A programme's picture, changed or removed by staff (the page and the API)."""

    class Meta:
        model = Programme
        fields = ["image_alt"]


class DinnerForm(PlausibleDates, forms.ModelForm):
    class Meta:
        model = Dinner
        fields = DINNER_FIELDS
        widgets = {"starts_at": LocalDateTimeInput(), "welcome": forms.Textarea(attrs={"rows": 3}),
                   "accessibility": forms.Textarea(attrs={"rows": 2}), "menu": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, programme: Programme, **kwargs):
        super().__init__(*args, **kwargs)
        self.programme = programme
        districts = programme.districts.all()
        self.fields["district"].queryset = districts if districts.exists() else programme.municipality.districts.all()
        self.fields["district"].error_messages["invalid_choice"] = _("Choose one of the programme's districts.")
        self.fields["seats"].widget.attrs["max"] = programme.max_seats
        self.fields["seats"].help_text = _("At most %(n)s guests, not counting you.") % {"n": programme.max_seats}

    def clean_seats(self):
        seats = self.cleaned_data["seats"]
        if seats > self.programme.max_seats:
            raise forms.ValidationError(_("A dinner in this programme has at most %(n)s guests.")
                                        % {"n": self.programme.max_seats})
        return seats

    def clean(self):
        data = super().clean()
        # Said beside the field; the model's constraint would only say it is violated.
        seats, private = data.get("seats"), data.get("private_seats")
        if seats is not None and private is not None and private > seats:
            self.add_error("private_seats", _("You cannot reserve more seats than the dinner has."))
        return data


class SeatForm(forms.Form):
    diet = forms.CharField(label=_("Diet"), required=False, max_length=300,
                           help_text=_("For example vegetarian, no pork, gluten-free."))
    needs = forms.CharField(label=_("Accessibility needs"), required=False, max_length=300,
                            help_text=_("For example step-free access or a hearing loop."))


class MatchRequestForm(PlausibleDates, forms.ModelForm):
    class Meta:
        model = MatchRequest
        fields = ["district", "earliest", "latest", "diet", "needs"]
        widgets = {"earliest": LocalDateTimeInput(), "latest": LocalDateTimeInput()}
        labels = {"earliest": _("I can come from"), "latest": _("I can come until")}

    def __init__(self, *args, programme: Programme, **kwargs):
        super().__init__(*args, **kwargs)
        districts = programme.districts.all()
        self.fields["district"].queryset = districts if districts.exists() else programme.municipality.districts.all()
        self.fields["district"].empty_label = _("Anywhere in the municipality")
        self.fields["district"].error_messages["invalid_choice"] = _("Choose one of the programme's districts.")

    def clean(self):
        data = super().clean()
        earliest, latest = data.get("earliest"), data.get("latest")
        if earliest and latest and latest <= earliest:
            self.add_error("latest", _("The end of the time window must come after its start."))
        return data


def _is_true(value: str) -> bool:
    return value == "true"


class DecideForm(forms.Form):
    # "true" and "false", as JSON writes them: the API's `approve` is this field.
    approve = forms.TypedChoiceField(label=_("Decision"), widget=forms.RadioSelect, coerce=_is_true,
                                     choices=[("true", _("Approve")), ("false", _("Decline"))])
    reason = forms.CharField(label=_("Reason for the host"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
                             max_length=2000)

    def clean(self):
        data = super().clean()
        if data.get("approve") is False and not data.get("reason"):
            self.add_error("reason", _("Tell the host why the dinner is declined."))
        return data


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("Message to the guests"), required=False, max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 3}))


class ReporterForm(forms.Form):
    reporter = forms.ModelChoiceField(label=_("Who writes the report"), queryset=None, required=False,
                                      empty_label=_("I write it myself"))

    def __init__(self, *args, guests, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reporter"].queryset = guests
        self.fields["reporter"].label_from_instance = lambda user: user.public_name


ANSWER_MAX_LENGTH, IDEA_TITLE_MAX_LENGTH, IDEA_BODY_MAX_LENGTH = 5000, 140, 5000


class ReportForm(forms.Form):
    """The report: participants, an answer per guiding question, themes, and as many ideas
    as the host has slots for (the "More ideas" button adds slots without JavaScript)."""

    participants = forms.IntegerField(label=_("How many were at the table, you included?"), min_value=1, max_value=21)
    themes = forms.CharField(label=_("Themes that came up"), required=False, max_length=3000,
                             widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, questions, idea_slots: int = 3, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = list(questions)
        self.idea_slots = idea_slots
        for question in self.questions:
            self.fields[f"answer_{question.pk}"] = forms.CharField(
                label=question.text, max_length=ANSWER_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 4}),
                error_messages={"required": _("Answer this question (a few words are enough).")})
        for n in range(1, idea_slots + 1):
            self.fields[f"idea_title_{n}"] = forms.CharField(label=_("Idea %(n)s: title") % {"n": n}, required=False,
                                                             max_length=IDEA_TITLE_MAX_LENGTH)
            self.fields[f"idea_body_{n}"] = forms.CharField(label=_("Idea %(n)s: description") % {"n": n},
                                                            required=False, max_length=IDEA_BODY_MAX_LENGTH,
                                                            widget=forms.Textarea(attrs={"rows": 3}))

    def clean(self):
        data = super().clean()
        for n in range(1, self.idea_slots + 1):
            title, body = data.get(f"idea_title_{n}", ""), data.get(f"idea_body_{n}", "")
            if body and not title:
                self.add_error(f"idea_title_{n}", _("Give the idea a short title."))
            if title and not body:
                self.add_error(f"idea_body_{n}", _("Describe the idea in a sentence or two."))
        return data

    def answers(self) -> dict[int, str]:
        return {q.pk: self.cleaned_data.get(f"answer_{q.pk}", "") for q in self.questions}

    def ideas(self) -> list[tuple[str, str]]:
        return [(self.cleaned_data[f"idea_title_{n}"], self.cleaned_data[f"idea_body_{n}"])
                for n in range(1, self.idea_slots + 1) if self.cleaned_data.get(f"idea_title_{n}")]
