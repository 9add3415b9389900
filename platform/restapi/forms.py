"""One input definition per action: an API input whose rules are a Django form's.

Where a page and the API take the same input, the form is the definition (labels, limits,
choices, cross-field checks and their translated messages) and the API's serializer is
derived from it: `FormSerializer` validates by running the form, and describes its fields
to the OpenAPI schema from the form's fields. A page and the API can then never disagree on
what is accepted. Serializers stay hand-written where the API's shape differs from the
page's (nested output, API-only fields).

    class FlagSerializer(FormSerializer):
        form_class = FlagForm

A form that needs arguments (the idea whose next statuses are offered, the municipality)
gets them from the serializer's context: `Serializer(data=..., context={"form_kwargs": {...}})`.
A field declared on the serializer replaces the derived one in the schema only (e.g. the
choices a form sets in `__init__`); validation is always the form's.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS
from django.db import models
from django.forms.models import model_to_dict
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers
from rest_framework.settings import api_settings

MULTIPLE_VALUE_FIELDS = (forms.MultipleChoiceField, forms.ModelMultipleChoiceField)


def _takes_many(field: forms.Field) -> bool:
    """Fields whose widget reads a list (`getlist`) from the data."""
    return isinstance(field, MULTIPLE_VALUE_FIELDS) or getattr(field.widget, "allow_multiple_selected", False)


def _common(field: forms.Field) -> dict[str, Any]:
    options: dict[str, Any] = {"required": field.required}
    if field.label:
        options["label"] = field.label
    if field.help_text:
        options["help_text"] = field.help_text
    return options


def _choices(field: forms.ChoiceField) -> list:
    return [(value, label) for value, label in field.choices if value not in ("", None)]


def _object_key(field: forms.ModelChoiceField, **options) -> serializers.Field:
    """How a form names its objects: by id, or by the field its `to_field_name` says (a slug)."""
    if not field.to_field_name:
        return serializers.IntegerField(**options)
    model = field.queryset.model if field.queryset is not None else None
    model_field = model._meta.get_field(field.to_field_name) if model is not None else None
    if isinstance(model_field, models.SlugField):
        return serializers.SlugField(**options)
    return serializers.CharField(**options)


def serializer_field_for(field: forms.Field) -> serializers.Field:
    """The serializer field that describes a form field in the schema (it never validates)."""
    options = _common(field)
    if isinstance(field, forms.ModelMultipleChoiceField):
        return serializers.ListField(child=_object_key(field), **options)
    if isinstance(field, forms.ModelChoiceField):
        if field.to_field_name:
            return _object_key(field, allow_null=not field.required, allow_blank=not field.required, **options)
        return serializers.IntegerField(allow_null=not field.required, **options)
    if isinstance(field, forms.MultipleChoiceField):
        return serializers.MultipleChoiceField(choices=_choices(field), **options)
    if isinstance(field, forms.ChoiceField):
        choices = _choices(field)
        if choices:
            return serializers.ChoiceField(choices=choices, allow_blank=not field.required, **options)
        return serializers.CharField(allow_blank=not field.required, **options)
    if isinstance(field, forms.NullBooleanField):
        return serializers.BooleanField(allow_null=True, **options)
    if isinstance(field, forms.BooleanField):
        return serializers.BooleanField(**options)
    if isinstance(field, forms.DecimalField):
        return serializers.DecimalField(max_digits=field.max_digits, decimal_places=field.decimal_places,
                                        min_value=field.min_value, max_value=field.max_value,
                                        allow_null=not field.required, **options)
    if isinstance(field, forms.IntegerField):
        return serializers.IntegerField(min_value=field.min_value, max_value=field.max_value,
                                        allow_null=not field.required, **options)
    if isinstance(field, forms.FloatField):
        return serializers.FloatField(min_value=field.min_value, max_value=field.max_value,
                                      allow_null=not field.required, **options)
    if isinstance(field, forms.DateTimeField):
        return serializers.DateTimeField(allow_null=not field.required, **options)
    if isinstance(field, forms.DateField):
        return serializers.DateField(allow_null=not field.required, **options)
    if isinstance(field, forms.TimeField):
        return serializers.TimeField(allow_null=not field.required, **options)
    if isinstance(field, forms.UUIDField):
        return serializers.UUIDField(**options)
    if isinstance(field, forms.JSONField):
        return serializers.JSONField(**options)
    if isinstance(field, forms.FileField):
        kind = serializers.ImageField if isinstance(field, forms.ImageField) else serializers.FileField
        if _takes_many(field):
            return serializers.ListField(child=kind(), **options)
        return kind(allow_null=not field.required, **options)
    if isinstance(field, forms.CharField):
        kind = {forms.EmailField: serializers.EmailField, forms.URLField: serializers.URLField,
                forms.SlugField: serializers.SlugField}.get(type(field), serializers.CharField)
        return kind(max_length=field.max_length, min_length=field.min_length,
                    allow_blank=not field.required, **options)
    return serializers.CharField(**options)


class FormSerializer(serializers.Serializer):
    form_class: ClassVar[type[forms.BaseForm]]

    def get_fields(self) -> dict[str, serializers.Field]:
        derived = {name: serializer_field_for(field) for name, field in self.form_class.base_fields.items()}
        derived.update(super().get_fields())
        return derived

    def get_form_kwargs(self) -> dict[str, Any]:
        return dict(self.context.get("form_kwargs", {}))

    def to_internal_value(self, data):
        if not isinstance(data, Mapping):
            message = self.error_messages["invalid"].format(datatype=type(data).__name__)
            raise serializers.ValidationError({api_settings.NON_FIELD_ERRORS_KEY: [message]}, code="invalid")
        kwargs = self.get_form_kwargs()
        form_fields = self.form_class.base_fields
        if not isinstance(data, QueryDict):
            self._refuse_wrong_shapes(data, form_fields)
            data = self._as_typed(data, form_fields)
        if self.partial:
            data = self._with_current_values(data, kwargs)
        request = self.context.get("request")
        files = getattr(request, "FILES", None) if request is not None else None
        self.form = self.form_class(data=data, files=files, **kwargs)
        if not self.form.is_valid():
            raise serializers.ValidationError(self._errors_of(self.form))
        return self.form.cleaned_data

    @staticmethod
    def _refuse_wrong_shapes(data: Mapping, form_fields: Mapping[str, forms.Field]) -> None:
        """JSON can send a list or an object where the form expects one value, which a form
        would read as its text; refuse it as the serializer fields would."""
        errors = {}
        for name, field in form_fields.items():
            if name not in data:
                continue
            value = data[name]
            if _takes_many(field):
                if not isinstance(value, list) or any(isinstance(v, list | dict) for v in value):
                    errors[name] = [_("Expected a list of values.")]
            elif isinstance(value, list | dict) and not isinstance(field, forms.JSONField):
                errors[name] = [_("Expected a single value.")]
        if errors:
            raise serializers.ValidationError(errors)

    @staticmethod
    def _as_typed(data: Mapping, form_fields: Mapping[str, forms.Field]) -> dict:
        """A JSON number or true/false where a form reads typed text (a date, a choice, a
        number) as a browser would send it, as that text: the form then judges it, where some
        fields would fail on anything but a string (a date's `.strip()`) or take true for 1."""
        typed = dict(data)
        for name, field in form_fields.items():
            value = typed.get(name)
            if isinstance(value, bool | int | float) and not isinstance(field, (forms.BooleanField,
                                                                                forms.JSONField)):
                typed[name] = str(value)
        return typed

    def _with_current_values(self, data: Mapping, kwargs: dict[str, Any]) -> dict:
        """A partial update (PATCH) keeps what it does not send: the form sees the instance's
        current values for the fields that are missing."""
        instance = kwargs.get("instance")
        current = model_to_dict(instance) if instance is not None else {}
        # A file the request does not send stays as it is (the form keeps its initial file).
        merged = {name: current[name] for name, field in self.form_class.base_fields.items()
                  if name in current and not isinstance(field, forms.FileField)}
        merged.update(data.dict() if isinstance(data, QueryDict) else data)
        return merged

    @staticmethod
    def _errors_of(form: forms.BaseForm) -> dict[str, list[str]]:
        errors = {}
        for name, messages in form.errors.items():
            key = api_settings.NON_FIELD_ERRORS_KEY if name == NON_FIELD_ERRORS else name
            errors[key] = [str(message) for message in messages]
        return errors
