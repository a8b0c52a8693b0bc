"""Every edit form carries the version it was opened at; a stale save changes nothing."""

from collections.abc import Callable
from typing import TypeVar

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Model

M = TypeVar("M", bound=Model)

FIELD = "version"
MISSING = "This form is out of date: reload the page and make your changes again."


class StaleEdit(ValidationError):
    """A save from a form opened before someone else changed the same row."""

    def __init__(self, message: str, *, current_version: int):
        super().__init__(message, code="stale")
        self.current_version = current_version


def add_version_field(form: forms.Form, version: int) -> None:
    """Give an edit form the hidden version of the row it shows."""
    form.fields[FIELD] = forms.IntegerField(
        widget=forms.HiddenInput,
        min_value=0,
        initial=version,
        error_messages={"required": MISSING, "invalid": MISSING, "min_value": MISSING},
    )


class VersionedFormMixin:
    """Put before the form class: a missing or bad version is said at the top of the form."""

    def clean(self):
        data = super().clean()
        errors = self._errors.pop(FIELD, None)
        if errors:
            self.add_error(None, errors)
        return data


def show_stale(form: forms.Form, error: StaleEdit) -> None:
    """Keep the user's input, say what changed, and let a deliberate second save go through."""
    data = form.data.copy()
    data[FIELD] = str(error.current_version)
    form.data = data
    form.add_error(None, error)


def version_claim(
    instance: M,
    *,
    version: int | None,
    describe: Callable[[M, int], str] | None = None,
) -> M:
    """Lock the row and count this change; refuse it when the form's version is not the row's.

    `version` None is an in-place change of one field, which needs no form. Call inside the
    transaction of the save, and save "version" with the other changed fields. Returns the
    row as stored, locked until the transaction ends.
    """
    model = type(instance)
    # NO KEY: rows that merely reference this one (a dependency, a comment) may still be
    # written meanwhile; only another change of the row itself waits.
    stored = model._default_manager.select_for_update(no_key=True).get(pk=instance.pk)
    if version is not None and stored.version != version:
        detail = describe(stored, version) if describe else ""
        raise StaleEdit(
            "Someone changed this while you were editing it, so nothing was saved. "
            + (detail + " " if detail else "")
            + "Your changes are kept below: check them and save again to keep them.",
            current_version=stored.version,
        )
    instance.version = stored.version + 1
    return stored
