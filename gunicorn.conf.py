"""gunicorn reads this file from the directory it starts in, the project's root.

Workers are threaded (gthread): a sync worker reads a request's headers itself, so three clients
sending headers a byte at a time hold three workers for as long as they like. A threaded worker
has `threads` requests in hand at once, and waits for new connections' first bytes in one poller.
A load balancer that buffers whole requests before it forwards them (nginx's default, AWS ALB)
protects against many more; see README, Deploying. Command-line options override what is set here.

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

worker_class = "gthread"
# Each thread keeps its own database connection: servers × workers × threads connections in all.
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
# The database gives up on a statement after 20 s (DATABASE_STATEMENT_TIMEOUT), SMTP after 10 s per
# step (EMAIL_TIMEOUT), Redis after 2 s: all before this.
timeout = 30
graceful_timeout = 20
