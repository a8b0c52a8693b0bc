"""How the API knows who calls it: a token (integrations) or the session (the browsable API)."""

from django.utils import timezone
from knox.auth import TokenAuthentication as KnoxTokenAuthentication
from rest_framework import authentication, exceptions

from api.models import ApiToken

# How often a token's "last used" is written: a busy integration should not write every call.
LAST_USED_EVERY_SECONDS = 300


class TokenAuthentication(KnoxTokenAuthentication):
    """`Authorization: Token golive_…`; notes when the token was last used, so its owner can
    tell a forgotten token from a live one."""

    def validate_user(self, auth_token: ApiToken):
        user, token = super().validate_user(auth_token)
        now = timezone.now()
        if (
            token.last_used_at is None
            or (now - token.last_used_at).total_seconds() > LAST_USED_EVERY_SECONDS
        ):
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return user, token


class SessionAuthentication(authentication.SessionAuthentication):
    """The logged-in session, with Django's CSRF check on every unsafe request, refused in
    the same words as the pages' CSRF failure."""

    def enforce_csrf(self, request):
        try:
            super().enforce_csrf(request)
        except exceptions.PermissionDenied as refused:
            reason = str(refused.detail).removeprefix("CSRF Failed: ")
            raise exceptions.PermissionDenied(
                f"CSRF verification failed: {reason} Reload the page and try again."
            ) from None
