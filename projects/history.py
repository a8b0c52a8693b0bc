"""Change history, turned from simple_history records into entries a page can show.

Each entry is a dict: when, who, kind ("created", "changed", "deleted"), subject (what the
record is about, e.g. "Task “Load pay codes”") and changes, a list of (field, old, new) with
readable values. Foreign keys are looked up in one query per related model, so a page makes
the same number of queries whatever the length of its history.
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import ForeignKey, Model
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import Truncator

KINDS = {"+": "created", "~": "changed", "-": "deleted"}


def _who(record) -> str:
    user = record.history_user
    if user is None:
        return "System"
    return user.get_full_name() or user.username


def _label(obj: Model) -> str:
    if isinstance(obj, get_user_model()):
        return obj.get_full_name() or obj.username
    return str(obj)


def _display(value: Any) -> Any:
    if isinstance(value, datetime.datetime):
        return date_format(timezone.localtime(value), "j M Y, H:i")
    if isinstance(value, datetime.date):
        return date_format(value, "j M Y")
    if isinstance(value, Decimal):
        return f"{value.normalize():f}"
    if isinstance(value, str):
        return Truncator(value).chars(160)
    return value


def _record_key(record) -> tuple[type, Any]:
    model = record.instance_type
    return model, getattr(record, model._meta.pk.attname)


def history_entries(
    records: Iterable,
    *,
    limit: int | None = None,
    shown: int | None = None,
    excluded_fields: Iterable[str] = (),
) -> list[dict[str, Any]]:
    """Entries for historical records given newest first, each diffed against the one before.

    Records may mix models and objects (a project page's history). With `limit`, one more
    record than shown is read so the oldest shown entry still has its changes; `shown` makes
    entries of the first `shown` records alone, the others being read as earlier versions. A
    save that changed nothing a reader sees (only the version) makes no entry. Pass records
    with `select_related("history_user")` to avoid a query per record.
    """
    if limit is not None:
        records = records[: limit + 1]
        shown = limit
    records = list(records)
    # The version counts saves; the fields it counts are what a reader wants.
    excluded = {"version", *excluded_fields}

    # The previous version of each record is the next older record of the same object.
    previous: dict[int, Any] = {}
    last_seen: dict[tuple[type, Any], int] = {}
    for index in range(len(records) - 1, -1, -1):
        key = _record_key(records[index])
        if key in last_seen:
            previous[index] = records[last_seen[key]]
        last_seen[key] = index

    raw: list[tuple[Any, list[tuple[Any, Any, Any]]]] = []
    wanted: dict[type, set] = defaultdict(set)
    for index, record in enumerate(records[:shown] if shown is not None else records):
        changes = []
        prev = previous.get(index)
        if record.history_type == "~" and prev is not None:
            delta = record.diff_against(prev, excluded_fields=excluded)
            for change in delta.changes:
                field = record.instance_type._meta.get_field(change.field)
                if isinstance(field, ForeignKey):
                    for value in (change.old, change.new):
                        if value is not None:
                            wanted[field.related_model].add(value)
                changes.append((field, change.old, change.new))
            if not changes:
                # Saved with nothing changed but its version: nothing to tell the reader.
                continue
        raw.append((record, changes))

    related = {
        model: {obj.pk: _label(obj) for obj in model._base_manager.filter(pk__in=ids)}
        for model, ids in wanted.items()
    }

    def readable(field, value):
        if value is None or value == "":
            return None
        if isinstance(field, ForeignKey):
            return related[field.related_model].get(value, "(deleted)")
        if field.choices:
            return dict(field.flatchoices).get(value, value)
        if isinstance(value, bool):
            return "Yes" if value else "No"
        return _display(value)

    entries = []
    for record, changes in raw:
        model = record.instance_type
        entries.append(
            {
                "when": record.history_date,
                "who": _who(record),
                "kind": KINDS.get(record.history_type, record.history_type),
                "subject": f"{model._meta.verbose_name.capitalize()} “{record.history_object}”",
                "changes": [
                    (
                        str(field.verbose_name).capitalize(),
                        readable(field, old),
                        readable(field, new),
                    )
                    for field, old, new in changes
                ],
            }
        )
    return entries
