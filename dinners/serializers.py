"""API shapes. The public dinner shape has no address and no guests; `PrivateDinnerSerializer`
adds the address and is used only after `dinners.view_address` said yes."""
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from accounts.models import District

from .models import Dinner, GuidingQuestion, Language, MatchRequest, Programme, Seat, VenueType
from .selectors import free_open_seats


class QuestionSerializer(serializers.ModelSerializer):
    class Meta:
        model = GuidingQuestion
        fields = ["id", "position", "text"]


class ProgrammeSerializer(serializers.ModelSerializer):
    municipality = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    questions = QuestionSerializer(many=True, read_only=True)
    districts = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)
    signup_open = serializers.SerializerMethodField()

    class Meta:
        model = Programme
        fields = ["id", "municipality", "title", "theme", "host_instructions", "privacy_text", "signup_opens",
                  "signup_closes", "signup_open", "dinners_from", "dinners_until", "districts", "max_seats",
                  "hosts_need_approval", "questions", "campaign"]

    def get_signup_open(self, programme) -> bool:
        return programme.signup_open()


class DinnerSerializer(serializers.ModelSerializer):
    district = serializers.CharField(source="district.name", read_only=True)
    host = serializers.CharField(source="host.public_name", read_only=True)
    free_seats = serializers.SerializerMethodField()
    waiting = serializers.IntegerField(source="waiting_count", read_only=True)

    class Meta:
        model = Dinner
        fields = ["id", "programme", "title", "welcome", "status", "status_reason", "venue_type", "starts_at",
                  "duration_minutes", "district", "host", "seats", "free_seats", "waiting", "accessibility", "menu",
                  "diets", "language"]

    def get_free_seats(self, dinner) -> int:
        return free_open_seats(dinner) if dinner.is_bookable else 0


class PrivateDinnerSerializer(DinnerSerializer):
    class Meta(DinnerSerializer.Meta):
        fields = [*DinnerSerializer.Meta.fields, "address"]


class DinnerWriteSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=120)
    welcome = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    venue_type = serializers.ChoiceField(choices=VenueType.choices)
    starts_at = serializers.DateTimeField()
    duration_minutes = serializers.IntegerField(min_value=30, max_value=600, required=False)
    district = serializers.IntegerField(help_text="District id")
    seats = serializers.IntegerField(min_value=1, max_value=20)
    private_seats = serializers.IntegerField(min_value=0, max_value=20, required=False)
    address = serializers.CharField(max_length=300)
    accessibility = serializers.CharField(max_length=1000, required=False, allow_blank=True)
    menu = serializers.CharField(max_length=1000, required=False, allow_blank=True)
    diets = serializers.CharField(max_length=300, required=False, allow_blank=True)
    language = serializers.ChoiceField(choices=Language.choices, required=False)

    def validate_district(self, value):
        district = District.objects.filter(pk=value).first()
        if district is None:
            raise serializers.ValidationError(_("Choose one of the programme's districts."))
        return district


class SeatRequestSerializer(serializers.Serializer):
    diet = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    needs = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    invite_token = serializers.CharField(max_length=64, required=False, allow_blank=True, default="")


class SeatSerializer(serializers.ModelSerializer):
    class Meta:
        model = Seat
        fields = ["id", "dinner", "status", "kind", "diet", "needs", "created_at"]


class GuestSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="guest.public_name")

    class Meta:
        model = Seat
        fields = ["id", "name", "status", "kind", "diet", "needs"]


class MatchRequestSerializer(serializers.ModelSerializer):
    class Meta:
        model = MatchRequest
        fields = ["id", "district", "earliest", "latest", "diet", "needs", "status"]
        read_only_fields = ["status"]


class DecideSerializer(serializers.Serializer):
    approve = serializers.BooleanField()
    reason = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class CancelSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class ReportIdeaSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=140)
    body = serializers.CharField(max_length=5000)


class ReportSerializer(serializers.Serializer):
    participants = serializers.IntegerField(min_value=1, max_value=21)
    themes = serializers.CharField(max_length=3000, required=False, allow_blank=True, default="")
    answers = serializers.DictField(child=serializers.CharField(max_length=5000),
                                    help_text="Guiding question id -> answer")
    ideas = ReportIdeaSerializer(many=True, required=False, default=list)


class ReportCreatedSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    ideas = serializers.ListField(child=serializers.IntegerField())


class OverviewRowSerializer(serializers.Serializer):
    district = serializers.CharField()
    venue_type = serializers.CharField(source="venue_code")
    dinners = serializers.IntegerField()
    seats_offered = serializers.IntegerField()
    seats_taken = serializers.IntegerField()
    waiting = serializers.IntegerField()
    reports = serializers.IntegerField()


class OverviewSerializer(serializers.Serializer):
    rows = OverviewRowSerializer(many=True)
    ideas = serializers.IntegerField()
    match_requests = serializers.IntegerField()
