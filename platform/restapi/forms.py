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
gets them from the serializer's context: `Serializer(data=..., context={"form_kwargs": {...}})`;
a ModelForm given an `instance` there edits it (PUT and PATCH). Files come from the request
in the context (`context={"request": request}`).

What the form reads is what a browser would send it:
- a JSON value is written as text, as a browser writes it (`true`, `4`, `2026-05-01`), so
  every form field reads it as it reads a posted form, and a number where a date belongs is
  a field error, not a crash; a list or an object where one value belongs is refused;
- a field the request leaves out has the value the page's form shows before anyone types:
  the instance's current value when one is edited, else the field's own initial value (for
  a ModelForm, the model's default). The schema marks such fields as optional. A browser
  leaves an unticked box out; an API client that means "no" sends `false`.

The serializer may declare fields of its own:
- a field the form also has replaces the derived one in the schema only (e.g. the choices a
  form sets in `__init__`); validation is always the form's;
- a field the form does not have is API-only input (a municipality the page has in its
  address, an invitation token the page has in its link): the serializer validates it as
  usual and its value joins the form's cleaned data.
`form_exclude` names form fields the API does not take (the page's one-time submission key,
where the API has its Idempotency-Key header). `form_data` and `api_errors` translate when
the API's shape of the same input differs from the page's (a list of ideas where the page
has numbered slots).
"""
from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any, ClassVar

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, FieldDoesNotExist
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.forms.models import model_to_dict
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers
from rest_framework.fields import SkipField, get_error_detail
from rest_framework.settings import api_settings

MULTIPLE_VALUE_FIELDS = (forms.MultipleChoiceField, forms.ModelMultipleChoiceField)
_NOTHING = object()


def _takes_many(field: forms.Field) -> bool:
    """Fields whose widget reads a list (`getlist`) from the data."""
    return isinstance(field, MULTIPLE_VALUE_FIELDS) or getattr(field.widget, "allow_multiple_selected", False)


def default_of(field: forms.Field) -> Any:
    """What the page's form shows in `field` before anyone types, if the API may take it for
    a field left out: a fixed initial value (a callable one, such as a fresh key per form, is
    the page's device, not a default)."""
    initial = field.initial
    if initial is None or callable(initial) or isinstance(field, forms.FileField):
        return _NOTHING
    return initial


def _common(field: forms.Field) -> dict[str, Any]:
    # A field with a default is optional; the default itself is not shown, since a request
    # that edits (PUT, PATCH) keeps the current value instead.
    options: dict[str, Any] = {"required": field.required and default_of(field) is _NOTHING}
    if field.label:
        options["label"] = field.label
    if field.help_text:
        options["help_text"] = field.help_text
    return options


def _choices(field: forms.ChoiceField) -> list:
    return [(value, label) for value, label in field.choices if value not in ("", None)]


def _limits(field: forms.Field, model_field=None) -> dict[str, Any]:
    """min_value and max_value, from the form field and, for a ModelForm's field, from the
    model field's validators (which the ModelForm runs when it cleans the instance)."""
    low, high = getattr(field, "min_value", None), getattr(field, "max_value", None)
    validators = [*field.validators, *(model_field.validators if model_field is not None else ())]
    for validator in validators:
        if isinstance(validator, MinValueValidator) and not callable(validator.limit_value):
            low = validator.limit_value if low is None else max(low, validator.limit_value)
        elif isinstance(validator, MaxValueValidator) and not callable(validator.limit_value):
            high = validator.limit_value if high is None else min(high, validator.limit_value)
    return {"min_value": low, "max_value": high}


def _object_key(field: forms.ModelChoiceField, **options) -> serializers.Field:
    """How a form names its objects: by id, or by the field its `to_field_name` says (a slug)."""
    if not field.to_field_name:
        return serializers.IntegerField(**options)
    model = field.queryset.model if field.queryset is not None else None
    model_field = model._meta.get_field(field.to_field_name) if model is not None else None
    if isinstance(model_field, models.SlugField):
        return serializers.SlugField(**options)
    return serializers.CharField(**options)


def serializer_field_for(field: forms.Field, model_field=None) -> serializers.Field:
    """The serializer field that describes a form field in the schema (it never validates)."""
    options = _common(field)
    nullable = not field.required
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
                                        allow_null=nullable, **_limits(field, model_field), **options)
    if isinstance(field, forms.IntegerField):
        return serializers.IntegerField(allow_null=nullable, **_limits(field, model_field), **options)
    if isinstance(field, forms.FloatField):
        return serializers.FloatField(allow_null=nullable, **_limits(field, model_field), **options)
    if isinstance(field, forms.DateTimeField):
        return serializers.DateTimeField(allow_null=nullable, **options)
    if isinstance(field, forms.DateField):
        return serializers.DateField(allow_null=nullable, **options)
    if isinstance(field, forms.TimeField):
        return serializers.TimeField(allow_null=nullable, **options)
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


def _model_field(form_class: type[forms.BaseForm], name: str):
    model = getattr(getattr(form_class, "_meta", None), "model", None)
    if model is None:
        return None
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:  # a form field of its own, beside the model's
        return None


def as_text(value: Any) -> Any:
    """A JSON value as a browser would post it: JSON's own spelling of true and false, numbers
    as written; None stays empty."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float | Decimal):
        return str(value)
    return value


class FormSerializer(serializers.Serializer):
    form_class: ClassVar[type[forms.BaseForm]]
    #: Form fields the API does not take: out of the schema, and never read from a request.
    form_exclude: ClassVar[tuple[str, ...]] = ()

    def get_form_class(self) -> type[forms.BaseForm]:
        """The form that validates this request (the schema is always `form_class`'s)."""
        return self.form_class

    def _schema_form_fields(self) -> dict[str, forms.Field]:
        return {name: field for name, field in self.form_class.base_fields.items() if name not in self.form_exclude}

    def get_fields(self) -> dict[str, serializers.Field]:
        derived = {name: serializer_field_for(field, _model_field(self.form_class, name))
                   for name, field in self._schema_form_fields().items()}
        derived.update(super().get_fields())
        return derived

    def get_form_kwargs(self) -> dict[str, Any]:
        return dict(self.context.get("form_kwargs", {}))

    def form_data(self, data: Mapping) -> Mapping:
        """What the form reads from the request (the API-only values are in `self.api_values`)."""
        return data

    def api_errors(self, errors: dict[str, list[str]]) -> dict[str, list[str]]:
        """The form's errors under the names the API's input uses."""
        return errors

    def to_internal_value(self, data):
        if not isinstance(data, Mapping):
            message = self.error_messages["invalid"].format(datatype=type(data).__name__)
            raise serializers.ValidationError({api_settings.NON_FIELD_ERRORS_KEY: [message]}, code="invalid")
        self.api_values, errors = self._validate_api_only(data)
        form_class = self.get_form_class()
        kwargs = self.get_form_kwargs()
        data = self.form_data(data)
        shape_errors = {} if isinstance(data, QueryDict) else self._wrong_shapes(data, form_class)
        if shape_errors:
            raise serializers.ValidationError({**errors, **shape_errors})
        data = self._as_posted(data, form_class, kwargs)
        request = self.context.get("request")
        files = getattr(request, "FILES", None) if request is not None else None
        self.form = form_class(data=data, files=files, **kwargs)
        if not self.form.is_valid():
            errors = {**self.api_errors(self._errors_of(self.form)), **errors}
        if errors:
            raise serializers.ValidationError(errors)
        cleaned = {name: value for name, value in self.form.cleaned_data.items() if name not in self.form_exclude}
        return {**self.api_values, **cleaned}

    def _validate_api_only(self, data: Mapping) -> tuple[dict, dict]:
        """The serializer's own fields that the form does not have, validated as a serializer
        validates them."""
        form_fields = self.form_class.base_fields
        values, errors = {}, {}
        for name, field in self.fields.items():
            if name in form_fields or field.read_only:
                continue
            try:
                values[field.source] = field.run_validation(field.get_value(data))
            except serializers.ValidationError as exc:
                errors[name] = exc.detail
            except DjangoValidationError as exc:
                errors[name] = get_error_detail(exc)
            except SkipField:
                pass
        return values, errors

    def _wrong_shapes(self, data: Mapping, form_class: type[forms.BaseForm]) -> dict[str, list]:
        """JSON can send a list or an object where the form expects one value, which a form
        would read as its text; refuse it as the serializer fields would."""
        errors = {}
        for name, field in form_class.base_fields.items():
            if name not in data or name in self.form_exclude:
                continue
            value = data[name]
            if _takes_many(field):
                if not isinstance(value, list) or any(isinstance(v, list | dict) for v in value):
                    errors[name] = [_("Expected a list of values.")]
            elif isinstance(value, list | dict) and not isinstance(field, forms.JSONField):
                errors[name] = [_("Expected a single value.")]
        return errors

    def _as_posted(self, data: Mapping, form_class: type[forms.BaseForm], kwargs: dict[str, Any]) -> Mapping:
        """The request's data as the page's form would receive it: values as text, the
        excluded fields gone, and what is left out as the form shows it before anyone types."""
        fields = form_class.base_fields
        if isinstance(data, QueryDict):
            # Not QueryDict.copy(), which deep-copies the uploaded files in a multipart request.
            posted = QueryDict(mutable=True)
            for name, values in data.lists():
                posted.setlist(name, list(values))
        else:
            posted = {}
            for name, value in data.items():
                field = fields.get(name)
                if field is not None and isinstance(field, forms.JSONField):
                    posted[name] = value
                elif isinstance(value, list):
                    posted[name] = [as_text(item) for item in value]
                else:
                    posted[name] = as_text(value)
        for name in self.form_exclude:
            posted.pop(name, None)
        instance = kwargs.get("instance")
        current = model_to_dict(instance) if instance is not None else {}
        for name, field in fields.items():
            if name in posted or name in self.form_exclude or isinstance(field, forms.FileField):
                continue  # a file the request does not send stays as it is (the form keeps it)
            if instance is not None:
                if name not in current:
                    continue
                value = field.prepare_value(current[name])  # related objects as their ids
            else:
                value = default_of(field)
                if value is _NOTHING:
                    continue
            if isinstance(posted, QueryDict) and _takes_many(field):
                posted.setlist(name, list(value))
            else:
                posted[name] = value
        return posted

    @staticmethod
    def _errors_of(form: forms.BaseForm) -> dict[str, list[str]]:
        errors = {}
        for name, messages in form.errors.items():
            key = api_settings.NON_FIELD_ERRORS_KEY if name == NON_FIELD_ERRORS else name
            errors[key] = [str(message) for message in messages]
        return errors
