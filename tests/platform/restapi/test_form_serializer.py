"""The API validates with the page's form (restapi.forms.FormSerializer): same rules, same
translated messages, the API's error shape, and a schema that says what the form accepts."""
import pytest
from django import forms
from django.utils import translation
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
