"""Pieces every app's forms share: date inputs the browser understands, and the crispy helper."""

import html

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Layout
from crispy_forms.utils import TEMPLATE_PACK
from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.safestring import SafeString, mark_safe

from common.versions import StaleEdit, show_stale


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


def _escaped(value) -> str:
    """Django's conditional_escape (markup stays as it is, anything else is escaped), for the
    many options of a list: without its wrapper for lazy strings, which alone cost four times
    the rest (100 options: 0.10 ms, against 0.39 with conditional_escape, 0.60 format_html)."""
    if hasattr(value, "__html__"):
        return value.__html__()
    return html.escape(str(value))


def _options_html(choices, chosen: list[str], multiple: bool) -> SafeString:
    """The <option>s (in their <optgroup>s) of a select's choices, escaped.

    As Django's `ChoiceWidget.optgroups` chooses them: a choice is selected when its value, as
    text, is among the chosen; a single select selects the first such choice only.
    """
    parts = []
    has_selected = False
    for value, label in choices:
        if value is None:
            value = ""
        group = isinstance(label, (list, tuple))
        if group and value:
            parts.append(f'<optgroup label="{_escaped(value)}">')
        for option_value, option_label in label if group else ((value, label),):
            text = str(option_value)
            selected = (multiple or not has_selected) and text in chosen
            has_selected |= selected
            parts.append(
                f'<option value="{_escaped(option_value)}"{" selected" if selected else ""}>'
                f"{_escaped(option_label)}</option>"
            )
        if group and value:
            parts.append("</optgroup>")
    # Safe: every value and label above was escaped, or was markup already.
    return mark_safe("".join(parts))  # noqa: S308  # nosec B308 B703


class Select(forms.Select):
    """A <select> whose options are joined in Python, not rendered by a template each.

    A plan's tasks, a client's contacts: an option costs Django's template engine more than
    the rest of its field, and a task form lists a hundred.
    """

    template_name = "common/widgets/select.html"

    def get_context(self, name, value, attrs):
        # A widget's context without ChoiceWidget's `optgroups`: a dict per option (its
        # attributes, index and template) that the options' markup, joined once, never reads.
        context = forms.Widget.get_context(self, name, value, attrs)
        widget = context["widget"]
        if self.allow_multiple_selected:
            widget["attrs"]["multiple"] = True
        widget["options_html"] = _options_html(
            self.choices, widget["value"], self.allow_multiple_selected
        )
        return context


class SelectMultiple(Select, forms.SelectMultiple):
    """A multiple <select> drawn like Select: for long lists such as a plan's tasks."""


# crispy-bootstrap5's field markup for a plain field, drawn by Jinja2 (common/jinja2env.py);
# crispy's own field.html draws every other field.
FIELD_TEMPLATE = "common/crispy/field.html"


def form_helper(*layout) -> FormHelper:
    """crispy's helper for a form drawn inside a page's own <form> (and its CSRF token).

    `layout` names what to draw; for a form drawn whole, its fields (`*self.fields`). Without
    a layout crispy would include the field template from its own template, which Django's
    template language cannot do for a Jinja2 template: only a form with no field may go
    without.
    """
    helper = FormHelper()
    helper.field_template = FIELD_TEMPLATE
    helper.form_tag = False
    helper.disable_csrf = True
    # The version or one-time key: hidden fields a layout does not name.
    helper.render_hidden_fields = True
    if layout:
        helper.layout = Layout(*layout)
    return helper


def with_helper(form):
    """The form, with the helper of a form drawn whole when it has none of its own.

    `{{ form|crispy }}` would draw it with crispy's default field template, in Django's
    template language: about twice the cost per field of the field template every helper of
    ours names.
    """
    if getattr(form, "helper", None) is None:
        form.helper = form_helper(*form.fields)
    return form


class _FilterBarHelper(FormHelper):
    """The helper of a filter bar: it names the field template, and places errors and help
    text as `{{ field|as_crispy_field }}` does for a form without a helper (crispy's own
    settings tie the two together: errors inline means help text not, and back)."""

    form_tag = False
    disable_csrf = True
    field_template = FIELD_TEMPLATE

    def get_attributes(self, template_pack=TEMPLATE_PACK):
        attributes = super().get_attributes(template_pack)
        attributes.update(error_text_inline=False, help_text_inline=False)
        return attributes


class FilterForm(forms.Form):
    """The form of a list's filter bar (a FilterSet's `Meta.form`), drawn on every view of it.

    Its fields are drawn one by one with `{{ field|as_crispy_field }}`, which reads the field
    template from the form's helper, and its drop-downs are `Select`s: their options are
    joined in Python rather than drawn by a template each.
    """

    helper = _FilterBarHelper()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if type(field.widget) is forms.Select:
                widget = Select(attrs=field.widget.attrs)
                widget.choices = field.widget.choices
                widget.is_required = field.widget.is_required
                field.widget = widget


def add_service_errors(form: forms.Form, error: ValidationError) -> None:
    """Show a service's validation error on the form, on its field when the form has one.

    A stale edit keeps the user's input and says what changed meanwhile (common.versions).
    """
    if isinstance(error, StaleEdit):
        show_stale(form, error)
    elif hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else NON_FIELD_ERRORS, errors)
    else:
        form.add_error(None, error)
