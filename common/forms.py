"""Pieces every app's forms share: date inputs the browser understands, and the crispy helper."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Layout
from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

from common.versions import StaleEdit, show_stale


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class Select(forms.Select):
    """A <select> whose options cost one template between them, not an included one each."""

    template_name = "common/widgets/select.html"


class SelectMultiple(forms.SelectMultiple):
    """A multiple <select> drawn like Select: for long lists such as a plan's tasks."""

    template_name = "common/widgets/select.html"


def form_helper(*layout) -> FormHelper:
    """crispy's helper for a form drawn inside a page's own <form> (and its CSRF token)."""
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True
    # The version or one-time key: hidden fields a layout does not name.
    helper.render_hidden_fields = True
    if layout:
        helper.layout = Layout(*layout)
    return helper


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
