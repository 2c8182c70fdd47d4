"""Staff's record that a request's fee (手数料, copied onto the request from the fee table when it was made:
desk.fees) was received; a request with a fee is answered, and its disclosure package prepared, only after."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.dates import today_in_tokyo

from .guards import ANSWER_PERMISSION, lock_open, require
from .models import CustomerRequest, FeeReceipt

# A fee is a few hundred or thousand yen; a figure above this is a typing mistake.
AMOUNT_LIMIT = 100_000


@transaction.atomic
def fee_receipt_record(
    *, request: CustomerRequest, actor, amount: int, method: str, received_on: datetime.date
) -> FeeReceipt:
    """Record once that the fee of an open request was received: how much, how it was paid, on which day."""
    require(actor, ANSWER_PERMISSION)
    if not isinstance(amount, int) or isinstance(amount, bool) or not 1 <= amount <= AMOUNT_LIMIT:
        raise ValidationError(
            _("Enter the amount received in yen, from 1 to %(limit)s.") % {"limit": f"{AMOUNT_LIMIT:,}"},
            code="amount",
        )
    if method not in dict(FeeReceipt.METHODS):
        raise ValidationError(_("Choose how the fee was paid from the list."), code="method")
    if not isinstance(received_on, datetime.date) or received_on > today_in_tokyo():
        raise ValidationError(_("Enter the day the fee was received; it cannot be in the future."), code="received_on")
    request = lock_open(request)
    if not request.fee_amount:
        raise ValidationError(_("This request carries no fee."), code="no_fee")
    if amount != request.fee_amount:
        raise ValidationError(
            _("The amount received differs from the request's fee (%(fee)s yen). Check the amount with the "
              "customer before recording it.") % {"fee": f"{request.fee_amount:,}"},
            code="amount",
        )
    if received_on < timezone.localdate(request.received_at) - datetime.timedelta(days=90):
        raise ValidationError(_("The day the fee was received is long before the request. Check the date."),
                              code="received_on")
    if FeeReceipt.objects.filter(request=request).exists():
        raise ValidationError(_("The fee's receipt is already recorded for this request."), code="recorded")
    return FeeReceipt.objects.create(request=request, amount=amount, method=method, received_on=received_on,
                                     recorded_by=actor, recorded_at=timezone.now())


def require_paid(request: CustomerRequest) -> None:
    """A request with a fee is answered (and its package prepared) once its receipt is recorded."""
    if request.fee_amount and not FeeReceipt.objects.filter(request=request).exists():
        raise ValidationError(
            _("This request carries a fee of %(fee)s yen: record its receipt first.")
            % {"fee": f"{request.fee_amount:,}"},
            code="fee",
        )
