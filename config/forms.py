"""How forms are drawn: from templates/forms/ as well as Django's own templates, so that every form marks its required
fields and sums up its errors at the top, and the project's widgets (the term tree's tick boxes) have templates."""

from django.forms.renderers import TemplatesSetting


class FormRenderer(TemplatesSetting):
    form_template_name = "forms/div.html"
    field_template_name = "forms/field.html"
