"""The API validates with the page's form (restapi.forms.FormSerializer): same rules, same
translated messages, the API's error shape, and a schema that says what the form accepts."""
import pytest
from django import forms
from django.utils import translation
from rest_framework import serializers
from rest_framework.test import APIClient

from ideas.models import Flag
from restapi.forms import FormSerializer
from tests.factories import MunicipalityFactory, UserFactory
from tests.ideas.factories import IdeaFactory


class MeetingForm(forms.Form):
    title = forms.CharField(max_length=20)
    seats = forms.IntegerField(min_value=1, max_value=12)
    tags = forms.MultipleChoiceField(choices=[("food", "Food"), ("walk", "Walk")], required=False)
    vegetarian = forms.BooleanField(required=False)
    municipality = forms.ModelChoiceField(queryset=None, required=False)

    def __init__(self, *args, municipality_queryset=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["municipality"].queryset = municipality_queryset

    def clean(self):
        data = super().clean()
        if data.get("title") == "closed" and data.get("seats"):
            raise forms.ValidationError("A closed meeting has no seats.")
        return data


class MeetingSerializer(FormSerializer):
    form_class = MeetingForm


def validate(data, **form_kwargs):
    from accounts.models import Municipality

    form_kwargs.setdefault("municipality_queryset", Municipality.objects.all())
    serializer = MeetingSerializer(data=data, context={"form_kwargs": form_kwargs})
    with translation.override("en"):
        serializer.is_valid()
    return serializer


@pytest.mark.django_db
def test_valid_json_gives_the_forms_cleaned_data():
    bergen = MunicipalityFactory(slug="bergen")
    serializer = validate({"title": "Suppe", "seats": "4", "tags": ["food"], "vegetarian": True,
                           "municipality": bergen.pk})
    assert serializer.errors == {}
    assert serializer.validated_data == {"title": "Suppe", "seats": 4, "tags": ["food"], "vegetarian": True,
                                         "municipality": bergen}


@pytest.mark.django_db
def test_field_and_form_errors_come_from_the_form():
    serializer = validate({"title": "x" * 21, "seats": 0})
    assert serializer.errors["title"] == ["Ensure this value has at most 20 characters (it has 21)."]
    assert serializer.errors["seats"] == ["Ensure this value is greater than or equal to 1."]
    assert validate({"title": "closed", "seats": 3}).errors == {"non_field_errors": ["A closed meeting has no seats."]}
    assert validate({"seats": 3}).errors == {"title": ["This field is required."]}


@pytest.mark.django_db
def test_json_shapes_a_form_would_read_as_text_are_refused():
    serializer = validate({"title": ["Suppe"], "seats": {"n": 4}, "tags": "food"})
    assert serializer.errors == {"title": ["Expected a single value."], "seats": ["Expected a single value."],
                                 "tags": ["Expected a list of values."]}
    serializer = MeetingSerializer(data=["not", "an", "object"])
    with translation.override("en"):
        assert not serializer.is_valid()
    assert serializer.errors["non_field_errors"][0].startswith("Invalid data")


@pytest.mark.django_db
def test_partial_update_keeps_what_it_does_not_send():
    from accounts.models import Municipality

    class MunicipalityForm(forms.ModelForm):
        class Meta:
            model = Municipality
            fields = ["name", "slug"]

    class MunicipalitySerializer(FormSerializer):
        form_class = MunicipalityForm

    odense = MunicipalityFactory(slug="odense", name="Odense Kommune")
    serializer = MunicipalitySerializer(data={"name": "Odense"}, partial=True,
                                        context={"form_kwargs": {"instance": odense}})
    assert serializer.is_valid(), serializer.errors
    assert serializer.validated_data == {"name": "Odense", "slug": "odense"}


def test_the_schema_fields_describe_the_form():
    fields = MeetingSerializer().fields
    assert fields["title"].max_length == 20 and fields["title"].required
    assert (fields["seats"].min_value, fields["seats"].max_value) == (1, 12)
    assert set(fields["tags"].choices) == {"food", "walk"} and not fields["tags"].required
    assert type(fields["vegetarian"]).__name__ == "BooleanField"
    assert type(fields["municipality"]).__name__ == "IntegerField"


@pytest.mark.django_db
def test_the_idea_flag_api_answers_with_the_pages_messages_in_the_users_language(municipality):
    idea = IdeaFactory(campaign__municipality=municipality)
    citizen = UserFactory(municipality=municipality)
    api = APIClient()
    api.force_authenticate(citizen)
    url = f"/api/v1/ideas/{idea.pk}/flags/"
    refused = api.post(url, {"reason": "boring", "explanation": "x" * 501}, format="json",
                       HTTP_ACCEPT_LANGUAGE="da")
    assert refused.status_code == 400
    fields = refused.json()["fields"]
    assert fields["reason"] == ["Marker en gyldig valgmulighed. boring er ikke en af de tilgængelige valgmuligheder."]
    assert fields["explanation"] == ["Denne værdi må højst have 500 tegn (den har 501)."]
    assert not Flag.objects.exists()

    accepted = api.post(url, {"reason": "spam", "explanation": "Reklame"}, format="json")
    assert accepted.status_code == 201
    assert Flag.objects.get().explanation == "Reklame"


@pytest.mark.django_db
def test_the_openapi_schema_shows_the_forms_choices(client):
    schema = client.get("/api/schema/?format=json").json()
    flag = schema["components"]["schemas"]["FlagRequest"]
    assert flag["required"] == ["reason"]
    assert flag["properties"]["explanation"]["maxLength"] == 500
    reason = flag["properties"]["reason"]
    enum_ref = reason.get("$ref") or reason.get("allOf", [{}])[0].get("$ref")
    enum = schema["components"]["schemas"][enum_ref.rsplit("/", 1)[1]]["enum"] if enum_ref else reason["enum"]
    assert "spam" in enum


def test_a_form_that_names_objects_by_slug_is_described_with_slugs():
    from accounts.models import District

    class PlaceForm(forms.Form):
        district = forms.ModelChoiceField(queryset=District.objects.none(), to_field_name="slug", required=False)
        districts = forms.ModelMultipleChoiceField(queryset=District.objects.none(), to_field_name="slug")
        municipality = forms.ModelChoiceField(queryset=District.objects.none())

    class PlaceSerializer(FormSerializer):
        form_class = PlaceForm

    fields = PlaceSerializer().fields
    assert type(fields["district"]).__name__ == "SlugField" and fields["district"].allow_null
    assert type(fields["districts"].child).__name__ == "SlugField"
    assert type(fields["municipality"]).__name__ == "IntegerField"


def test_json_numbers_and_booleans_are_read_as_the_text_a_browser_would_send():
    class EventForm(forms.Form):
        starts = forms.DateTimeField()
        seats = forms.IntegerField(required=False)
        kind = forms.ChoiceField(choices=[("1", "One"), ("2", "Two")], required=False)
        open = forms.BooleanField(required=False)

    class EventSerializer(FormSerializer):
        form_class = EventForm

    def errors(data):
        serializer = EventSerializer(data=data)
        with translation.override("en"):
            serializer.is_valid()
        return serializer.errors

    # A date's parser would fail on anything but text (a server error); true is no number.
    assert errors({"starts": False, "seats": True}) == {"starts": ["Enter a valid date/time."],
                                                        "seats": ["Enter a whole number."]}
    assert errors({"starts": 12.5})["starts"] == ["Enter a valid date/time."]
    serializer = EventSerializer(data={"starts": "2026-01-01T09:00:00+01:00", "seats": 4, "kind": 2, "open": False})
    assert serializer.is_valid(), serializer.errors
    assert (serializer.validated_data["seats"], serializer.validated_data["kind"],
            serializer.validated_data["open"]) == (4, "2", False)


class PosterForm(forms.Form):
    title = forms.CharField(max_length=20)
    shown_from = forms.DateTimeField()
    copies = forms.IntegerField(min_value=1, initial=10)
    colour = forms.BooleanField(required=False, initial=True)
    paper = forms.TypedChoiceField(choices=[("true", "Glossy"), ("false", "Matt")], coerce=lambda v: v == "true")
    key = forms.UUIDField(required=False)


class PosterSerializer(FormSerializer):
    form_class = PosterForm
    form_exclude = ("key",)
    #: API-only: the page has it in its address.
    board = serializers.SlugField(max_length=10)


def poster(data):
    serializer = PosterSerializer(data=data)
    with translation.override("en"):
        serializer.is_valid()
    return serializer


def test_json_numbers_and_booleans_are_read_as_a_browser_posts_them():
    serializer = poster({"title": 7, "shown_from": 5, "copies": 3.0, "colour": False, "paper": True,
                         "board": "hall"})
    assert serializer.errors == {"shown_from": ["Enter a valid date/time."]}, "a field error, not a crash"
    serializer = poster({"title": "Sommer", "shown_from": "2026-05-01T10:00:00Z", "copies": 3, "colour": False,
                         "paper": False, "board": "hall"})
    assert serializer.errors == {}
    data = serializer.validated_data
    assert (data["title"], data["copies"], data["colour"], data["paper"]) == ("Sommer", 3, False, False)


def test_what_is_left_out_is_what_the_page_shows_before_anyone_types():
    serializer = poster({"title": "Sommer", "shown_from": "2026-05-01T10:00:00Z", "paper": "true", "board": "hall"})
    assert serializer.errors == {}
    assert (serializer.validated_data["copies"], serializer.validated_data["colour"]) == (10, True)
    assert poster({"board": "hall"}).errors.keys() == {"title", "shown_from", "paper"}
    fields = PosterSerializer().fields
    assert not fields["copies"].required
    assert fields["title"].required


def test_api_only_fields_are_validated_by_the_serializer_beside_the_form():
    serializer = poster({"title": "x" * 21, "shown_from": "2026-05-01T10:00:00Z", "paper": "true", "board": "a b"})
    assert set(serializer.errors) == {"title", "board"}
    assert "slug" in serializer.errors["board"][0]
    serializer = poster({"title": "Sommer", "shown_from": "2026-05-01T10:00:00Z", "paper": "true", "board": "hall"})
    assert serializer.validated_data["board"] == "hall"


def test_excluded_form_fields_are_neither_described_nor_read():
    assert "key" not in PosterSerializer().fields
    serializer = poster({"title": "Sommer", "shown_from": "2026-05-01T10:00:00Z", "paper": "true", "board": "hall",
                         "key": ["not", "a", "uuid"]})
    assert serializer.errors == {} and "key" not in serializer.validated_data


class HomeForm(forms.Form):
    district = forms.ModelChoiceField(queryset=None)

    def __init__(self, *args, municipality, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["district"].queryset = municipality.districts.all()


class HomeSerializer(FormSerializer):
    form_class = HomeForm


@pytest.mark.django_db
def test_an_id_from_another_municipality_is_a_field_error():
    from tests.factories import DistrictFactory

    aarhus, odense = MunicipalityFactory(slug="aarhus"), MunicipalityFactory(slug="odense")
    own, other = DistrictFactory(municipality=aarhus), DistrictFactory(municipality=odense)
    context = {"form_kwargs": {"municipality": aarhus}}
    refused = HomeSerializer(data={"district": other.pk}, context=context)
    with translation.override("en"):
        assert not refused.is_valid()
    assert refused.errors == {"district": ["Select a valid choice. That choice is not one of the available choices."]}
    accepted = HomeSerializer(data={"district": own.pk}, context=context)
    assert accepted.is_valid() and accepted.validated_data["district"] == own


@pytest.mark.django_db
def test_a_partial_update_keeps_many_to_many_values_it_does_not_send():
    from dinners.models import Programme
    from tests.dinners.conftest import make_programme
    from tests.factories import DistrictFactory

    class ProgrammeTitleForm(forms.ModelForm):
        class Meta:
            model = Programme
            fields = ["title", "districts", "max_seats"]

    class ProgrammeTitleSerializer(FormSerializer):
        form_class = ProgrammeTitleForm

    programme = make_programme(MunicipalityFactory(slug="aarhus"))
    district = DistrictFactory(municipality=programme.municipality)
    programme.districts.set([district])
    serializer = ProgrammeTitleSerializer(data={"title": "Suppe og snak"}, partial=True,
                                          context={"form_kwargs": {"instance": programme}})
    assert serializer.is_valid(), serializer.errors
    assert serializer.validated_data["title"] == "Suppe og snak"
    assert list(serializer.validated_data["districts"]) == [district]
    assert serializer.validated_data["max_seats"] == programme.max_seats


def test_the_schema_reads_limits_from_the_models_validators():
    from dinners.models import Dinner

    class DurationForm(forms.ModelForm):
        class Meta:
            model = Dinner
            fields = ["duration_minutes"]

    class DurationSerializer(FormSerializer):
        form_class = DurationForm

    field = DurationSerializer().fields["duration_minutes"]
    assert (field.min_value, field.max_value) == (30, 600)
    assert not field.required, "the model has a default"


class UploadForm(forms.Form):
    file = forms.FileField()
    note = forms.CharField(required=False)


class UploadSerializer(FormSerializer):
    form_class = UploadForm


def test_files_come_from_the_request_in_the_context():
    from django.core.files.uploadedfile import SimpleUploadedFile
    from rest_framework.parsers import MultiPartParser
    from rest_framework.request import Request
    from rest_framework.test import APIRequestFactory

    upload = SimpleUploadedFile("innovations.csv", b"id,title\n1,Suppe\n", content_type="text/csv")
    request = Request(APIRequestFactory().post("/", {"file": upload, "note": "Marts"}, format="multipart"),
                      parsers=[MultiPartParser()])
    serializer = UploadSerializer(data=request.data, context={"request": request})
    assert serializer.is_valid(), serializer.errors
    assert serializer.validated_data["file"].read() == b"id,title\n1,Suppe\n"
    assert serializer.validated_data["note"] == "Marts"
    with translation.override("en"):
        missing = UploadSerializer(data={"note": "Marts"}, context={"request": None})
        assert not missing.is_valid()
    assert missing.errors == {"file": ["This field is required."]}


class SlotsForm(forms.Form):
    """The page's numbered slots."""

    def __init__(self, *args, slots: int, **kwargs):
        super().__init__(*args, **kwargs)
        for n in range(1, slots + 1):
            self.fields[f"name_{n}"] = forms.CharField(max_length=5)


class ListSerializer(FormSerializer):
    """The API's list of the same values."""

    form_class = SlotsForm
    names = serializers.ListField(child=serializers.CharField())

    def get_form_kwargs(self):
        return {"slots": len(self.api_values.get("names", []))}

    def form_data(self, data):
        return {f"name_{n}": name for n, name in enumerate(self.api_values.get("names", []), start=1)}

    def api_errors(self, errors):
        return {"names": [message for messages in errors.values() for message in messages]}


def test_an_api_shape_of_its_own_is_translated_to_the_forms_and_back():
    serializer = ListSerializer(data={"names": ["Ida", "Margrethe"]})
    with translation.override("en"):
        assert not serializer.is_valid()
    assert serializer.errors == {"names": ["Ensure this value has at most 5 characters (it has 9)."]}
    serializer = ListSerializer(data={"names": ["Ida", "Mads"]})
    assert serializer.is_valid(), serializer.errors
    assert serializer.form.cleaned_data == {"name_1": "Ida", "name_2": "Mads"}
