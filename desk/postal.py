"""Requests that came by post: from someone without a login (an heir, an agent, someone who is not a
policyholder) or from a policyholder who wrote. Staff enter them in the admin with the same fields as the
online form and the scanned form, and they become ordinary requests in the desk's queue, due
REQUEST_DUE_DAYS after the day the letter arrived. Identity is shown by the copies of documents enclosed,
which the scan holds; the answer goes by post to the address written on the form."""

import dataclasses
import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.dates import today_in_tokyo
from customers.models import Policyholder
from notices.models import Company

from .agents import Agent, agent_check
from .documents import document_discard, documents_removed_unless_committed
from .fees import fee_for
from .models import CustomerRequest, RequestDocument
from .services import ANSWER_PERMISSION, CUSTOMER_KINDS, _documents_attach, _new_number, _require, due_date_for

Requester = CustomerRequest.Requester
POSTAL_KINDS = [kind for kind in CUSTOMER_KINDS if kind != CustomerRequest.Kind.MARKETING_STOP]
# A letter is entered within days of its arrival; an older date is a typing error.
OLDEST_DAYS = 60


@dataclasses.dataclass(frozen=True)
class Writer:
    """Who the form names: the customer, or the heir or other person who wrote (see CustomerRequest.name)."""

    name: str
    postal_code: str
    postal_address: str
    phone: str = ""
    email: str = ""


@documents_removed_unless_committed
@transaction.atomic
def postal_request_enter(
    *,
    actor,
    idempotency_key: str,
    kind: str,
    requester: str,
    received_on: datetime.date,
    writer: Writer,
    scanned_form: tuple[bytes, str],
    policyholder: Policyholder | None = None,
    company: Company | None = None,
    delivery: str = "",
    details: str = "",
    agent: Agent | None = None,
    documents: dict[str, tuple[bytes, str]] | None = None,
    seal_issued_on: datetime.date | None = None,
) -> CustomerRequest:
    """A request received by post, entered by a staff member who may answer requests. A repeated form (same
    key) returns the request it made. The scanned form is stored like an agent's documents."""
    _require(actor, ANSWER_PERMISSION)
    if kind not in POSTAL_KINDS:
        raise ValidationError(_("Choose the kind of request from the list."), code="kind")
    if requester not in Requester.values:
        raise ValidationError(_("Choose who made the request."), code="requester")
    if requester == Requester.SELF and policyholder is None:
        raise ValidationError(_("A request by the customer names their customer number."), code="policyholder")
    if kind == CustomerRequest.Kind.DISCLOSURE:
        if delivery not in CustomerRequest.Delivery.values:
            raise ValidationError(_("Choose how you would like to receive the disclosure."), code="delivery")
        if delivery == CustomerRequest.Delivery.ELECTRONIC and not (policyholder and requester == Requester.SELF):
            raise ValidationError(_("Only a policyholder writing for themself can receive the disclosure as a "
                                    "download, after logging in; choose paper."), code="delivery")
    else:
        delivery = ""
    today = today_in_tokyo()
    if not (today - datetime.timedelta(days=OLDEST_DAYS) <= received_on <= today):
        raise ValidationError(_("The day the letter arrived must be today or within the last %(days)d days.")
                              % {"days": OLDEST_DAYS}, code="received_on")
    writer = Writer(**{field: value.strip() for field, value in dataclasses.asdict(writer).items()})
    if not (writer.name and writer.postal_code and writer.postal_address):
        raise ValidationError(_("Enter the name, postal code and address written on the form: the answer goes "
                                "there by post."), code="writer")
    documents = dict(documents or {})
    agent = agent_check(agent or Agent(), documents, seal_issued_on=seal_issued_on)
    if (requester == Requester.AGENT) != bool(agent.name):
        raise ValidationError(_("A request by an agent names the agent; only such a request does."), code="agent")
    if not scanned_form:
        raise ValidationError(_("Attach the scanned request form."), code="scan")
    documents[RequestDocument.Kind.POSTAL_FORM] = scanned_form
    key = f"postal:{idempotency_key}"
    existing = CustomerRequest.objects.filter(idempotency_key=key).first()
    if existing is not None:
        return existing
    fee = fee_for(kind=kind, company=company, route=CustomerRequest.Route.POSTAL)
    now = timezone.now()
    received_at = now if received_on == today else timezone.make_aware(
        datetime.datetime.combine(received_on, datetime.time(9))
    )
    stored: list[str] = []
    try:
        request = CustomerRequest(
            number=_new_number(), received_at=received_at, due_date=due_date_for(received_at),
            kind=kind, policyholder=policyholder, company=company, delivery=delivery, details=details.strip(),
            route=CustomerRequest.Route.POSTAL, requester=requester, entered_by=actor, idempotency_key=key,
            name=writer.name, email=writer.email, postal_code=writer.postal_code,
            postal_address=writer.postal_address, phone=writer.phone,
            fee_amount=fee.amount, fee_payment=fee.payment, **agent.fields(),
        )
        request.full_clean()
        try:
            with transaction.atomic():
                request.save()
        except IntegrityError:
            # The same form sent twice at once (a double click): the first one's request stands.
            existing = CustomerRequest.objects.filter(idempotency_key=key).first()
            if existing is None:
                raise
            return existing
        _documents_attach(request, documents, stored, seal_issued_on=seal_issued_on)
    except BaseException:
        for name in stored:
            document_discard(name)
        raise
    return request
