from django.forms.renderers import TemplatesSetting


class DesignSystemRenderer(TemplatesSetting):
    """Renders every form with the accessible markup of templates/forms/ (DKFDS)."""

    form_template_name = "forms/form.html"
    field_template_name = "forms/field.html"
