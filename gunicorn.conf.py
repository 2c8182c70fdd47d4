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

import html
import logging.config
import os
from http import HTTPStatus

from gunicorn import glogging, util
from gunicorn.workers.gthread import ThreadWorker


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


class _Captured:
    """Stands in for the client's socket while gunicorn writes its own error page, to learn its status."""

    def __init__(self):
        self.data = b""

    def gettimeout(self):
        return None

    def setblocking(self, flag):
        pass

    def sendall(self, data):
        self.data += data

    def send(self, data):
        self.data += data
        return len(data)


class Worker(ThreadWorker):
    """gunicorn's threaded worker, with its own error pages (a request line or headers it could not read,
    a URI or headers too long: 400, 414, 431, before Django sees the request) in Japanese, with the
    site's security headers, instead of its English page without them."""

    def handle_error(self, req, client, addr, exc):
        captured = _Captured()
        super().handle_error(req, captured, addr, exc)
        status_line = captured.data.split(b"\r\n", 1)[0].decode("latin-1")
        try:
            status = int(status_line.split()[1])
        except (IndexError, ValueError):
            status = 400
        try:
            util.write_nonblock(client, error_response(status))
        except Exception:
            self.log.debug("Failed to send error message.")


def error_response(status: int) -> bytes:
    from django.utils import translation
    from django.utils.translation import gettext as _

    with translation.override("ja"):
        title = {
            414: _("The address is too long"),
            431: _("The request's headers are too large"),
            500: _("An error occurred"),
        }.get(status, _("The request could not be understood"))
        message = {
            414: _("Check the address and try again from the top page."),
            431: _("Delete this site's cookies in your browser and try again."),
        }.get(status, _("Please check the address and try again."))
        home = _("Back to the top page")
    page = (
        '<!doctype html><html lang="ja"><head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title></head><body><h1>{html.escape(title)}</h1>"
        f'<p>{html.escape(message)}</p><p><a href="/">{html.escape(home)}</a></p></body></html>'
    ).encode()
    headers = [
        f"HTTP/1.1 {status} {HTTPStatus(status).phrase}",
        "Connection: close",
        "Content-Type: text/html; charset=utf-8",
        f"Content-Length: {len(page)}",
        "Content-Language: ja",
        "Cache-Control: no-store",
        "Content-Security-Policy: default-src 'none'; frame-ancestors 'none'",
        "X-Content-Type-Options: nosniff",
        "X-Frame-Options: DENY",
        "Referrer-Policy: same-origin",
    ]
    return ("\r\n".join(headers) + "\r\n\r\n").encode("latin-1") + page


worker_class = Worker
# Each thread keeps its own database connection: servers × workers × threads connections in all.
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
# The database gives up on a statement after 20 s (DATABASE_STATEMENT_TIMEOUT), SMTP after 10 s per
# step (EMAIL_TIMEOUT), Redis after 2 s: all before this.
timeout = 30
graceful_timeout = 20
