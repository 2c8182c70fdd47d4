"""Customer sessions on Redis, as in production."""


import pytest
import redis
from django.contrib.sessions.backends.base import UpdateError

from core.sessions import SessionStore


@pytest.fixture
def commands_on(monkeypatch):
    """commands_on(text) -> the Redis commands this process sent so far on keys containing `text` (the
    server's own statistics count every client of a shared Redis)."""
    sent = []
    execute = redis.Redis.execute_command

    def recording(self, *args, **options):
        sent.append((str(args[0]).upper(), str(args[1]) if len(args) > 1 else ""))
        return execute(self, *args, **options)

    monkeypatch.setattr(redis.Redis, "execute_command", recording)
    return lambda text: [command for command, key in sent if text in key]


def test_saving_a_session_reads_then_writes_it_and_keeps_its_idle_clock(redis_cache, commands_on):
    session = SessionStore()
    session["consents_policyholder_id"] = 7
    session.set_expiry(1800)
    session.create()
    again = SessionStore(session.session_key)
    again["seen"] = 1
    again.set_expiry(1800)

    before = commands_on(session.session_key)
    again.save()
    # As Django's cache backend saves a session: is it still there (GET), then the whole of it (SET).
    assert commands_on(session.session_key)[len(before):] == ["GET", "SET"]
    stored = SessionStore(session.session_key)
    assert stored["consents_policyholder_id"] == 7 and stored["seen"] == 1
    key = redis_cache.keys(f"*{session.session_key}")[0]
    assert 1790 <= redis_cache.ttl(key) <= 1800


def test_a_session_ended_meanwhile_is_not_brought_back_by_a_save(redis_cache):
    """Logged out in another tab while this request ran: its save must not log the customer in again."""
    session = SessionStore()
    session["consents_policyholder_id"] = 7
    session.create()
    running = SessionStore(session.session_key)
    assert running["consents_policyholder_id"] == 7  # read at the start of the request
    SessionStore(session.session_key).delete()  # the logout, elsewhere

    running["seen"] = 1
    with pytest.raises(UpdateError):
        running.save()
    assert not redis_cache.keys(f"*{session.session_key}")
