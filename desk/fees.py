"""The fees of requests (手数料, APPI Art. 38) as the table in the admin sets them: shown on the request form
before the customer sends it, and copied onto the request when it is made."""

import dataclasses

from django.db.models import Max
from django.utils.translation import gettext as _

from notices.models import Company

from .models import CustomerRequest, RequestFee


@dataclasses.dataclass(frozen=True)
class Fee:
    amount: int
    payment: str  # RequestFee.Payment, or "" when the kind of request carries no fee

    @property
    def amount_display(self) -> str:
        return f"{self.amount:,}"

    @property
    def display(self) -> str:
        if not self.amount:
            return _("Free")
        return _("%(amount)s yen (%(payment)s)") % {"amount": self.amount_display, "payment": self.payment_label}

    @property
    def payment_label(self) -> str:
        return RequestFee.Payment(self.payment).label if self.payment else ""


NO_FEE = Fee(0, "")


def fee_for(*, kind: str, company: Company | None, route: str) -> Fee:
    """The fee of one request. A request that names no company is charged once, at the highest fee the
    group's companies set for that kind (what a customer was shown as the most it could cost)."""
    if kind not in RequestFee.FEE_KINDS:
        return NO_FEE
    rows = RequestFee.objects.filter(kind=kind, route=route)
    if company is not None:
        row = rows.filter(company=company).first()
    else:
        highest = rows.aggregate(highest=Max("amount"))["highest"]
        row = rows.filter(amount=highest).order_by("company__display_order", "company_id").first()
    return Fee(row.amount, row.payment) if row else Fee(0, RequestFee.Payment.FREE)


def fee_table(*, route: str, companies) -> list[tuple[Company, list[tuple[str, Fee]]]]:
    """Each company with the fee of each kind that may carry one, for the request form."""
    rows = {(fee.company_id, fee.kind): Fee(fee.amount, fee.payment)
            for fee in RequestFee.objects.filter(route=route, company__in=companies)}
    kinds = [CustomerRequest.Kind(kind) for kind in RequestFee.FEE_KINDS]
    free = Fee(0, RequestFee.Payment.FREE)
    return [(company, [(kind.label, rows.get((company.pk, kind), free)) for kind in kinds]) for company in companies]
