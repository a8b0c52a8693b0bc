import pytest

from webhooks.tests.receiver import Receiver


@pytest.fixture
def receiver(settings):
    """A real receiver on 127.0.0.1, which the admin setting lets webhooks reach."""
    settings.WEBHOOK_ALLOWED_HOSTS = ["127.0.0.1"]
    settings.WEBHOOKS = {**settings.WEBHOOKS, "RETRY_BASE_SECONDS": 30, "MAX_ATTEMPTS": 4}
    running = Receiver().start()
    yield running
    running.stop()
