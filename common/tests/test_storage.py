from django.test import override_settings

from common.storage import StaticFilesStorage


def test_a_static_files_url_is_the_manifests_and_read_once(tmp_path):
    storage = StaticFilesStorage(location=tmp_path, base_url="/static/")
    storage.hashed_files = {"css/golive.css": "css/golive.0123abcd.css"}
    with override_settings(DEBUG=False):
        assert storage.url("css/golive.css") == "/static/css/golive.0123abcd.css"
        storage.hashed_files = {}
        assert storage.url("css/golive.css") == "/static/css/golive.0123abcd.css"
    # With DEBUG on, the file as it is in the source tree, as Django's own storage does.
    with override_settings(DEBUG=True):
        assert storage.url("css/golive.css") == "/static/css/golive.css"
