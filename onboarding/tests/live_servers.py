"""The live servers of the browser and office tests: one request at a time on SQLite; on
PostgreSQL, no database connection left open between requests.

On SQLite the tests' in-memory database is one connection, which a live server's request threads
share. Two requests at once (htmx loads the dashboard's panels side by side) can then stop each
other for good: one holds SQLite's lock while it waits for Python's to run a function Django
gives SQLite (a month's truncation), the other holds Python's while it waits for SQLite's. On
PostgreSQL each thread has a connection of its own, and the servers stay threaded.

A threaded server's thread serves a browser's kept-alive connection for as long as the browser
keeps it, and with persistent database connections (CONN_MAX_AGE) it keeps its database
connection as long. The last of them closed only when the browser or Locust went away, at the
end of the run, while the test database was being dropped ("is being accessed by other users").
"""

import threading

from django.core.servers.basehttp import WSGIServer
from django.db import connections


class OneRequestAtATime(WSGIServer):
    """Django's WSGI server without a thread per request. Django closes each connection after
    its response when the server is not threaded, so a browser's kept-alive connection never
    holds the others up."""

    def __init__(self, *args, connections_override=None, **kwargs):
        super().__init__(*args, **kwargs)


def close_connections_of_server_threads(**kwargs) -> None:
    """A request_finished receiver: a live server's request thread closes its database
    connections after each response; the tests' own thread keeps its connection."""
    if threading.current_thread() is not threading.main_thread():
        connections.close_all()


# The other sessions on the test database (PostgreSQL): none may be left when it is dropped.
OTHER_SESSIONS = (
    "FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
)


def uses_sqlite() -> bool:
    return any(connection.vendor == "sqlite" for connection in connections.all())
