"""django-auditlog's middleware with the project's reading of the client address (behind
TRUSTED_PROXY_COUNT proxies; auditlog's own trusts whatever X-Forwarded-For the client sends)."""

from auditlog.middleware import AuditlogMiddleware

from core.clientaddress import client_ip
from core.logging import current_request_id


class AuditActorMiddleware(AuditlogMiddleware):
    @staticmethod
    def _get_remote_addr(request):
        return client_ip(request)

    @staticmethod
    def _get_remote_port(request):
        return None


def request_id() -> str | None:
    """The correlation id of audit entries: the request's X-Request-ID (None outside a request)."""
    return current_request_id.get()
