from datetime import timedelta

from django.contrib.sessions.models import Session
from django.utils import timezone

from common.sessions import SessionStore


def test_a_session_reads_back_what_was_saved(db):
    saved = SessionStore()
    saved["person"] = 7
    saved.save()
    read = SessionStore(saved.session_key)
    assert read["person"] == 7
    assert read.session_key == saved.session_key


def test_an_expired_or_unknown_session_reads_as_empty_and_gets_a_new_key(db):
    expired = SessionStore()
    expired["person"] = 7
    expired.save()
    Session.objects.filter(pk=expired.session_key).update(
        expire_date=timezone.now() - timedelta(seconds=1)
    )
    for key in (expired.session_key, "no-such-session-key"):
        read = SessionStore(key)
        assert read.load() == {}
        assert read.session_key is None
