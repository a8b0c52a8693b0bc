"""Test helpers shared by every app's tests."""

import datetime
import re

from django import forms


def form_data(form: forms.Form, **changes) -> dict:
    """What a browser sends for `form` as rendered (hidden version or key included), changed."""
    data = {}
    for name, field in form.fields.items():
        value = form[name].value()
        if isinstance(field.widget, forms.CheckboxInput):
            if value:
                data[name] = "on"
            continue
        if value is None:
            value = (
                []
                if isinstance(field, forms.MultipleChoiceField | forms.ModelMultipleChoiceField)
                else ""
            )
        elif isinstance(value, list | tuple):
            value = [getattr(item, "pk", item) for item in value]
        elif hasattr(value, "pk"):
            value = value.pk
        elif isinstance(value, datetime.date):
            value = value.isoformat()
        data[name] = value
    for name, value in changes.items():
        if value is None:
            data.pop(name, None)
        else:
            data[name] = value
    return data


def submission_key_after(page: str, action: str) -> str:
    """The one-time key of the form on `page` that posts to `action`."""
    start = page.index(f'action="{action}"')
    found = re.search(r'name="submission_key" value="([0-9a-f-]{36})"', page[start:])
    assert found, f"the form posting to {action} carries no submission key"
    return found.group(1)
