"""Aggregates that SQLite and PostgreSQL both run, for lists read as a column of another row."""

from django.db.models import Aggregate, CharField, Func

SEPARATOR = ", "
# PostgreSQL's STRING_AGG, sorted; SQLite's GROUP_CONCAT is the default of each class below.
POSTGRESQL = {
    "function": "STRING_AGG",
    "template": f"%(function)s(%(expressions)s, '{SEPARATOR}' ORDER BY %(expressions)s)",
}


class NameList(Aggregate):
    """Names joined with commas: GROUP_CONCAT in SQLite, STRING_AGG (sorted) in PostgreSQL."""

    function = "GROUP_CONCAT"
    template = f"%(function)s(%(expressions)s, '{SEPARATOR}')"
    output_field = CharField()

    def as_postgresql(self, compiler, connection, **extra_context):
        return self.as_sql(compiler, connection, **POSTGRESQL, **extra_context)


class WholeNameList(Func):
    """NameList over every row of a query, as a plain function rather than an aggregate: a
    subquery of it is one row for the whole table, with no GROUP BY (the list of a table that
    no column of the outer row picks from, read as a column of that row)."""

    function = NameList.function
    template = NameList.template
    output_field = CharField()

    def as_postgresql(self, compiler, connection, **extra_context):
        return self.as_sql(compiler, connection, **POSTGRESQL, **extra_context)


def names_of(value: str | None) -> list[str]:
    """The names a NameList joined; none for the NULL of an empty group."""
    return value.split(SEPARATOR) if value else []
