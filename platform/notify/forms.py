from __future__ import annotations

from django import forms

from .models import Delivery
from .registry import described


def field_name(kind: str) -> str:
    return "kind-" + kind.replace(".", "-")


class MailChoicesForm(forms.Form):
    """One radio group per kind of e-mail a person can choose for (each a fieldset whose
    legend names the kind), grouped by category on the page."""

    def __init__(self, *args, choices: dict[str, str], **kwargs):
        super().__init__(*args, **kwargs)
        self.kinds: dict[str, str] = {}
        for _category, descriptions in described():
            for description in descriptions:
                if description.always:
                    continue
                name = field_name(description.kind)
                self.kinds[name] = description.kind
                self.fields[name] = forms.ChoiceField(
                    label=description.label, choices=Delivery.choices, widget=forms.RadioSelect,
                    initial=choices.get(description.kind, Delivery.AT_ONCE))

    def choices(self) -> dict[str, str]:
        """kind -> delivery, from the cleaned data."""
        return {kind: self.cleaned_data[name] for name, kind in self.kinds.items()}

    def groups(self) -> list[dict]:
        """The page's sections: each category's title, its radio groups and the kinds that
        are always e-mailed at once, in the registry's order."""
        return [{"key": category.key, "title": category.title,
                 "fields": [self[field_name(d.kind)] for d in descriptions if not d.always],
                 "always": [d for d in descriptions if d.always]}
                for category, descriptions in described()]
