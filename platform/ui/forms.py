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


EARLIEST_YEAR, LATEST_YEAR = 2000, 2100


def plausible_date(value) -> None:
    """A date a municipality plans with. Outside these years it is a typo (year 0429 for
    2029); and before 1894 Copenhagen's local time is mean solar time, whose offset of
    +00:50:20 no RFC 3339 timestamp (the API's date-time) can carry."""
    if value is not None and not EARLIEST_YEAR <= value.year <= LATEST_YEAR:
        raise ValidationError(_("Enter a date between the years %(earliest)s and %(latest)s."),
                              code="implausible_date", params={"earliest": EARLIEST_YEAR, "latest": LATEST_YEAR})


class PlausibleDates(forms.Form):
    """Every date and date-time field of the form takes only plausible_date's years."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, forms.DateField | forms.DateTimeField):
                field.validators = [*field.validators, plausible_date]


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


IMAGE_TYPES = "image/jpeg,image/png,image/webp"


class PictureForm(forms.Form):
    """A picture on a ModelForm whose model has `image`, `image_small` and `image_alt` (see
    ui.images.picture_store): the upload, which the service checks and cleans as every
    uploaded image is (ui.images.clean_picture); its description, required with a picture;
    and, when there is one, a box to remove it. Mixed in before forms.ModelForm, with
    "image_alt" among the Meta's fields; the three come last, in that order."""

    image = forms.FileField(label=_("Image"), required=False, help_text=_("JPEG, PNG or WebP, at most 5 MB."),
                            widget=forms.FileInput(attrs={"accept": IMAGE_TYPES}))
    remove_image = forms.BooleanField(label=_("Remove the current image"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.current_image:
            del self.fields["remove_image"]
        self.fields["image_alt"].help_text = _("What the image shows, for people who cannot see it. "
                                               "Needed with an image.")
        for name in ("image", "image_alt", "remove_image"):
            if name in self.fields:
                self.fields[name] = self.fields.pop(name)

    @property
    def current_image(self):
        instance = getattr(self, "instance", None)
        return instance.image if instance is not None and instance.pk and instance.image else None

    def clean(self):
        cleaned = super().clean()
        keeps = self.current_image and not cleaned.get("remove_image")
        if (cleaned.get("image") or keeps) and not (cleaned.get("image_alt") or "").strip():
            self.add_error("image_alt", _("Say what the image shows, for people who cannot see it."))
        return cleaned
