"""API shapes. The public dinner shape has no address and no guests; `PrivateDinnerSerializer`
adds the address and is used only after `dinners.view_address` said yes. What the API takes
is what the pages' forms take (restapi.forms.FormSerializer)."""
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_serializer
from rest_framework import serializers

from restapi.forms import FormSerializer
from restapi.pictures import PictureField

from .forms import (
    ANSWER_MAX_LENGTH,
    IDEA_BODY_MAX_LENGTH,
    IDEA_TITLE_MAX_LENGTH,
    CancelForm,
    DecideForm,
    DinnerForm,
    MatchRequestForm,
    ProgrammePictureForm,
    ReportForm,
    SeatForm,
)
from .models import Dinner, GuidingQuestion, MatchRequest, Programme, Seat
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
    image = PictureField()

    class Meta:
        model = Programme
        fields = ["id", "municipality", "title", "theme", "host_instructions", "privacy_text", "signup_opens",
                  "signup_closes", "signup_open", "dinners_from", "dinners_until", "districts", "max_seats",
                  "hosts_need_approval", "questions", "campaign", "image"]

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


class ProgrammePictureSerializer(FormSerializer):
    """A programme's picture, as its staff page takes it: a new file in a multipart request
    (with `image_alt`), a new description alone, or `remove_image`."""

    form_class = ProgrammePictureForm


class DinnerWriteSerializer(FormSerializer):
    """A dinner as its host offers or changes it; a change keeps what it does not send."""

    form_class = DinnerForm  # form_kwargs: the programme, and the dinner as instance for a change


class SeatRequestSerializer(FormSerializer):
    """A seat, or a place on the waiting list; with the host's `invite_token` one of the
    seats kept for the host's own guests."""

    form_class = SeatForm
    # The API's own: the page has the token in the invitation link's address.
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


@extend_schema_serializer(component_name="MatchRequest")  # the request's name before the form was its definition
class MatchRequestInputSerializer(FormSerializer):
    """Any dinner near me: where (no district: anywhere in the municipality) and when."""

    form_class = MatchRequestForm  # form_kwargs: the programme


class DecideSerializer(FormSerializer):
    """Approve a dinner waiting for approval, or decline it with a reason for the host."""

    form_class = DecideForm
    # The form's "true" or "false", which JSON writes as a boolean.
    approve = serializers.BooleanField(label=_("Approve"))


class CancelSerializer(FormSerializer):
    form_class = CancelForm


class ReportIdeaSerializer(serializers.Serializer):
    title = serializers.CharField(required=False, allow_blank=True,
                                  help_text=f"At most {IDEA_TITLE_MAX_LENGTH} characters. An idea with a title needs "
                                            "a description, and the other way round.")
    body = serializers.CharField(required=False, allow_blank=True,
                                 help_text=f"At most {IDEA_BODY_MAX_LENGTH} characters.")


class ReportSerializer(FormSerializer):
    """The host's report on a dinner that took place."""

    # The report page's form, which has a field per guiding question (answer_<id>) and numbered
    # idea slots (idea_title_<n>, idea_body_<n>), where the API has `answers` and `ideas`:
    # these two only check the shape here, the form checks what is in them and its messages
    # come back under `answers` and `ideas`. form_kwargs: the programme's questions.
    form_class = ReportForm
    answers = serializers.DictField(child=serializers.CharField(allow_blank=True),
                                    help_text=f"Guiding question id -> its answer (at most {ANSWER_MAX_LENGTH} "
                                              "characters); every question of the programme needs one.")
    ideas = ReportIdeaSerializer(many=True, required=False, default=list)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "idea_slots": len(self.api_values.get("ideas", []))}

    def form_data(self, data):
        flat = {name: data[name] for name in self.form_class.base_fields if name in data}
        flat.update({f"answer_{key}": answer for key, answer in self.api_values.get("answers", {}).items()})
        for n, idea in enumerate(self.api_values.get("ideas", []), start=1):
            flat[f"idea_title_{n}"] = idea.get("title", "")
            flat[f"idea_body_{n}"] = idea.get("body", "")
        return flat

    def api_errors(self, errors):
        shaped: dict[str, list[str]] = {}
        for name, messages in errors.items():
            key = "answers" if name.startswith("answer_") else "ideas" if name.startswith("idea_") else name
            if key != name:
                label = self.form.fields[name].label
                messages = [_("%(field)s: %(message)s") % {"field": label, "message": m} for m in messages]
            shaped.setdefault(key, []).extend(messages)
        return shaped

    def validate(self, attrs):
        return {"participants": attrs["participants"], "themes": attrs["themes"],
                "answers": self.form.answers(), "ideas": self.form.ideas()}


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
