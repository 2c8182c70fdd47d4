"""Sessions in the shared cache, as Django's cache backend keeps them, except that a cache that does
not answer is an outage (the 503 page) rather than an empty session. Django's backend treats any
error as "no session": the customer would be sent to the login page without a word, and a form they
had sent would be dropped."""

from django.contrib.sessions.backends import cache

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
