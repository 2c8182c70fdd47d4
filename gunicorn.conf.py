"""gunicorn reads this file from the directory it starts in, the project's root.

gunicorn's own lines (starting, workers booting and exiting, a request it could not hand to Django)
and Python's warnings go through the app's LOGGING: the same console (stderr), the same format (one
JSON object a line in production), the client's address and query strings masked. Its access log
stays off: the app's request line replaces it, without the client's address or the query string.
"""

import logging.config
import os

from gunicorn import glogging


class Logger(glogging.Logger):
    def setup(self, cfg):
        super().setup(cfg)
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "privacy_portal.settings")
        from django.conf import settings

        logging.config.dictConfig(settings.LOGGING)
        # Python's warnings (a missing static directory, a deprecation) become log lines too, instead
        # of plain text on stderr. The workers are forked from here and keep it.
        logging.captureWarnings(True)


logger_class = Logger
