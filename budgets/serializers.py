from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from .models import BudgetProcess, CouncilDecision, Project, Result


class ProcessSerializer(serializers.ModelSerializer):
    municipality = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = BudgetProcess
        fields = ["id", "municipality", "title", "description", "currency", "total_budget", "tally_rule",
                  "ballot_type", "min_projects", "max_projects", "spending_limit", "points",
                  "max_points_per_project", "min_age", "allow_revote", "phase", "proposals_start",
                  "review_start", "voting_start", "voting_end", "results_date"]


class ProjectSerializer(serializers.ModelSerializer):
    district = serializers.CharField(source="district.name", default=None, read_only=True, allow_null=True)

    class Meta:
        model = Project
        fields = ["id", "code", "title", "description", "cost", "district", "feasibility", "feasibility_reason"]


class ProposeSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200, label=_("Title"))
    description = serializers.CharField(allow_blank=True, required=False, default="")
    cost = serializers.IntegerField(min_value=1, label=_("Cost"))


class BallotSerializer(serializers.Serializer):
    projects = serializers.ListField(child=serializers.CharField(max_length=40), required=False, max_length=500)
    points = serializers.DictField(child=serializers.IntegerField(min_value=0), required=False)
    ranking = serializers.ListField(child=serializers.CharField(max_length=40), required=False, max_length=500)
    code = serializers.CharField(max_length=40, required=False, allow_blank=True, default="",
                                 help_text="A one-time voting code instead of signing in.")


class ReceiptSerializer(serializers.Serializer):
    receipt = serializers.CharField()
    replaced = serializers.BooleanField()


class VerifySerializer(serializers.Serializer):
    receipt = serializers.CharField(max_length=40)


class VerifiedSerializer(serializers.Serializer):
    counted = serializers.BooleanField()
    ballot = serializers.DictField(allow_null=True)


class TurnoutSerializer(serializers.Serializer):
    voters = serializers.IntegerField()
    ballots = serializers.IntegerField()
    by_channel = serializers.DictField(child=serializers.IntegerField())
    by_age_band = serializers.DictField(child=serializers.IntegerField())
    by_district = serializers.DictField(child=serializers.IntegerField())


class ResultSerializer(serializers.ModelSerializer):
    class Meta:
        model = Result
        fields = ["rule", "selected_codes", "spent", "ballots", "fingerprint", "approved_at"]


class CouncilSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=CouncilDecision.choices)
    comment = serializers.CharField(required=False, allow_blank=True, default="")
