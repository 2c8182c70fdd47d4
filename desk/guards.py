"""What every write of the desk checks first: the staff member's permission, and that the request is open
(locked for the rest of the transaction)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from .models import CustomerRequest

ANSWER_PERMISSION = "desk.answer_customerrequest"
APPROVE_PERMISSION = "desk.approve_reply"


def require(user, permission: str) -> None:
    """Staff only, with the permission: anyone else (a customer, an anonymous visitor) is refused."""
    if user is None or not getattr(user, "is_staff", False) or not user.has_perm(permission):
        raise PermissionDenied(_("You do not have permission to do this."))


def lock_open(request: CustomerRequest) -> CustomerRequest:
    request = CustomerRequest.objects.select_for_update().get(pk=request.pk)
    if not request.is_open:
        raise ValidationError(_("This request is already closed."), code="closed")
    return request
