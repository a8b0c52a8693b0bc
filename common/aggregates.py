"""Aggregates that SQLite and PostgreSQL both run, for lists read as a column of another row."""

from django.db.models import Aggregate, CharField

SEPARATOR = ", "


class NameList(Aggregate):
    """Names joined with commas: GROUP_CONCAT in SQLite, STRING_AGG (sorted) in PostgreSQL."""

    function = "GROUP_CONCAT"
    template = f"%(function)s(%(expressions)s, '{SEPARATOR}')"
    output_field = CharField()

    def as_postgresql(self, compiler, connection, **extra_context):
        return self.as_sql(
            compiler,
            connection,
            function="STRING_AGG",
            template=f"%(function)s(%(expressions)s, '{SEPARATOR}' ORDER BY %(expressions)s)",
            **extra_context,
        )


def names_of(value: str | None) -> list[str]:
    """The names a NameList joined; none for the NULL of an empty group."""
    return value.split(SEPARATOR) if value else []
