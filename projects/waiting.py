"""Items that apps built on projects add to a PM's "Waiting for you" card, without projects
importing them and without a query of their own.

An app registers, in its AppConfig.ready(), a source: source(user, is_manager) returns a
queryset of rows (kind, name, target, when), or None when it has nothing for this person.
waiting_for unions the rows with its own sales handoffs, in the one query it makes for them;
`KINDS[kind]` gives the row's label and the URL name its target (a pk) opens.
"""

from collections.abc import Callable

SOURCES: list[Callable] = []
KINDS: dict[str, tuple[str, str]] = {}


def register_source(source: Callable, kinds: dict[str, tuple[str, str]]) -> None:
    if source not in SOURCES:
        SOURCES.append(source)
    KINDS.update(kinds)
