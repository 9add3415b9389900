from django import template

register = template.Library()

INPUT_CLASSES = {
    "checkbox": "form-checkbox",
    "radio": "form-radio",
    "select": "form-select",
    "selectmultiple": "form-select",
    "textarea": "form-input",
    "clearablefile": "form-file-input",
    "file": "form-file-input",
}


@register.simple_tag
def widget(field):
    """A field's widget with the design system's class and its hint/error wired up for
    screen readers (aria-describedby, aria-invalid)."""
    attrs = {"class": INPUT_CLASSES.get(field.widget_type, "form-input")}
    described = []
    if field.help_text:
        described.append(f"{field.auto_id}_hint")
    if field.errors:
        described.append(f"{field.auto_id}_error")
        attrs["aria-invalid"] = "true"
    if described:
        attrs["aria-describedby"] = " ".join(described)
    if field.field.required and field.widget_type not in ("checkbox",):
        attrs["aria-required"] = "true"
    return field.as_widget(attrs=attrs)


@register.filter(name="markdown")
def markdown_filter(text: str):
    from ui.markdown import render_markdown

    return render_markdown(text or "")


@register.filter
def weekday_datetime(value):
    """"Tuesday 8 December 2026, 18:00" in the active language's own date format (the
    weekday, then DATETIME_FORMAT): `date:"l j. F Y H:i"` is Danish order in every language."""
    if not value:
        return ""
    from django.template.defaultfilters import date

    return f"{date(value, 'l')} {date(value, 'DATETIME_FORMAT')}"
