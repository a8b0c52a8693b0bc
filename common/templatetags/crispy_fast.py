"""What common/crispy/field.html asks of a field, worked out once in Python.

crispy-bootstrap5's field.html tests a field's widget a dozen times (checkbox? radio? file?
select?) and draws its help text and errors through three more templates. Rendering a field
costs about half a millisecond that way; a list's filter bar or a long form pays it per field.
"""

from django import forms, template

register = template.Library()

# Widgets whose markup differs from a label, a control and its help (check boxes, radio
# buttons, files, fieldsets): crispy's own field.html draws them.
_DRAWN_BY_CRISPY = (
    forms.CheckboxInput,
    forms.RadioSelect,
    forms.CheckboxSelectMultiple,
    forms.FileInput,
)


@register.filter
def plain_control_class(field) -> str:
    """The Bootstrap class crispy gives a plain field's control, or "" when it is not plain.

    Plain: shown, one label above one input, select or textarea, not in a fieldset.
    """
    widget = field.field.widget
    if field.is_hidden or field.use_fieldset or isinstance(widget, _DRAWN_BY_CRISPY):
        return ""
    control = "form-select" if isinstance(widget, forms.Select) else "form-control"
    return f"{control} is-invalid" if field.errors else control
