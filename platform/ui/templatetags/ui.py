from django import template
from django.utils.html import format_html

from ui.images import SMALL_WIDTH
from ui.markdown import render_markdown

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

# Widgets drawn as a group of DKFDS radio buttons or checkboxes in a fieldset
# (templates/forms/field.html): the class each option's input gets.
CHOICE_GROUPS = {"radioselect": "form-radio", "checkboxselectmultiple": "form-checkbox"}


def _described_by(field) -> list[str]:
    described = []
    if field.help_text:
        described.append(f"{field.auto_id}_hint")
    if field.errors:
        described.append(f"{field.auto_id}_error")
    return described


@register.simple_tag
def widget(field):
    """A field's widget with the design system's class and its hint/error wired up for
    screen readers (aria-describedby, aria-invalid)."""
    attrs = {"class": INPUT_CLASSES.get(field.widget_type, "form-input")}
    described = _described_by(field)
    if field.errors:
        attrs["aria-invalid"] = "true"
    if described:
        attrs["aria-describedby"] = " ".join(described)
    if field.field.required and field.widget_type not in ("checkbox",):
        attrs["aria-required"] = "true"
    return field.as_widget(attrs=attrs)


@register.filter
def choice_group(field) -> bool:
    return field.widget_type in CHOICE_GROUPS


@register.filter
def described_by(field) -> str:
    return " ".join(_described_by(field))


@register.simple_tag
def option_input(option, field):
    """One option of a radio or checkbox group as DKFDS draws it: the bare <input> (the
    label follows it, as `.form-radio + label` expects), with the widget's own attributes."""
    attrs = {**option.data["attrs"], "class": CHOICE_GROUPS[field.widget_type]}
    if field.errors:
        attrs["aria-invalid"] = "true"
    context = {"widget": {**option.data, "attrs": attrs, "wrap_label": False}}
    return option.parent_widget._render(option.template_name, context, option.renderer)


# The meaning a status carries, as a DKFDS badge variant: success (done, open to you),
# warning (waiting), error (stopped, refused), info (under way); "neutral" is Høst's own
# light badge for states that say nothing good or bad. Keyed by kind, then stored value.
BADGES = {
    "idea": {"submitted": "neutral", "published": "neutral", "under_review": "warning",
             "accepted": "info", "in_progress": "info", "implemented": "success", "not_pursued": "error"},
    "phase": {"proposals": "success", "review": "neutral", "voting": "success",
              "council_review": "neutral", "results": "info", "implementation": "info"},
    "feasibility": {"pending": "warning", "feasible": "success", "not_feasible": "error"},
    "dinner": {"pending": "warning", "approved": "success", "declined": "error", "cancelled": "error"},
    "seat": {"confirmed": "success", "waiting": "warning", "cancelled": "error"},
    "match": {"open": "warning", "planned": "info", "placed": "success", "unplaced": "error",
              "cancelled": "error"},
    "decision": {"approved": "success", "sent_back": "warning"},
    "funded": {True: "success", False: "neutral"},
}


@register.filter
def badge(value, kind: str) -> str:
    """The badge classes for a status: `<span class="{{ idea.status|badge:'idea' }}">`."""
    variant = BADGES.get(kind, {}).get(value, "neutral")
    return f"badge badge-{variant}"


@register.filter(name="markdown")
def markdown_filter(text: str):
    return render_markdown(text or "")


@register.filter
def weekday_datetime(value):
    """"Tuesday 8 December 2026, 18:00" in the active language's own date format (the
    weekday, then DATETIME_FORMAT): `date:"l j. F Y H:i"` is Danish order in every language."""
    if not value:
        return ""
    from django.template.defaultfilters import date

    return f"{date(value, 'l')} {date(value, 'DATETIME_FORMAT')}"


@register.simple_tag
def picture(obj, sizes: str = "100vw", css_class: str = "", lazy: bool = True, field: str = "image"):
    """A model's picture (ui.images.picture_store) as an <img> the browser picks the size of
    (srcset: the small WebP and the large file, `sizes` saying how wide it is shown), with
    its width and height so nothing moves while it loads; lazy unless it is at the top of
    its page. Nothing without a picture."""
    large = getattr(obj, field, None)
    if not large:
        return ""
    small = getattr(obj, f"{field}_small", None)
    width, height = getattr(obj, f"{field}_width") or 0, getattr(obj, f"{field}_height") or 0
    if small and width > SMALL_WIDTH:
        src = format_html(' src="{}" srcset="{} {}w, {} {}w" sizes="{}"', small.url, small.url, SMALL_WIDTH,
                          large.url, width, sizes)
    else:
        src = format_html(' src="{}"', (small or large).url)
    return format_html(
        '<img{} alt="{}"{}{}{} decoding="async">', src, getattr(obj, f"{field}_alt", ""),
        format_html(' width="{}" height="{}"', width, height) if width and height else "",
        format_html(' class="{}"', css_class) if css_class else "",
        format_html(' {}="{}"', *(("loading", "lazy") if lazy else ("fetchpriority", "high"))))
