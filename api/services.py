"""A person's API tokens: made (the secret shown once) and revoked (deleted)."""

from datetime import timedelta

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction

from api.models import ApiToken

# How long a new token works, as its owner chooses: None never expires.
LIFETIMES: dict[str, timedelta | None] = {
    "30": timedelta(days=30),
    "90": timedelta(days=90),
    "365": timedelta(days=365),
    "never": None,
}
MAX_TOKENS_PER_USER = 20


@transaction.atomic
def api_token_create(*, user: User, name: str, lifetime: str) -> tuple[ApiToken, str]:
    """Make a token for `user`; returns it and its secret, which is not stored and never shown
    again."""
    name = name.strip()
    if not name:
        raise ValidationError({"name": "Name the token after what will use it."})
    if lifetime not in LIFETIMES:
        raise ValidationError({"lifetime": "Choose one of the listed lifetimes."})
    # Lock the user's row: two quick submits cannot both pass the count below.
    User.objects.select_for_update().filter(pk=user.pk).first()
    if ApiToken.objects.filter(user=user).count() >= MAX_TOKENS_PER_USER:
        raise ValidationError(
            f"You have {MAX_TOKENS_PER_USER} tokens, the most one person may hold: revoke one "
            "you no longer use first."
        )
    return ApiToken.objects.create(user=user, expiry=LIFETIMES[lifetime], name=name)


def api_token_revoke(*, user: User, digest: str) -> ApiToken | None:
    """Delete one of the user's own tokens; None when the user has no such token (another's
    is never touched). A call with it is refused from then on."""
    token = ApiToken.objects.filter(user=user, digest=digest).first()
    if token is not None:
        token.delete()
    return token
