"""The gunicorn settings the README and `make bench` start the web app with."""

import gc
import runpy
from pathlib import Path

from django.conf import settings

CONF = Path(settings.BASE_DIR) / "onboarding" / "gunicorn.conf.py"


def test_gunicorn_reads_the_settings_file():
    from gunicorn.config import Config

    config = Config()
    for name, value in runpy.run_path(str(CONF)).items():
        if name in config.settings:
            config.set(name, value)

    assert config.workers >= 3
    assert config.post_worker_init.__module__ != "gunicorn.config"


def test_a_started_worker_keeps_the_loaded_app_out_of_full_collections(monkeypatch):
    monkeypatch.setenv("WEB_CONCURRENCY", "4")
    conf = runpy.run_path(str(CONF))
    assert conf["workers"] == 4
    try:
        conf["post_worker_init"](worker=None)
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
