from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from portal.access import SESSION_KEY


@receiver(user_logged_in)
def end_portal_visit_on_staff_login(sender, request, user, **kwargs) -> None:
    """A staff login in the same browser ends any portal visit: one person, one identity."""
    if request is not None and hasattr(request, "session"):
        request.session.pop(SESSION_KEY, None)
