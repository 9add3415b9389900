from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


def add_validation_errors(form, exc: ValidationError) -> None:
    """Show a service's ValidationError on the form: field errors beside their fields, the
    rest in the error summary, with everything the person typed still in place."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


class FilterForm(forms.Form):
    """A GET form that narrows a list. Every field may be left empty, so the labels do not
    say "(optional)" (templates/forms/field.html), and an empty choice reads "All" rather
    than Django's dashes."""

    filter_form = True

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, forms.ModelChoiceField) and field.empty_label is not None:
                field.empty_label = _("All")
            elif isinstance(field, forms.ChoiceField) and not field.required:
                field.choices = [(value, _("All") if value == "" and label == "---------" else label)
                                 for value, label in field.choices]
