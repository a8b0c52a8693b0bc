"""Named fixtures for each role, shared by every app's tests, and the live servers' one rule."""

import pytest
from django.core.signals import request_finished
from django.db import connection
from django.test import override_settings

from clients.roles import Role, role_groups_ensure
from clients.tests.factories import UserFactory
from onboarding.tests.live_servers import (
    OTHER_SESSIONS,
    OneRequestAtATime,
    close_connections_of_server_threads,
    uses_sqlite,
)


@pytest.fixture(autouse=True, scope="session")
def live_servers_fit_the_database():
    """See onboarding/tests/live_servers.py: on SQLite one request at a time (two at once on the
    tests' in-memory database can wait on each other for ever); on PostgreSQL no server thread
    keeps its connection between requests (it would stop the test database from being dropped
    at the end of the run)."""
    if not uses_sqlite():
        request_finished.connect(close_connections_of_server_threads)
        yield
        request_finished.disconnect(close_connections_of_server_threads)
        return
    from django.test.testcases import LiveServerThread

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(LiveServerThread, "server_class", OneRequestAtATime)
        yield


@pytest.fixture(autouse=True, scope="session")
def no_connection_outlives_the_run(django_db_setup, django_db_blocker):
    """At the end of the run, before the test database is dropped, end any other session on it.

    Playwright's sync API runs an event loop in the tests' thread, and Django keeps the
    connections that thread opens while the loop runs apart from the others: one of them could
    stay open, out of reach of connections.close_all(), and PostgreSQL refuses to drop a
    database in use ("is being accessed by other users").
    """
    yield
    if uses_sqlite():
        return
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(f"SELECT pg_terminate_backend(pid) {OTHER_SESSIONS}")


@pytest.fixture
def pm(db):
    return UserFactory(username="pm_user", role=Role.PM)


@pytest.fixture
def other_pm(db):
    return UserFactory(username="other_pm_user", role=Role.PM)


@pytest.fixture
def manager(db):
    return UserFactory(username="manager_user", role=Role.MANAGER)


@pytest.fixture
def sales_rep(db):
    return UserFactory(username="sales_user", role=Role.SALES)


@pytest.fixture
def other_sales_rep(db):
    return UserFactory(username="other_sales_user", role=Role.SALES)


@pytest.fixture
def support(db):
    return UserFactory(username="support_user", role=Role.SUPPORT)


@pytest.fixture
def admin_user(db):
    return UserFactory(username="admin_user", is_superuser=True, is_staff=True)


@pytest.fixture
def no_role_user(db):
    return UserFactory(username="no_role_user")


@pytest.fixture
def client_as(client):
    """Log the test client in as the given user: `client_as(pm).get(url)`."""

    def login(user):
        client.force_login(user)
        return client

    return login


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Real hashing costs ~0.2 s per user; tests check access, not the hash's strength."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def role_groups_after_a_flush(request, django_db_blocker):
    """The role groups, for a test that commits its data.

    Such a test (`transaction=True`, a live server) ends by emptying the database, and with it
    the role groups that clients' data migration made; the next such test makes them again
    before any user fixture asks for one.
    """
    marker = request.node.get_closest_marker("django_db")
    committing = {"transactional_db", "live_server"} & set(request.fixturenames) or (
        marker is not None and (marker.kwargs.get("transaction") or marker.args[:1] == (True,))
    )
    if committing:
        with django_db_blocker.unblock():
            role_groups_ensure()


@pytest.fixture(scope="session", autouse=True)
def media_root_of_the_run(tmp_path_factory):
    """Files the tests upload go to a folder of this run, never to var/media."""

    with override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("media")):
        yield
