"""django-auditlog's middleware, for the admin only, where staff change what the trail records.

Other paths skip it: public pages must never read the session (they set no cookie and do not vary on
Cookie), and nothing audited changes there. In the admin the user is passed on unevaluated and read
only when an entry is written. The client address is read through TRUSTED_PROXY_COUNT (auditlog's own
trusts whatever X-Forwarded-For the client sends)."""

from auditlog.middleware import AuditlogMiddleware
from django.urls import reverse

from core.clientaddress import client_ip
from core.logging import current_request_id


class AuditActorMiddleware(AuditlogMiddleware):
    def __call__(self, request):
        if not request.path.startswith(reverse("admin:index")):
            return self.get_response(request)
        return super().__call__(request)

    @staticmethod
    def _get_actor(request):
        return getattr(request, "user", None)

    @staticmethod
    def _get_remote_addr(request):
        return client_ip(request)

    @staticmethod
    def _get_remote_port(request):
        return None


def request_id() -> str | None:
    """The correlation id of audit entries: the request's X-Request-ID (None outside a request)."""
    return current_request_id.get()
