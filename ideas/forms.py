from __future__ import annotations

import uuid

from django import forms
from django.utils.translation import gettext_lazy as _

from ui.forms import FilterForm, PictureForm, PlausibleDates

from .models import Campaign, Category, Comment, FlagReason, Idea, IdeaSettings, Source, Status
from .selectors import campaign_list, campaign_list_open, category_list
from .services.campaigns import CAMPAIGN_FIELDS, MODERATION_SETTINGS_FIELDS
from .services.ideas import MAX_IMAGES
from .services.staff import allowed_next_statuses


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleImageField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data, initial=None):
        if not data:
            return []
        files = data if isinstance(data, list | tuple) else [data]
        return [super(MultipleImageField, self).clean(f, initial) for f in files]


class IdeaForm(forms.ModelForm):
    images = MultipleImageField(
        label=_("Images"), required=False,
        help_text=_("Up to 3 images, JPEG, PNG or WebP, at most 5 MB each."),
        widget=MultipleFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )
    image_description = forms.CharField(
        label=_("What the images show"), max_length=200, required=False,
        help_text=_("A short description for people who cannot see the images."),
    )
    # New with every empty form and kept through re-displays, so sending the same form twice
    # (a double-click, a retry) makes one idea (services.idea_submit).
    submission_key = forms.UUIDField(required=False, initial=uuid.uuid4, widget=forms.HiddenInput)

    class Meta:
        model = Idea
        fields = ["campaign", "title", "body", "category", "district", "latitude", "longitude"]
        widgets = {"body": forms.Textarea(attrs={"rows": 8})}

    def __init__(self, *args, municipality, **kwargs):
        super().__init__(*args, **kwargs)
        campaigns = campaign_list_open(municipality=municipality)
        self.fields["campaign"].queryset = campaigns
        # A campaign that closed while the form was open, or an API number that is no open campaign here.
        self.fields["campaign"].error_messages["invalid_choice"] = _("Choose a campaign that is open for ideas.")
        # Never a campaign the person did not choose: without one named (?campaign=), the
        # standing idea box, or (none) an empty choice they must make.
        if not self.initial.get("campaign"):
            box = next((c for c in campaigns if c.is_general_idea_box), None)
            self.initial["campaign"] = box.pk if box else None
        self.fields["campaign"].empty_label = None if self.initial.get("campaign") else _("Choose a campaign")
        self.fields["category"].queryset = category_list(municipality=municipality)
        self.fields["category"].error_messages["invalid_choice"] = _("Choose a category of this municipality.")
        self.fields["district"].queryset = municipality.districts.all()
        self.fields["district"].error_messages["invalid_choice"] = _("Choose a district of this municipality.")
        self.fields["title"].widget.attrs.update({"autocomplete": "off", "data-similar-source": "true"})

    def clean_images(self):
        images = self.cleaned_data.get("images") or []
        if len(images) > MAX_IMAGES:
            raise forms.ValidationError(_("You can add at most %(n)s images.") % {"n": MAX_IMAGES})
        return images


class StaffIdeaForm(IdeaForm):
    """An idea received on paper, by phone or at a meeting, typed in by staff."""

    source = forms.ChoiceField(label=_("Received"), choices=[c for c in Source.choices if c[0] != Source.PLATFORM])

    class Meta(IdeaForm.Meta):
        fields = ["source", "citizen_name", *IdeaForm.Meta.fields]


class CommentForm(forms.ModelForm):
    parent = forms.ModelChoiceField(queryset=Comment.objects.none(), required=False, widget=forms.HiddenInput)

    class Meta:
        model = Comment
        fields = ["body", "parent"]
        widgets = {"body": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, idea, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = idea.comments.all()
        self.fields["parent"].error_messages["invalid_choice"] = _("You can only reply to a comment on the same idea.")


class FlagForm(forms.Form):
    reason = forms.ChoiceField(label=_("What is wrong?"), choices=FlagReason.choices, widget=forms.RadioSelect)
    explanation = forms.CharField(label=_("Explanation"), max_length=500, required=False,
                                  widget=forms.Textarea(attrs={"rows": 3}))


class ModerationForm(forms.Form):
    ACTIONS = [("approve", _("Approve")), ("hide", _("Hide")), ("restore", _("Restore"))]
    action = forms.ChoiceField(choices=ACTIONS, widget=forms.HiddenInput)
    reason = forms.CharField(label=_("Reason"), required=False, max_length=1000,
                             widget=forms.Textarea(attrs={"rows": 2}),
                             help_text=_("Required when hiding; the author is told."))

    def clean(self):
        data = super().clean()
        if data.get("action") == "hide" and not (data.get("reason") or "").strip():
            self.add_error("reason", _("Tell the author why it is hidden."))
        return data


class StatusForm(forms.Form):
    """The statuses an idea can move to from its `current` one, with the public answer."""

    to_status = forms.ChoiceField(label=_("New status"))
    answer = forms.CharField(label=_("Public answer"), widget=forms.Textarea(attrs={"rows": 4}),
                             max_length=5000,
                             help_text=_("Shown on the idea and sent to its author and followers."),
                             error_messages={"required": _("Write the public answer that goes with the new status.")})

    def __init__(self, *args, current: str, **kwargs):
        super().__init__(*args, **kwargs)
        allowed = allowed_next_statuses(current)
        self.fields["to_status"].choices = [(s, Status(s).label) for s in allowed]
        # Say where the idea can go rather than "not one of the available choices".
        if allowed:
            message = _("An idea that is “%(current)s” can become: %(allowed)s.") % {
                "current": Status(current).label, "allowed": ", ".join(str(Status(s).label) for s in allowed)}
        else:
            message = _("An idea that is “%(current)s” keeps its status.") % {"current": Status(current).label}
        self.fields["to_status"].error_messages["invalid_choice"] = message

    def clean(self):
        data = super().clean()
        if data.get("to_status") == Status.NOT_PURSUED and self.has_error("answer", code="required"):
            self.errors["answer"] = self.error_class([_("Explain why the idea is not pursued.")])
        return data


class RolesForm(forms.ModelForm):
    class Meta:
        model = Idea
        fields = ["citizens_initiated", "citizens_initiated_note", "citizens_promoted",
                  "citizens_promoted_note", "citizens_cocreated", "citizens_cocreated_note"]


class MergeForm(forms.Form):
    into = forms.IntegerField(label=_("Number of the idea to merge into"), min_value=1)
    reason = forms.CharField(label=_("Reason"), required=False, max_length=500)


class SearchForm(FilterForm):
    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    campaign = forms.ModelChoiceField(label=_("Campaign"), queryset=Campaign.objects.none(), required=False)
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("All"))] + [c for c in Status.choices if c[0] != Status.SUBMITTED])
    category = forms.ModelChoiceField(label=_("Category"), queryset=Category.objects.none(), required=False)
    district = forms.ModelChoiceField(label=_("District"), queryset=None, required=False)
    sort = forms.ChoiceField(label=_("Sort by"), required=False, choices=[
        ("", _("Relevance or newest")), ("newest", _("Newest")),
        ("supported", _("Most supported")), ("discussed", _("Most discussed"))])

    def __init__(self, *args, municipality, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["campaign"].queryset = campaign_list(municipality=municipality)
        self.fields["category"].queryset = category_list(municipality=municipality)
        self.fields["district"].queryset = municipality.districts.all()


class DateTimeLocalInput(forms.DateTimeInput):
    """The browser's own date and time picker; without it, the same text in ISO form."""

    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


class CampaignForm(PlausibleDates, PictureForm, forms.ModelForm):
    """A campaign and its frame, on the staff pages: the fields the API takes
    (CAMPAIGN_FIELDS), validated by the model as the service validates them; and its
    picture (ui.forms.PictureForm), which the service checks."""

    class Meta:
        model = Campaign
        fields = CAMPAIGN_FIELDS
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "open_to_influence": forms.Textarea(attrs={"rows": 3}),
            "fixed_frame": forms.Textarea(attrs={"rows": 3}),
            "answer_by": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "opens_at": DateTimeLocalInput(),
            "closes_at": DateTimeLocalInput(),
        }
        help_texts = {
            "title": _("The question citizens are asked, e.g. “How should the harbour be used?”"),
            "open_to_influence": _("What citizens' ideas can change."),
            "decided_by": _("E.g. the city council or a committee."),
            "answer_by": _("The date by which every idea gets a public answer."),
        }


class ModerationSettingsForm(forms.ModelForm):
    class Meta:
        model = IdeaSettings
        fields = MODERATION_SETTINGS_FIELDS
        widgets = {"moderation_mode": forms.RadioSelect}
