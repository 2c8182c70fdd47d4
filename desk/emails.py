"""The desk's emails, in Japanese, built in a worker by the outbox from the rows that queued them
(registered in apps.py). A policyholder is answered at the address registered now; someone who wrote
without logging in at the address they gave."""

from django.conf import settings
from django.core.mail import EmailMessage
from django.utils.translation import gettext_lazy as _

from outbox.messages import email_message
from outbox.models import OutgoingEmail

from .models import CustomerRequest, Reply

REQUEST_RECEIVED = "request_received"
REQUEST_ANSWER = "request_answer"


def _page_url(request: CustomerRequest) -> str:
    return settings.SITE_URL + request.get_absolute_url() if request.policyholder_id else ""


def acknowledgment_email(email: OutgoingEmail) -> EmailMessage | None:
    request = CustomerRequest.objects.select_related("policyholder", "company").get(acknowledgment=email)
    if not request.policyholder_id:
        # Anyone can type any address into the inquiry form: what is sent there repeats nothing they typed
        # (no name, no text) but the number we gave, so that it cannot carry anyone's message to anyone.
        return email_message("desk/email/inquiry_acknowledgment", {"request": request}, request.contact_email)
    context = {"request": request, "page_url": _page_url(request), "answer": request.replies.first()}
    return email_message("desk/email/acknowledgment", context, request.contact_email)


def answer_email(email: OutgoingEmail) -> EmailMessage | None:
    """A policyholder is told an answer is waiting on their page (it may hold personal data, which the page
    shows only after login); someone without a login gets the answer itself, there is nowhere else."""
    reply = Reply.objects.select_related("request__policyholder").get(email=email)
    context = {"request": reply.request, "reply": reply, "page_url": _page_url(reply.request)}
    return email_message("desk/email/answer", context, reply.request.contact_email)


EMAIL_KINDS = [
    {"code": REQUEST_RECEIVED, "label": _("Request received"), "build": acknowledgment_email},
    {"code": REQUEST_ANSWER, "label": _("Answer to a request"), "build": answer_email},
]
