from django import template

register = template.Library()


@register.filter
def person(user, fallback: str = "—") -> str:
    """A user's full name, else their username, else the fallback (for an empty field)."""
    if user is None or user == "":
        return fallback
    return user.get_full_name() or user.username
