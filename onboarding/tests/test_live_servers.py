"""The live server of the browser tests: threaded on PostgreSQL, one request at a time on SQLite."""

from http.client import HTTPConnection
from socketserver import ThreadingMixIn
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.db import connection
from django.urls import reverse

from onboarding.tests.live_servers import OTHER_SESSIONS, uses_sqlite


def test_the_live_server_is_threaded_only_where_each_thread_has_its_own_connection(live_server):
    threaded = isinstance(live_server.thread.httpd, ThreadingMixIn)

    assert threaded is not uses_sqlite()


def test_a_live_server_keeps_no_database_connection_between_requests(live_server, client, pm):
    """A browser keeps its connection to the server open; the server's thread does not keep its
    connection to the database (it would stop the test database from being dropped)."""
    if uses_sqlite():
        pytest.skip("On SQLite the live server shares the tests' one in-memory connection.")
    client.force_login(pm)
    session = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
    address = urlsplit(live_server.url)
    browser = HTTPConnection(address.hostname, address.port, timeout=10)
    try:
        # The PM's home page: the session, the user and their projects read from the database.
        browser.request("GET", reverse("home"), headers={"Cookie": session})
        response = browser.getresponse()
        response.read()
        assert response.status == 200
        assert response.getheader("Connection") != "close"  # kept alive, as a browser's is
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT count(*) {OTHER_SESSIONS}")
            (others,) = cursor.fetchone()
    finally:
        browser.close()
    assert others == 0
