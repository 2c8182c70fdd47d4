"""Sessions in the shared cache, as Django's cache backend keeps them, except that a cache that does
not answer is an outage (the 503 page) rather than an empty session. Django's backend treats any
error as "no session": the customer would be sent to the login page without a word, and a form they
had sent would be dropped.
"""

from django.conf import settings
from django.contrib.sessions.backends import cache
from django.core.cache import caches

from .outage import CACHE_ERRORS


class SessionStore(cache.SessionStore):
    def load(self):
        try:
            session_data = caches[settings.SESSION_CACHE_ALIAS].get(self.cache_key)
        except CACHE_ERRORS:
            raise
        except Exception:  # as Django's: a key the backend refuses starts a new session
            session_data = None
        if session_data is not None:
            return session_data
        # No such session (ended, or a key never issued): a new, empty one, whose key is not the one sent.
        self.flush()
        return {}
