"""Settings as a process started with a given environment reads them (README, Configuration)."""

import runpy
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.test import override_settings

SETTINGS_FILE = Path(settings.BASE_DIR) / "onboarding" / "settings.py"


@pytest.fixture
def fresh_settings(monkeypatch, tmp_path):
    """Read onboarding/settings.py anew with the given environment, from another folder, as
    `make run` or a supervisor might start the process."""

    def load(**environment: str | None) -> dict:
        for name, value in environment.items():
            if value is None:
                monkeypatch.delenv(name, raising=False)
            else:
                monkeypatch.setenv(name, value)
        elsewhere = tmp_path / "started-here"
        elsewhere.mkdir(exist_ok=True)
        monkeypatch.chdir(elsewhere)
        return runpy.run_path(str(SETTINGS_FILE))

    return load


def send_one(config: dict) -> None:
    with override_settings(
        EMAIL_BACKEND=config["EMAIL_BACKEND"], EMAIL_FILE_PATH=config["EMAIL_FILE_PATH"]
    ):
        mail.get_connection().send_messages(
            [mail.EmailMessage("Weekly status", "All green.", "golive@localhost", ["pm@x.test"])]
        )


def files_under(folder: Path) -> list[Path]:
    return [path for path in folder.rglob("*") if path.is_file()]


def test_without_email_url_mail_is_written_to_var_mail_of_the_project(fresh_settings, tmp_path):
    """README: with `make run` (no EMAIL_URL) the email goes to files under var/mail/."""
    var_mail = Path(settings.BASE_DIR) / "var" / "mail"
    config = fresh_settings(EMAIL_URL=None)
    before = set(files_under(var_mail)) if var_mail.exists() else set()
    try:
        send_one(config)
        written = set(files_under(var_mail)) - before
        assert len(written) == 1
        assert "Subject: Weekly status" in next(iter(written)).read_text()
    finally:
        for path in set(files_under(var_mail)) - before:
            path.unlink()
    # Nothing landed under the folder the process was started in.
    assert files_under(tmp_path / "started-here") == []


def test_a_filemail_url_with_an_absolute_path_writes_the_mail_there(fresh_settings, tmp_path):
    outbox = tmp_path / "outgoing mail"
    config = fresh_settings(EMAIL_URL=f"filemail://{outbox}")
    send_one(config)
    assert len(files_under(outbox)) == 1
    assert files_under(tmp_path / "started-here") == []


def test_a_filemail_url_with_a_relative_path_is_inside_the_project(fresh_settings):
    config = fresh_settings(EMAIL_URL="filemail://var/mail")
    assert config["EMAIL_FILE_PATH"] == str(Path(settings.BASE_DIR) / "var" / "mail")


def test_with_redis_configured_no_page_depends_on_it(fresh_settings):
    """Redis carries Celery's queue only: no cache and no middleware uses it, so a Redis outage
    fails no page (the outbox keeps the email until Redis is back)."""
    config = fresh_settings(REDIS_URL="redis://127.0.0.1:6390/0")
    assert config["CELERY_BROKER_URL"] == "redis://127.0.0.1:6390/0"
    backends = [cache["BACKEND"] for cache in config["CACHES"].values()]
    assert not any("redis" in backend.lower() for backend in backends)
    assert not any("cache" in middleware.lower() for middleware in config["MIDDLEWARE"])
