import re

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from .elections import process_elections
from .models import BudgetProcess, CouncilDecision, Project, Result
from .setup import STEP_FIELDS


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


class ProposeSerializer(serializers.Serializer):
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


class VerifySerializer(serializers.Serializer):
    receipt = serializers.CharField(max_length=40)


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
        import json

        try:
            return json.loads(result.document) if result.document else None
        except ValueError:  # changed with SQL: the process page says so; no server error here
            return None


class CouncilSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=CouncilDecision.choices)
    comment = serializers.CharField(required=False, allow_blank=True, default="")
    code = serializers.CharField(
        required=False, allow_blank=True, default="", write_only=True, max_length=64,
        help_text=_("The decision needs a recent authentication: a current code from your authenticator "
                    "app (or an unused recovery code), unless this session signed in with its second "
                    "factor or confirmed who you are in the last five minutes."))


def _setup_fields() -> list[str]:
    return [name for names in STEP_FIELDS.values() for name in names]


class SetupSerializer(serializers.ModelSerializer):
    """The set-up's input: the same model fields the set-up pages' forms take (budgets.setup
    .STEP_FIELDS), typed here and judged by the same services (budgets.setup)."""

    municipality = serializers.SlugField(
        required=False, write_only=True, help_text="On creation: the municipality's slug (default: the default one).")
    image = serializers.ImageField(required=False, write_only=True, help_text="JPEG, PNG or WebP, at most 5 MB "
                                                                              "(multipart).")
    remove_image = serializers.BooleanField(required=False, write_only=True, default=False)

    class Meta:
        model = BudgetProcess
        fields = ["municipality", *_setup_fields(), "image", "remove_image"]
        extra_kwargs = {name: {"required": False} for name in _setup_fields()}


class DistrictBudgetInputSerializer(serializers.Serializer):
    district = serializers.SlugField(help_text="The slug of a district of the process's municipality.")
    name = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    amount = serializers.IntegerField(min_value=1)
    spending_limit = serializers.IntegerField(min_value=1, required=False, allow_null=True, default=None)


class ProblemSerializer(serializers.Serializer):
    step = serializers.CharField()
    field = serializers.CharField()
    message = serializers.CharField()


class SetupCheckSerializer(serializers.Serializer):
    ready = serializers.BooleanField(help_text="True when nothing keeps the draft from going live.")
    problems = ProblemSerializer(many=True)
