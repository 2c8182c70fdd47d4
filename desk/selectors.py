from consents.history import HistorySection
from customers.models import Policyholder

from .models import CustomerRequest

HISTORY_SHOWN = 20


def customer_requests(policyholder: Policyholder):
    return CustomerRequest.objects.filter(policyholder=policyholder).order_by("-received_at", "-id")


def history_section(policyholder: Policyholder) -> HistorySection | None:
    """The customer's requests on their history page, newest first."""
    requests = list(customer_requests(policyholder)[:HISTORY_SHOWN])
    if not requests:
        return None
    return HistorySection("desk/includes/history_requests.html", {"requests": requests})
