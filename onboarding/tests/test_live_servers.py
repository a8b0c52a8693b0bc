"""The live server of the browser tests: threaded on PostgreSQL, one request at a time on SQLite."""

from socketserver import ThreadingMixIn

from onboarding.tests.live_servers import uses_sqlite


def test_the_live_server_is_threaded_only_where_each_thread_has_its_own_connection(live_server):
    threaded = isinstance(live_server.thread.httpd, ThreadingMixIn)

    assert threaded is not uses_sqlite()
