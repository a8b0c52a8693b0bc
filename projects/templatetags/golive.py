import functools
from html import escape

from django import template
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from common.dates import short_date
from projects.models import Task

register = template.Library()


@register.filter
def person(user, fallback: str = "—") -> str:
    """A user's full name, else their username, else the fallback (for an empty field)."""
    if user is None or user == "":
        return fallback
    return user.get_full_name() or user.username


register.filter("short_date", short_date)


@register.filter
def machine_time(value) -> str:
    """A moment for <time datetime="…">, to the second: HTML takes no microseconds."""
    if not value:
        return ""
    return timezone.localtime(value).replace(microsecond=0).isoformat()


@register.simple_tag
def owner_options(task, owner_choices) -> SafeString:
    """The <option>s of a task's owner <select>, its owner selected.

    `owner_choices` is projects.forms.owner_choices(project): ("", "Unassigned") and optgroups
    of ("user:<id>" | "contact:<id>", label). A page shows this list on every task row, so it
    is written here rather than by a template loop per option.
    """
    if task.owner_user_id:
        current = f"user:{task.owner_user_id}"
    elif task.owner_contact_id:
        current = f"contact:{task.owner_contact_id}"
    else:
        current = ""

    def option(value: str, label) -> str:
        selected = " selected" if value == current else ""
        return f'<option value="{escape(value)}"{selected}>{escape(str(label))}</option>'

    parts = []
    for group, options in owner_choices:
        if group:
            parts.append(f'<optgroup label="{escape(str(group))}">')
            parts.extend(option(value, label) for value, label in options)
            parts.append("</optgroup>")
        else:
            parts.append(option("", options))
    # Safe: every value and label above went through escape().
    return mark_safe("\n".join(parts))  # noqa: S308  # nosec B308 B703


@register.simple_tag
def status_options(task) -> SafeString:
    """The <option>s of a task's status <select>, its status selected."""
    # Safe: the values are the model's fixed choices, the labels go through escape().
    return mark_safe(  # noqa: S308  # nosec B308 B703
        "".join(
            f'<option value="{value}"{" selected" if value == task.status else ""}>'
            f"{escape(str(label))}</option>"
            for value, label in Task.Status.choices
        )
    )


# Stands for the pk while a URL is reversed once; any int converter matches it.
PK_MARKER = 9_876_543_210


@functools.lru_cache(maxsize=256)
def _pk_url_parts(name: str, script_prefix: str, urlconf) -> tuple[str, str]:
    """The text before and after the pk in URL `name`, under that script prefix and urlconf."""
    prefix, _, suffix = reverse(name, args=[PK_MARKER], urlconf=urlconf).partition(str(PK_MARKER))
    return prefix, suffix


def pk_url_parts(name: str) -> tuple[str, str]:
    """The text before and after the pk in URL `name`, for a list that writes it on every row."""
    return _pk_url_parts(name, get_script_prefix(), get_urlconf())


@register.simple_tag
def pk_url(name: str, pk: int) -> str:
    """What `{% url name pk %}` writes, for a URL whose one argument is an integer pk.

    A list links every row to the same few URLs: reversing one costs about 20 µs, and a task
    row's three were a quarter of its time. The text around the pk is the same for every row,
    so it is reversed once per process (and script prefix) and joined with each row's pk.
    """
    prefix, suffix = _pk_url_parts(name, get_script_prefix(), get_urlconf())
    return f"{prefix}{int(pk)}{suffix}"
