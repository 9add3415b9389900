import json
import re

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.forms import CensusUploadForm
from restapi.forms import FormSerializer

from .elections import process_elections
from .forms import (
    BoxPrepareForm,
    CodesForm,
    CouncilCodeForm,
    DistrictBudgetForm,
    FromIdeaForm,
    LettersForm,
    LetterTextForm,
    PaperVoterForm,
    ProgressForm,
    ProjectCommentForm,
    ReturnedLetterForm,
    ReviewForm,
    VerifyForm,
    setup_form_class,
)
from .models import BudgetProcess, Project, ProjectComment, ProjectUpdate, Result


class ElectionSerializer(serializers.Serializer):
    key = serializers.CharField(help_text="\"\" for the citywide budget, else the district budget's slug.")
    name = serializers.CharField()
    district = serializers.CharField(source="district.slug", default=None, allow_null=True)
    budget = serializers.IntegerField(source="amount")
    knapsack_limit = serializers.IntegerField()


class ProcessSerializer(serializers.ModelSerializer):
    municipality = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    elections = serializers.SerializerMethodField(help_text="The citywide budget and the district budgets, "
                                                            "each tallied as its own election.")

    class Meta:
        model = BudgetProcess
        fields = ["id", "municipality", "title", "description", "currency", "total_budget", "tally_rule",
                  "ballot_type", "min_projects", "max_projects", "spending_limit", "points",
                  "max_points_per_project", "min_age", "voters", "residents_only", "allow_revote", "phase",
                  "proposals_start", "review_start", "voting_start", "voting_end", "results_date", "citywide", "draft",
                  "elections"]

    @extend_schema_field(ElectionSerializer(many=True))
    def get_elections(self, process):
        return ElectionSerializer(process_elections(process), many=True).data


class ProjectSerializer(serializers.ModelSerializer):
    district = serializers.CharField(source="district.name", default=None, read_only=True, allow_null=True)
    election = serializers.CharField(source="district_budget.slug", default="", read_only=True,
                                     help_text="\"\" for the citywide budget, else the district budget's slug.")

    class Meta:
        model = Project
        fields = ["id", "code", "title", "description", "cost", "district", "election", "feasibility",
                  "feasibility_reason"]


class ProjectDetailSerializer(ProjectSerializer):
    """One project's public page as data (budgets.views.project_detail): no vote counts;
    `funded` is null until the council's result is public."""

    url = serializers.CharField(source="get_absolute_url", read_only=True, help_text="The project's page.")
    image = serializers.SerializerMethodField()
    idea = serializers.SerializerMethodField(help_text="The idea it came from, when that idea is public to you.")
    funded = serializers.SerializerMethodField()

    class Meta(ProjectSerializer.Meta):
        fields = [*ProjectSerializer.Meta.fields, "url", "image", "image_alt", "latitude", "longitude", "idea",
                  "funded"]

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_image(self, project):
        if not project.image:
            return None
        request = self.context.get("request")
        return request.build_absolute_uri(project.image.url) if request else project.image.url

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_idea(self, project):
        return project.idea_id if self.context.get("idea_visible") else None

    @extend_schema_field(serializers.BooleanField(allow_null=True))
    def get_funded(self, project):
        return project.selected if self.context.get("results_public") else None


class ProjectCommentSerializer(serializers.ModelSerializer):
    """A comment on a project with its replies, as the project's page shows it: the author by
    their public name, as on ideas' comments."""

    author = serializers.CharField(source="author.public_name", read_only=True)
    replies = serializers.SerializerMethodField()

    class Meta:
        model = ProjectComment
        fields = ["id", "parent", "author", "body", "body_html", "visibility", "created_at", "replies"]
        read_only_fields = fields

    def get_replies(self, comment) -> list[dict]:
        replies = getattr(comment, "thread_replies", [])  # set by budgets.comments.selectors
        return ProjectCommentSerializer(replies, many=True, context=self.context).data


class ProjectCommentInputSerializer(FormSerializer):
    """A comment on the project, or with `parent` a reply to a published comment on it."""

    form_class = ProjectCommentForm  # form_kwargs: the project


class ProposeSerializer(serializers.Serializer):
    """Hand-written, as the API's shape differs from the page's (budgets.forms.ProposeForm):
    the API names the budget a project is proposed for by its slug, as `district`, as a ballot
    does; the page offers the district (where the project is) and the budget as two lists."""

    title = serializers.CharField(max_length=200, label=_("Title"))
    description = serializers.CharField(allow_blank=True, required=False, default="")
    cost = serializers.IntegerField(min_value=1, label=_("Cost"))
    district = serializers.SlugField(required=False, allow_blank=True, default="",
                                     help_text="Propose for a district budget (its slug); empty: citywide.")


class BallotSerializer(serializers.Serializer):
    projects = serializers.ListField(child=serializers.CharField(max_length=40), required=False, max_length=500)
    points = serializers.DictField(child=serializers.IntegerField(min_value=0), required=False)
    ranking = serializers.ListField(child=serializers.CharField(max_length=40), required=False, max_length=500)
    code = serializers.CharField(max_length=40, required=False, allow_blank=True, default="",
                                 help_text="A voting code instead of signing in.")
    district = serializers.SlugField(required=False, allow_blank=True, default="",
                                     help_text="The district budget voted in (its slug); empty: the citywide one.")


BALLOT_FIELDS = frozenset(BallotSerializer._declared_fields)
_PLAIN_CODE = re.compile(r"[\w.-]{1,40}")  # a project code as people and pabulib write them
_PLAIN_VOTING_CODE = re.compile(r"[\w-]{0,40}")
_PLAIN_SLUG = re.compile(r"[-a-zA-Z0-9_]*")


def ballot_data(data) -> dict:
    """A ballot body's validated data, as `BallotSerializer(data=data).validated_data`.

    A surge of ballots sends plain bodies ({"projects": ["P1", "P4"]}), and building the
    serializer (DRF deep-copies its fields for every instance) was a visible share of a
    ballot's CPU (docs/BENCHMARKS.md, Vote surge). So a body whose every value is plainly valid (known
    keys, strings of letters, digits, "-", "_" or ".", lists within the serializer's limits,
    points as non-negative integers) is taken as it is; anything else, valid or not, goes
    through the serializer, which alone words the errors. tests/budgets/test_ballot_data.py
    checks that both give the same answer."""
    if type(data) is dict and data.keys() <= BALLOT_FIELDS and _plain(data):
        return {"code": "", "district": "", **data}
    serializer = BallotSerializer(data=data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


def _plain(data: dict) -> bool:
    for key in ("projects", "ranking"):
        if key in data:
            codes = data[key]
            if type(codes) is not list or len(codes) > 500 or not all(
                    type(code) is str and _PLAIN_CODE.fullmatch(code) for code in codes):
                return False
    if "points" in data:
        points = data["points"]
        if type(points) is not dict or not all(
                _PLAIN_CODE.fullmatch(code) and type(n) is int and n >= 0 for code, n in points.items()):
            return False
    code, district = data.get("code", ""), data.get("district", "")
    return (type(code) is str and _PLAIN_VOTING_CODE.fullmatch(code) is not None
            and type(district) is str and _PLAIN_SLUG.fullmatch(district) is not None)


class ReceiptSerializer(serializers.Serializer):
    receipt = serializers.CharField()
    replaced = serializers.BooleanField()


class VerifySerializer(FormSerializer):
    form_class = VerifyForm


class VerifiedSerializer(serializers.Serializer):
    status = serializers.ChoiceField(
        choices=["in_box", "included", "absent"],
        help_text="in_box: the sealed ballot is in the ballot box (voting is open); included: it is on the "
                  "bulletin board published at the close, so it is counted; absent: not in the box, because a "
                  "later ballot of the same voter replaced it (or the receipt is mistyped). Never the content.")
    counted = serializers.BooleanField(help_text="status is not absent")
    election = serializers.CharField(allow_null=True, help_text="The budget the ballot is in.")


class TurnoutSerializer(serializers.Serializer):
    voters = serializers.IntegerField()
    ballots = serializers.IntegerField()
    by_channel = serializers.DictField(child=serializers.IntegerField())
    by_age_band = serializers.DictField(child=serializers.IntegerField())
    by_district = serializers.DictField(child=serializers.IntegerField())
    by_election = serializers.ListField(child=serializers.DictField())


class ResultSerializer(serializers.ModelSerializer):
    fingerprint = serializers.CharField(help_text="SHA-256 of the canonical bytes of `document` (for results "
                                                  "approved before results were signed: of the ballots).")
    document = serializers.SerializerMethodField(
        help_text="The signed result document (null for results approved before results were signed). Its "
                  "canonical bytes are json.dumps(document, sort_keys=True, separators=(',', ':'), "
                  "ensure_ascii=False) in UTF-8.")
    signature = serializers.CharField(help_text="Ed25519 signature of the document's canonical bytes, hex.")
    public_key = serializers.CharField(help_text="The Ed25519 public key that signed it, hex; compare it with "
                                                 "/budgets/result-key/.")

    class Meta:
        model = Result
        fields = ["rule", "selected_codes", "spent", "ballots", "fingerprint", "elections", "approved_at",
                  "document", "signature", "public_key"]

    @extend_schema_field(serializers.DictField(allow_null=True))
    def get_document(self, result):
        try:
            return json.loads(result.document) if result.document else None
        except ValueError:  # changed with SQL: the process page says so; no server error here
            return None


class CouncilSerializer(FormSerializer):
    form_class = CouncilCodeForm


class SetupSerializer(FormSerializer):
    """The set-up's input: any fields of the set-up pages' forms (budgets.forms
    .setup_form_class), read as a partial update of the draft (or, on creation, of a new
    draft's values); what is wrong is said by the same services (budgets.setup)."""

    form_class = setup_form_class()

    def get_fields(self):
        # Any field may be left out (the schema's word for it): the draft's values stand in.
        fields = super().get_fields()
        for field in fields.values():
            field.required = False
        return fields


class DistrictBudgetInputSerializer(FormSerializer):
    form_class = DistrictBudgetForm


class ProblemSerializer(serializers.Serializer):
    step = serializers.CharField()
    field = serializers.CharField()
    message = serializers.CharField()


class SetupCheckSerializer(serializers.Serializer):
    ready = serializers.BooleanField(help_text="True when nothing keeps the draft from going live.")
    problems = ProblemSerializer(many=True)


# --- The census, the letters and the codes (budgets.api_letters) --------------------------------
class CensusUploadSerializer(FormSerializer):
    form_class = CensusUploadForm


class CensusDistrictSerializer(serializers.Serializer):
    district = serializers.CharField(allow_null=True, help_text="The district's name; null: no district.")
    residents = serializers.IntegerField()


class CensusStatusSerializer(serializers.Serializer):
    """What the eligibility step shows of the municipality's census: numbers only."""

    total = serializers.IntegerField(help_text="Residents on the census.")
    by_district = CensusDistrictSerializer(many=True)
    uploaded_at = serializers.DateTimeField(allow_null=True, help_text="When the census was last uploaded.")
    voters = serializers.CharField(help_text="Who may vote in this process: \"census\" uses the census.")


class LetterTextSerializer(FormSerializer):
    form_class = LetterTextForm


class LetterTextStateSerializer(serializers.Serializer):
    letter_text = serializers.CharField(help_text="The text the letters print: staff's own, or the default.")
    is_default = serializers.BooleanField(help_text="True while staff have written no text of their own.")


class LettersSerializer(FormSerializer):
    form_class = LettersForm


class ReturnedLetterSerializer(FormSerializer):
    form_class = ReturnedLetterForm


class CodesSerializer(FormSerializer):
    form_class = CodesForm


class CodeCountsSerializer(serializers.Serializer):
    made = serializers.IntegerField()
    used = serializers.IntegerField(help_text="Codes that have voted.")
    returned = serializers.IntegerField(help_text="Letters marked as returned: their codes are void.")
    reissued = serializers.IntegerField(help_text="Letters made to replace a returned one.")
    census = serializers.IntegerField(help_text="Codes made from the census.")


# --- Staff's actions on projects (budgets.api_staff) --------------------------------------------
class ReviewSerializer(FormSerializer):
    """Staff's review of a project (the review page's form): the fields left out keep the
    project's current values."""

    form_class = ReviewForm


class FromIdeaSerializer(FormSerializer):
    form_class = FromIdeaForm


class ProgressSerializer(FormSerializer):
    form_class = ProgressForm
    happened_on = serializers.DateField(required=False, label=_("date"), help_text="Empty: today, as on the page.")

    def form_data(self, data):
        # The page's form shows today's date before anyone types.
        if "happened_on" in data:
            return data
        return {**data, "happened_on": timezone.localdate().isoformat()}


class ProjectUpdateSerializer(serializers.ModelSerializer):
    class Meta:
        model = ProjectUpdate
        fields = ["id", "milestone", "text", "happened_on", "created_at"]


# --- Paper ballots (budgets.api_staff) ---------------------------------------------------------
class PaperBallotSerializer(FormSerializer):
    """A paper ballot as staff type it in: the API's ballot shape (projects, points or
    ranking, as a ballot is cast), validated by the paper ballot page's form of the process
    and election (in the context, `ballot_form`), so both refuse the same papers."""

    form_class = PaperVoterForm
    person_id = serializers.CharField(
        required=False, max_length=12, label=_("The voter's CPR number"),
        help_text="A census vote only: the voter's identity number (the census says whether and where they "
                  "may vote). Høst keeps only a keyed fingerprint of it.")
    projects = serializers.ListField(child=serializers.CharField(max_length=40), required=False, max_length=500,
                                     help_text="An approval or knapsack ballot: the projects' codes.")
    points = serializers.DictField(child=serializers.IntegerField(min_value=0), required=False,
                                   help_text="A cumulative ballot: points by project code.")
    ranking = serializers.ListField(child=serializers.CharField(max_length=40), required=False, max_length=500,
                                    help_text="A ranked ballot: project codes, first place first.")
    district = serializers.SlugField(required=False, allow_blank=True, default="",
                                     help_text="The district budget the paper is for (its slug); empty: the "
                                               "citywide one (or the first district budget when there is none).")

    def get_form_class(self):
        return self.context["ballot_form"]

    def form_data(self, data):
        fields = self.get_form_class().base_fields
        posted = {name: data[name] for name in ("person_id",) if name in data}
        if "projects" in fields:
            posted["projects"] = self.api_values.get("projects", [])
        for code, points in self.api_values.get("points", {}).items():
            posted[f"points_{code}"] = points
        for rank, code in enumerate(self.api_values.get("ranking", []), start=1):
            posted[f"rank_{rank}"] = code
        return posted

    def api_errors(self, errors):
        named = {}
        for name, messages in errors.items():
            key = "points" if name.startswith("points_") else "ranking" if name.startswith("rank_") else name
            named.setdefault(key, []).extend(messages)
        return named

    def to_internal_value(self, data):
        values = super().to_internal_value(data)
        # What the form has no field for would be left out of the ballot without a word.
        fields = self.get_form_class().base_fields
        errors = {}
        unknown = [code for code in values.get("points", {}) if f"points_{code}" not in fields]
        if unknown:
            errors["points"] = [forms.ChoiceField.default_error_messages["invalid_choice"] % {"value": code}
                                for code in unknown]
        places = sum(1 for name in fields if name.startswith("rank_"))
        if len(values.get("ranking", [])) > places:
            errors["ranking"] = [serializers.ListField.default_error_messages["max_length"].format(max_length=places)]
        if errors:
            raise serializers.ValidationError(errors)
        return values


class PaperBallotEnteredSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="The paper ballot's number, for the colleague who confirms it.")
    election = serializers.CharField(help_text="\"\" for the citywide budget, else the district budget's slug.")


class PaperBallotWaitingSerializer(PaperBallotEnteredSerializer):
    """A paper ballot waiting for a colleague's confirmation, with what was typed in, to
    compare with the paper (as the paper ballot page shows it)."""

    entered_by = serializers.CharField(help_text="The public name of the staff member who typed it in.")
    entered_by_you = serializers.BooleanField(help_text="You typed it in: a colleague must confirm it.")
    content = serializers.DictField(help_text="What was typed in: projects, points or ranking.")


class PaperBallotsSerializer(serializers.Serializer):
    waiting = PaperBallotWaitingSerializer(many=True)
    confirmed = serializers.IntegerField(help_text="Paper ballots confirmed and counted.")


# --- The ballot box's preparation (budgets.api_staff) ------------------------------------------
class BoxPrepareSerializer(FormSerializer):
    """The council members (by user id) who each hold a share of the box's key, and how
    many shares open it: the ballot box page's form."""

    form_class = BoxPrepareForm


class KeyHolderSerializer(serializers.Serializer):
    member = serializers.IntegerField(source="member_id", allow_null=True, help_text="The council member's user id.")
    name = serializers.CharField()
    collected = serializers.BooleanField(help_text="The member has collected their share (on the ballot box page).")


class BallotBoxSerializer(serializers.Serializer):
    threshold = serializers.IntegerField(help_text="Shares needed to open the box.")
    holders = KeyHolderSerializer(many=True)
