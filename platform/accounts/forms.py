from __future__ import annotations

from allauth.account.forms import SignupForm as AllauthSignupForm
from django import forms
from django.utils.translation import gettext_lazy as _

from . import census
from .models import District, Language, Municipality, User


class SignupForm(AllauthSignupForm):
    display_name = forms.CharField(
        label=_("Display name"), max_length=80, required=False,
        help_text=_("Shown next to what you write. Leave empty to appear as “Citizen”."),
    )
    municipality = forms.ModelChoiceField(
        label=_("Home municipality"), queryset=Municipality.objects.all(), required=False,
        help_text=_("Where you live. Some votes are open only to residents."),
    )

    def save(self, request):
        user = super().save(request)
        user.display_name = self.cleaned_data.get("display_name", "")
        user.municipality = self.cleaned_data.get("municipality")
        user.preferred_language = getattr(request, "LANGUAGE_CODE", Language.DANISH)
        user.save(update_fields=["display_name", "municipality", "preferred_language"])
        return user


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["display_name", "preferred_language", "birth_year", "municipality", "district"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["district"].queryset = District.objects.select_related("municipality")
        self.fields["district"].label_from_instance = lambda d: f"{d.name} ({d.municipality.name})"
        # What an e-ID vouched for is not the profile's to change (a disabled field keeps
        # the stored value whatever is posted).
        if getattr(self.instance, "verification", None) is not None and self.instance.verification.birth_year:
            self.fields["birth_year"].disabled = True
            self.fields["birth_year"].help_text = _("From your e-ID; it cannot be changed here.")


class DeleteAccountForm(forms.Form):
    password = forms.CharField(
        label=_("Your password"), widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text=_("To make sure it is really you."),
    )
    confirm = forms.BooleanField(
        label=_("I understand that my account and personal data are deleted for good."),
    )

    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("The password is not correct."), code="wrong_password")
        return password


class CensusUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Census file (CSV)"),
        help_text=_("One line per eligible resident: person_id (CPR or national identity number), birth_year, "
                    "district (its name, or empty). The first line names the columns. Comma or semicolon."))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        # Refused by its size before it is read into memory (accounts.census reads it whole).
        if upload.size > census.MAX_BYTES:
            raise forms.ValidationError(census.too_large_message(), code="size")
        return upload
