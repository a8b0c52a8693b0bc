"""A person's name as Golive writes it, from a user's columns read with values()."""

NAME_COLUMNS = ("first_name", "last_name", "username")


def name_columns(prefix: str) -> tuple[str, ...]:
    """The values() columns that name_of() reads of the user at `prefix`."""
    return tuple(f"{prefix}__{column}" for column in NAME_COLUMNS)


def name_of(row: dict, prefix: str, fallback: str) -> str:
    """What the `person` filter writes, from a values() row's `<prefix>__` name columns."""
    username = row[f"{prefix}__username"]
    if not username:
        return fallback
    full_name = f"{row[f'{prefix}__first_name']} {row[f'{prefix}__last_name']}".strip()
    return full_name or username
