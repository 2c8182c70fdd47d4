"""Customer sessions on Redis, as in production."""

import collections
import contextlib
from unittest import mock

import pytest
import redis
from django.contrib.sessions.backends.base import UpdateError

from core.sessions import SessionStore


@contextlib.contextmanager
def commands_sent():
    """The commands this process sends to Redis meanwhile, by name. (The server's INFO commandstats
    would count every client's too: another xdist worker's, another checkout's tests.)"""
    sent = collections.Counter()
    execute = redis.Redis.execute_command

    def counted(self, *args, **options):
        sent[str(args[0]).lower()] += 1
        return execute(self, *args, **options)

    with mock.patch.object(redis.Redis, "execute_command", counted):
        yield sent


def test_saving_a_session_writes_it_in_one_command_and_keeps_its_idle_clock(redis_cache):
    session = SessionStore()
    session["consents_policyholder_id"] = 7
    session.set_expiry(1800)
    session.create()
    again = SessionStore(session.session_key)
    again["seen"] = 1
    again.set_expiry(1800)

    with commands_sent() as sent:
        again.save()

    assert sent["get"] == 0
    assert sent["set"] == 1
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
