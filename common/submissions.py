"""A create form submitted twice creates one object: the helper every create view calls."""

import hashlib
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

from django import forms
from django.db import IntegrityError, transaction
from django.http import HttpRequest

from common.models import Submission

T = TypeVar("T")

FIELD = "submission_key"
REPEATED = "That form had already been sent; nothing was added twice."


def add_submission_key(form: forms.Form) -> None:
    """Give a create form its hidden one-time key, made when the form is rendered."""
    # No id: a page may hold several create forms (a comment, a time entry), and ids are unique.
    form.fields[FIELD] = forms.UUIDField(
        widget=forms.HiddenInput(attrs={"id": False}), required=False, initial=uuid.uuid4
    )


def _digest(request: HttpRequest) -> str:
    values = sorted(
        (name, sorted(request.POST.getlist(name)))
        for name in request.POST
        if name != "csrfmiddlewaretoken"
    )
    return hashlib.sha256(repr(values).encode()).hexdigest()


def repeated_url(request: HttpRequest) -> str | None:
    """Where an earlier, identical submission of this POST's form led, if there was one.

    For forms whose validation would refuse the repeat (a name that must be unique is now
    taken by the first submission): the user lands on what they made, not on an error.
    """
    try:
        key = uuid.UUID(request.POST.get(FIELD, ""))
    except ValueError:
        return None
    return (
        Submission.objects.filter(key=key, digest=_digest(request))
        .exclude(url="")
        .values_list("url", flat=True)
        .first()
    )


@dataclass
class Outcome(Generic[T]):
    """What a submission made (None when it repeated an earlier one) and where it is."""

    created: T | None
    url: str

    @property
    def repeated(self) -> bool:
        return self.created is None


def create_once(
    request: HttpRequest,
    key: uuid.UUID | None,
    create: Callable[[], T],
    url: Callable[[T], str],
) -> Outcome[T]:
    """Run `create` once per submitted key; a repeat makes nothing and gives the first's URL.

    The key is written first, in the transaction of the create: a second request with the same
    key waits on the unique index until the first commits (then finds its row) or rolls back
    (then creates). A create that fails validation rolls the key back, so the corrected form
    may be sent again. A form without a key (sent by a script, say) is simply created.
    """
    if key is None:
        created = create()
        return Outcome(created, url(created))
    digest = _digest(request)
    user = request.user if request.user.is_authenticated else None
    with transaction.atomic():
        try:
            with transaction.atomic():
                Submission.objects.create(key=key, digest=digest, user=user)
        except IntegrityError:
            first = Submission.objects.get(key=key, digest=digest)
            return Outcome(None, first.url)
        created = create()
        target = url(created)
        Submission.objects.filter(key=key, digest=digest).update(url=target)
    return Outcome(created, target)
