"""Reading what a browser sends: ids, search text, the `next` address, and the forms' text.

Every app reads request parameters through these, so that no value a user can type (a Unicode
digit, NUL, a number too large for any column, a line break in a name) reaches the database or
an email header unchecked.
"""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme

# The largest id a BigAutoField holds: a larger one could only fail in the database.
MAX_ID = 2**63 - 1
ASCII_DIGITS = re.compile(r"[0-9]{1,19}")
# C0 and C1 control characters: line breaks, tabs, NUL, escapes.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f-\x9f]")
# What multi-line text may not hold: the same, but for tabs and line breaks.
CONTROL_CHARACTERS_BUT_LINE_BREAKS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
SINGLE_LINE_MESSAGE = "Use a single line without control characters (such as line breaks)."
MULTI_LINE_MESSAGE = "Remove the control characters (such as NUL) from this text."
SEARCH_LENGTH = 100


def parse_id(value) -> int | None:
    """The id `value` stands for, or None: ASCII digits only, from 1 to MAX_ID.

    `str.isdigit()` accepts "²" and int() accepts "١٢"; neither is an id anyone typed.
    """
    text = value if isinstance(value, str) else str(value if value is not None else "")
    if not ASCII_DIGITS.fullmatch(text):
        return None
    number = int(text)
    return number if 1 <= number <= MAX_ID else None


def search_text(value) -> str:
    """What a search box holds, trimmed, as one line without control characters."""
    text = CONTROL_CHARACTERS.sub(" ", value if isinstance(value, str) else "")
    return text.strip()[:SEARCH_LENGTH]


def local_next_url(request: HttpRequest, fallback: str) -> str:
    """Where a plain form post goes back to: its `next` when that is a path on this site."""
    candidate = request.POST.get("next", "")
    if (
        candidate.startswith("/")
        and not CONTROL_CHARACTERS.search(candidate)
        and url_has_allowed_host_and_scheme(
            candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    ):
        return candidate
    return fallback


def refuse_control_characters(value: str) -> None:
    if CONTROL_CHARACTERS.search(value):
        raise ValidationError(SINGLE_LINE_MESSAGE, code="control_characters")


def refuse_control_characters_but_line_breaks(value: str) -> None:
    if CONTROL_CHARACTERS_BUT_LINE_BREAKS.search(value):
        raise ValidationError(MULTI_LINE_MESSAGE, code="control_characters")


def _has_integer_ids(field: forms.ModelChoiceField) -> bool:
    return field.to_field_name is None and isinstance(
        field.queryset.model._meta.pk, models.IntegerField
    )


def _strict_ids(field: forms.ModelChoiceField) -> None:
    """Refuse a choice that is not an id before the field looks it up.

    Django looks "²" or 10**30 up as it is: the one fails in Python, the other in SQLite.
    """
    clean = field.clean

    def clean_ids(value):
        values = value if isinstance(value, list | tuple) else [value]
        for item in values:
            if item not in field.empty_values and parse_id(item) is None:
                raise ValidationError(
                    field.error_messages["invalid_choice"],
                    code="invalid_choice",
                    params={"value": str(item)[:20]},
                )
        return clean(value)

    # Each form holds copies of its fields, so this changes the one form only; the check comes
    # before Django's own clean, which is what would fail.
    field.clean = clean_ids


class PlainInputFormMixin:
    """What every form of Golive refuses, whatever its fields.

    One-line text (every text field not drawn as a textarea) takes no control characters: a
    line break in a name or title would end up in an email's subject. Multi-line text keeps
    its line breaks and tabs but takes no other control character, NUL above all, which
    PostgreSQL cannot store. A choice of a record must be an id.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            # A UUID field is a CharField whose clean value is a UUID, which nobody types.
            if isinstance(field, forms.CharField) and not isinstance(field, forms.UUIDField):
                if isinstance(field.widget, forms.Textarea):
                    field.validators.append(refuse_control_characters_but_line_breaks)
                else:
                    field.validators.append(refuse_control_characters)
            elif isinstance(field, forms.ModelChoiceField) and _has_integer_ids(field):
                _strict_ids(field)
