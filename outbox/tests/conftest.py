import pytest

from outbox.tests.backends import FlakyEmailBackend


@pytest.fixture(autouse=True)
def locmem_email(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture
def outbox_settings(settings):
    """Known delivery settings, whatever the environment says."""
    settings.OUTBOX = {
        "RETRY_BASE_SECONDS": 30,
        "RETRY_MAX_SECONDS": 600,
        "MAX_ATTEMPTS": 4,
        "CLAIM_TIMEOUT_SECONDS": 300,
        "RECOVER_BATCH": 1000,
    }
    return settings.OUTBOX


@pytest.fixture
def flaky_backend(settings):
    """Sends fail `flaky_backend.failures_left` times (set it in the test), then succeed."""
    settings.EMAIL_BACKEND = "outbox.tests.backends.FlakyEmailBackend"
    FlakyEmailBackend.failures_left = 0
    yield FlakyEmailBackend
    FlakyEmailBackend.failures_left = 0


@pytest.fixture
def enqueued(monkeypatch):
    """The ids handed to the delivery task, in order, instead of a broker."""
    from outbox.tasks import deliver_email

    ids: list[int] = []
    monkeypatch.setattr(deliver_email, "delay", lambda email_id: ids.append(email_id))
    return ids
