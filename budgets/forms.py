from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import District
from ideas.models import Visibility
from ui.forms import FilterForm, PlausibleDates

from .ballots import money
from .models import (
    BallotType,
    BudgetProcess,
    CouncilDecision,
    DistrictBudget,
    Feasibility,
    Project,
    ProjectComment,
    ProjectUpdate,
)
from .setup import CURRENCIES, STEP_FIELDS


class ProjectCommentForm(forms.ModelForm):
    """A comment on a project, or (with `parent`, the page's "Reply" link) a reply to a
    published comment on it; the page and the API alike (budgets.serializers)."""

    parent = forms.ModelChoiceField(queryset=ProjectComment.objects.none(), required=False, widget=forms.HiddenInput)

    class Meta:
        model = ProjectComment
        fields = ["body", "parent"]
        widgets = {"body": forms.Textarea(attrs={"rows": 3})}
        help_texts = {"body": _("Plain text; Markdown for lists and links works. Everyone can read it, under the "
                                "name in your profile.")}

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = project.comments.filter(visibility=Visibility.VISIBLE)
        self.fields["parent"].error_messages["invalid_choice"] = _(
            "You can only reply to a published comment on the same project.")


class ProposeForm(forms.ModelForm):
    class Meta:
        model = Project
        fields = ["title", "description", "cost", "district", "district_budget"]
        labels = {"cost": _("What you think it costs"), "district_budget": _("Budget")}
        widgets = {"description": forms.Textarea(attrs={"rows": 6})}

    def __init__(self, *args, process, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["district"].queryset = process.municipality.districts.all()
        budgets = process.district_budgets.all()
        if budgets:
            self.fields["district_budget"].queryset = budgets
            self.fields["district_budget"].required = not process.citywide
            self.fields["district_budget"].empty_label = _("Citywide") if process.citywide else None
        else:
            del self.fields["district_budget"]


class ReviewForm(forms.ModelForm):
    """Staff's review; the image is checked by the service (ui.images), as idea images are."""

    image = forms.FileField(
        label=_("Image"), required=False, help_text=_("JPEG, PNG or WebP, at most 5 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}))
    remove_image = forms.BooleanField(label=_("Remove the current image"), required=False)

    class Meta:
        model = Project
        fields = ["cost", "feasibility", "feasibility_reason", "image_alt", "latitude", "longitude"]
        widgets = {"feasibility_reason": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not (self.instance and self.instance.image):
            del self.fields["remove_image"]

    def _post_clean(self):
        # The instance is left alone: the service writes it (and words what is wrong).
        pass


def person_id_field() -> forms.CharField:
    return forms.CharField(
        label=_("The voter's CPR number"), max_length=12,
        help_text=_("From the voter's health card or ID: the census says whether and where they may vote. "
                    "Høst keeps only a keyed fingerprint of it."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric"}))


class PaperVoterForm(forms.Form):
    """What every paper ballot form has besides its ballot (ballot_form_class): the voter of
    a census vote. The API's paper ballot is described by it and validated by the whole form."""

    person_id = person_id_field()


def ballot_form_class(process, projects, *, paper: bool = False):
    """A form whose fields match the process's ballot design; no JavaScript needed. A paper
    ballot of a census process also asks for the voter's identity number (the census entry)."""
    fields = {}
    if paper and process.voters == "census":
        fields["person_id"] = person_id_field()
    kind = process.ballot_type
    if kind in (BallotType.APPROVAL, BallotType.KNAPSACK):
        fields["projects"] = forms.MultipleChoiceField(
            label=_("Projects"), required=False, widget=forms.CheckboxSelectMultiple,
            choices=[(p.code, p.title) for p in projects])
    elif kind == BallotType.CUMULATIVE:
        for p in projects:
            fields[f"points_{p.code}"] = forms.IntegerField(
                label=p.title, required=False, min_value=0, max_value=process.max_points_per_project, initial=0,
                help_text=money(p.cost, process.currency))
    else:
        choices = [("", "—")] + [(p.code, p.title) for p in projects]
        limit = process.max_projects or len(projects)
        for rank in range(1, min(limit, len(projects)) + 1):
            fields[f"rank_{rank}"] = forms.ChoiceField(label=_("Place %(n)s") % {"n": rank}, required=False,
                                                       choices=choices)
    return type("BallotForm", (forms.Form,), fields)


def ballot_choice(process, data: dict) -> dict:
    """The cleaned form data as the service's `choice`."""
    kind = process.ballot_type
    if kind in (BallotType.APPROVAL, BallotType.KNAPSACK):
        return {"projects": data.get("projects", [])}
    if kind == BallotType.CUMULATIVE:
        return {"points": {name[7:]: value for name, value in data.items() if name.startswith("points_") and value}}
    ranks = sorted((int(name[5:]), value) for name, value in data.items() if name.startswith("rank_") and value)
    return {"ranking": [value for _rank, value in ranks]}


class CodeForm(forms.Form):
    code = forms.CharField(label=_("Voting code"), max_length=40,
                           help_text=_("The 16 characters from your letter, with or without dashes."))


class VerifyForm(forms.Form):
    receipt = forms.CharField(label=_("Receipt code"), max_length=40)


class CodesForm(forms.Form):
    count = forms.IntegerField(label=_("Number of codes"), min_value=1, max_value=100_000)
    batch = forms.CharField(label=_("Batch name"), max_length=40, required=False,
                            help_text=_("For example the district or the date of the letters."))
    # By its slug, as the API names districts everywhere.
    district = forms.ModelChoiceField(
        label=_("District"), queryset=District.objects.none(), required=False, to_field_name="slug",
        help_text=_("For letters to one district: the codes vote in its district budget. Empty: the holder "
                    "chooses their district."))

    def __init__(self, *args, process, **kwargs):
        super().__init__(*args, **kwargs)
        districts = [d.district_id for d in process.district_budgets.all()]
        if districts:
            self.fields["district"].queryset = process.municipality.districts.filter(pk__in=districts)
        else:
            del self.fields["district"]


class LetterTextForm(forms.Form):
    letter_text = forms.CharField(
        label=_("Text of the letters"), required=False, max_length=1500, widget=forms.Textarea(attrs={"rows": 12}),
        help_text=_("What the vote is about, the deadline, how to vote online with the code or with e-ID, and "
                    "where to vote on paper. The municipality's name, the code, the district and the address to "
                    "vote at are printed with it. Empty: the default text."))


class LettersForm(forms.Form):
    """The census's new letters: to print (one PDF) or for a printing house (a CSV file)."""

    output = forms.ChoiceField(
        label=_("Make"), required=False, initial="pdf",
        choices=[("pdf", _("The letters (PDF)")), ("csv", _("The codes as a CSV file for a printing house"))],
        help_text=_("Empty: the letters (PDF)."))

    def clean_output(self) -> str:
        return self.cleaned_data["output"] or "pdf"


class ReturnedLetterForm(forms.Form):
    """A returned letter, by its code: to mark it returned, undo that, or reissue it."""

    code = forms.CharField(label=_("Code on the returned letter"), max_length=40,
                           widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
                           help_text=_("As printed on the letter, for example ABCD-EFGH-JKLM-NPQR."))


class CouncilForm(forms.Form):
    decision = forms.ChoiceField(label=_("Decision"), choices=CouncilDecision.choices, widget=forms.RadioSelect)
    comment = forms.CharField(label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
                              help_text=_("Required when sending the result back."))


class CouncilCodeForm(CouncilForm):
    """The council's decision through the API: the page's form, and the recent authentication
    the page gets from allauth's confirmation as a field of its own."""

    code = forms.CharField(
        label=_("Authenticator code"), required=False, max_length=64,
        help_text=_("The decision needs a recent authentication: a current code from your authenticator "
                    "app (or an unused recovery code), unless this session signed in with its second "
                    "factor or confirmed who you are in the last five minutes."))


class FromIdeaForm(forms.Form):
    idea = forms.IntegerField(label=_("Number of the idea"), min_value=1)
    cost = forms.IntegerField(label=_("Cost estimate"), min_value=1)


class ProgressForm(forms.ModelForm):
    class Meta:
        model = ProjectUpdate
        fields = ["milestone", "text", "happened_on"]
        widgets = {"text": forms.Textarea(attrs={"rows": 4}), "happened_on": forms.DateInput(attrs={"type": "date"})}


class DistrictBudgetForm(forms.ModelForm):
    # The district by its slug, as the API names districts; an amount and a limit above zero
    # (a budget of nothing is refused here rather than at publishing).
    district = forms.ModelChoiceField(label=_("District"), queryset=District.objects.none(), to_field_name="slug")
    name = DistrictBudget._meta.get_field("name").formfield(
        required=False, help_text=_("Empty: the district's name. Give two budgets of one district different names "
                                    "(for example “small projects” and “large projects”)."))
    amount = DistrictBudget._meta.get_field("amount").formfield(min_value=1)
    spending_limit = DistrictBudget._meta.get_field("spending_limit").formfield(min_value=1)

    class Meta:
        model = DistrictBudget
        fields = ["district", "name", "amount", "spending_limit"]

    def __init__(self, *args, process, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["district"].queryset = process.municipality.districts.all()


class BoxPrepareForm(forms.Form):
    members = forms.ModelMultipleChoiceField(
        label=_("Council members who hold a share of the key"), queryset=None,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("At least three. Each collects their share once, as a file and as 24 words to print."))
    threshold = forms.IntegerField(
        label=_("Shares needed to open the box"), min_value=2, initial=2,
        help_text=_("The box opens when this many holders present their shares together. Fewer reveal nothing; "
                    "the others' shares may be lost without harm."))

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["members"].queryset = members
        self.fields["members"].label_from_instance = lambda u: u.display_name or u.email


SHARE_FILE_MAX_BYTES = 4096


class OpenBoxForm(forms.Form):
    """k shares, each as a file or as number and words, presented together."""

    def __init__(self, *args, threshold: int, **kwargs):
        super().__init__(*args, **kwargs)
        for n in range(1, threshold + 1):
            self.fields[f"file_{n}"] = forms.FileField(
                label=_("Share %(n)s: the file") % {"n": n}, required=False)
            self.fields[f"words_{n}"] = forms.CharField(
                label=_("Share %(n)s: or its number and 24 words") % {"n": n}, required=False, max_length=400,
                widget=forms.Textarea(attrs={"rows": 2, "autocomplete": "off", "spellcheck": "false"}))
        self.threshold = threshold

    def clean(self):
        data = super().clean()
        shares = []
        for n in range(1, self.threshold + 1):
            upload, words = data.get(f"file_{n}"), (data.get(f"words_{n}") or "").strip()
            if upload is not None:
                if upload.size > SHARE_FILE_MAX_BYTES:
                    self.add_error(f"file_{n}", _("A share file is smaller than 4 KB: this is not one."))
                    continue
                try:
                    shares.append(upload.read().decode("utf-8"))
                except UnicodeDecodeError:
                    self.add_error(f"file_{n}", _("This is not a key share file."))
            elif words:
                shares.append(words)
            else:
                self.add_error(f"words_{n}", _("Give share %(n)s: its file or its number and words.") % {"n": n})
        data["shares"] = shares
        return data


class ShareWordsForm(forms.Form):
    share = forms.CharField(label=_("Your share's number and 24 words"), max_length=400,
                            widget=forms.Textarea(attrs={"rows": 3, "autocomplete": "off", "spellcheck": "false"}))


class PhaseForm(forms.Form):
    """Move the process on to its next phase (the phase travels with the form, so a second
    click is refused instead of moving two phases)."""

    phase = forms.CharField(widget=forms.HiddenInput)
    reason = forms.CharField(label=_("Why does the phase change now?"), max_length=2000,
                             help_text=_("Shown on the process page with your name and the time."),
                             widget=forms.Textarea(attrs={"rows": 3}))


class VotingExtendForm(PlausibleDates, forms.Form):
    voting_end = forms.DateTimeField(label=_("Voting ends"), widget=forms.DateTimeInput(
        attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d.%m.%Y %H:%M"])
    reason = forms.CharField(label=_("Why is voting extended?"), max_length=2000,
                             help_text=_("Shown on the process page with your name and the time."),
                             widget=forms.Textarea(attrs={"rows": 3}))


DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d.%m.%Y %H:%M"]


class SetupForm(PlausibleDates, forms.ModelForm):
    """Reads and types what was sent; the instance is left alone (only the service writes)
    and the model's checks are the service's, which words them for people."""

    def _post_clean(self):
        pass


def setup_form_class(step: str | None = None):
    """The form of one set-up step: the model's fields of that step (budgets.setup); what is
    wrong is said by the service. Without a step, every step's fields at once: the API's
    input, which may send any of them (and, on creation, the municipality)."""
    widgets = {
        "description": forms.Textarea(attrs={"rows": 6}),
        "currency": forms.Select(choices=CURRENCIES),
        "ballot_type": forms.RadioSelect,
        "tally_rule": forms.RadioSelect,
        "voters": forms.RadioSelect,
    }
    for name in STEP_FIELDS["timeline"]:
        widgets[name] = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
    names = STEP_FIELDS[step] if step else [name for step_names in STEP_FIELDS.values() for name in step_names]
    meta = type("Meta", (), {
        "model": BudgetProcess, "fields": names, "widgets": widgets,
        "labels": {"total_budget": _("Citywide budget"), "max_projects": _("Most projects on a ballot (a ranked "
                                                                             "ballot: its number of places)"),
                   "spending_limit": _("Spending limit of a knapsack ballot")},
        "help_texts": {"citywide": _("Off when the budget has only district budgets."),
                       "total_budget": _("In whole units of the currency. Zero when there is no citywide budget."),
                       "min_age": _("0: no minimum age."),
                       "residents_only": _("Only for a vote by accounts: in a census vote, the census decides."),
                       "spending_limit": _("Knapsack only. Empty: the whole budget. District budgets have their "
                                           "own limits.")},
    })
    fields = {"Meta": meta}
    if step in ("basics", None):
        fields["image"] = forms.FileField(
            label=_("Image"), required=False, help_text=_("JPEG, PNG or WebP, at most 5 MB."),
            widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}))
        fields["remove_image"] = forms.BooleanField(label=_("Remove the current image"), required=False)
    if step is None:
        fields["municipality"] = forms.SlugField(
            label=_("Municipality"), required=False,
            help_text=_("On creation: the municipality's slug (default: the default one)."))
    form = type(f"Setup{(step or 'all').title()}Form", (SetupForm,), fields)
    for name in STEP_FIELDS["timeline"] if step in ("timeline", None) else []:
        form.base_fields[name].input_formats = DATETIME_FORMATS
    return form


FUNDED = "funded"


class ProjectFilterForm(FilterForm):
    """Narrows a budget's projects (the projects map) by district and status: staff's
    assessment, and whether it was funded once the result is public (not before)."""

    district = forms.ModelChoiceField(label=_("District"), queryset=None, required=False)
    status = forms.ChoiceField(label=_("Status"), required=False)

    def __init__(self, *args, process, result_public: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["district"].queryset = process.municipality.districts.all()
        choices = [("", _("All")), *Feasibility.choices]
        if result_public:
            choices.append((FUNDED, _("Funded")))
        self.fields["status"].choices = choices

