from drf_spectacular.utils import extend_schema_serializer
from rest_framework import serializers

from accounts.models import Municipality
from restapi.forms import FormSerializer

from .forms import ImportForm, InnovationForm
from .models import Innovation
from .services import EDITABLE_FIELDS


class InnovationSerializer(serializers.ModelSerializer):
    municipality = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    country = serializers.CharField(source="municipality.country", read_only=True)
    with_citizens = serializers.BooleanField(read_only=True)

    class Meta:
        model = Innovation
        fields = ["id", "municipality", "country", *EDITABLE_FIELDS, "with_citizens", "ideas", "created_at",
                  "updated_at"]
        read_only_fields = ["ideas", "created_at", "updated_at"]


@extend_schema_serializer(component_name="InnovationCreate")  # the request's name before the form was its definition
class InnovationCreateSerializer(FormSerializer):
    """A new innovation record in the municipality named."""

    form_class = InnovationForm
    # The API's own: the page has the municipality in its address. Its ideas are the ones the
    # form offers.
    municipality = serializers.SlugRelatedField(slug_field="slug", queryset=Municipality.objects.all())

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "municipality": self.api_values.get("municipality")}


@extend_schema_serializer(component_name="Innovation")  # the request's name before the form was its definition
class InnovationUpdateSerializer(FormSerializer):
    """A change to an innovation record; what a request leaves out stays as it is."""

    form_class = InnovationForm  # form_kwargs: the municipality, and the record as instance


class ImportSerializer(FormSerializer):
    """A CSV file of innovation records, as the innovations page takes it."""

    form_class = ImportForm  # the file comes from the request in the context


class ImportResultSerializer(serializers.Serializer):
    created = serializers.IntegerField()
    updated = serializers.IntegerField()


class OddsRatioSerializer(serializers.Serializer):
    odds_ratio = serializers.FloatField(allow_null=True)
    ci_low = serializers.FloatField(allow_null=True)
    ci_high = serializers.FloatField(allow_null=True)
    p_value = serializers.FloatField(allow_null=True)
    status = serializers.ChoiceField(choices=["ok", "too_small", "no_variation", "separation"])


class RoleSharesSerializer(serializers.Serializer):
    any = serializers.FloatField(allow_null=True)
    initiated = serializers.FloatField(allow_null=True)
    promoted = serializers.FloatField(allow_null=True)
    co_created = serializers.FloatField(allow_null=True)


class OutcomeSerializer(serializers.Serializer):
    with_citizens = serializers.FloatField(allow_null=True)
    without_citizens = serializers.FloatField(allow_null=True)
    unadjusted = OddsRatioSerializer()
    adjusted = OddsRatioSerializer()
    significant = serializers.BooleanField(allow_null=True)


class GroupSerializer(serializers.Serializer):
    n = serializers.IntegerField()
    weighted_n = serializers.FloatField()
    citizen_role = RoleSharesSerializer()


class BarometerSerializer(serializers.Serializer):
    n = serializers.IntegerField()
    weighted_n = serializers.FloatField()
    citizen_role = RoleSharesSerializer()
    outcomes = serializers.DictField(child=OutcomeSerializer())
    by_country = serializers.DictField(child=GroupSerializer())
    by_municipality = serializers.DictField(child=GroupSerializer())
    selection = serializers.DictField()


class FunnelSerializer(serializers.Serializer):
    submitted = serializers.IntegerField()
    published = serializers.IntegerField()
    answered = serializers.IntegerField()
    accepted = serializers.IntegerField()
    implemented = serializers.IntegerField()
    median_days_to_answer = serializers.FloatField(allow_null=True)
    supporters = serializers.IntegerField()
    budget_voters = serializers.IntegerField()
    dinner_guests = serializers.IntegerField()
    dinner_harvested_ideas = serializers.IntegerField()


class CoCreationProfileSerializer(serializers.Serializer):
    values = serializers.ListField(child=serializers.CharField())
    parties = serializers.DictField()
    overall = serializers.DictField()
    weakest = serializers.CharField(allow_null=True)
    invited = serializers.IntegerField()
