"""Sessions in the shared cache, as Django's cache backend keeps them, except that a cache that does
not answer is an outage (the 503 page) rather than an empty session. Django's backend treats any
error as "no session": the customer would be sent to the login page without a word, and a form they
had sent would be dropped.

Saving an existing session is one command on Redis (SET … XX, core/rediscache.py) where Django's backend
reads the key and then writes it: a session ended between the two (logged out in another tab) came back.
"""

from django.contrib.sessions.backends import cache
from django.contrib.sessions.backends.base import UpdateError

from .outage import CACHE_ERRORS


class SessionStore(cache.SessionStore):
    def load(self):
        try:
            session_data = self._cache.get(self.cache_key)
        except CACHE_ERRORS:
            raise
        except Exception:  # as Django's: a key the backend refuses starts a new session
            session_data = None
        if session_data is not None:
            return session_data
        self._session_key = None
        return {}

    def save(self, must_create=False):
        replace = getattr(self._cache, "replace", None)
        if must_create or self.session_key is None or replace is None:
            return super().save(must_create=must_create)
        if not replace(self.cache_key, self._get_session(no_load=False), self.get_expiry_age()):
            raise UpdateError
