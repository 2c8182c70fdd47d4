"""The desk's emails, in Japanese, built in a worker by the outbox from the rows that queued them
(registered in apps.py). A policyholder is answered at the address registered now; someone who wrote
without logging in at the address they gave."""

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.dates import today_in_tokyo
from core.jobs import GiveUp
from outbox.messages import email_message
from outbox.models import OutgoingEmail

from .fees import Fee
from .models import REFUSALS, CustomerRequest, Reply

REQUEST_RECEIVED = "request_received"
REQUEST_ANSWER = "request_answer"
REQUEST_REMINDER = "request_reminder"


def _page_url(request: CustomerRequest) -> str:
    """The customer's page of the request, for one who can log in to it: not for someone answered at their own
    address (an heir, a writer who is not the policyholder), who gets the whole answer in the email."""
    if not request.policyholder_id or request.answers_requester:
        return ""
    return settings.SITE_URL + request.get_absolute_url()


def acknowledgment_email(email: OutgoingEmail) -> EmailMessage | None:
    request = CustomerRequest.objects.select_related("policyholder", "company").get(acknowledgment=email)
    if not request.policyholder_id:
        # Anyone can type any address into the inquiry form: what is sent there repeats nothing they typed
        # (no name, no text) but the number we gave, so that it cannot carry anyone's message to anyone.
        return email_message("desk/email/inquiry_acknowledgment", {"request": request}, request.contact_email)
    context = {"request": request, "page_url": _page_url(request), "answer": request.replies.first(),
               "fee": Fee(request.fee_amount, request.fee_payment)}
    return email_message("desk/email/acknowledgment", context, request.contact_email)


def answer_email(email: OutgoingEmail) -> EmailMessage | None:
    """A policyholder is told an answer is waiting on their page (it may hold personal data, which the page
    shows only after login); someone without a login gets the answer itself, there is nowhere else."""
    return answer_message(Reply.objects.select_related("request__policyholder", "request__company").get(email=email))


def answer_message(reply: Reply) -> EmailMessage | None:
    """The answer's email, built from the reply: by the worker when it is sent, by the preview before."""
    request = reply.request
    refusal = reply.outcome in REFUSALS
    context = {
        "request": request, "reply": reply, "page_url": _page_url(request),
        # A refusal tells where to complain (the send step checks that it renders).
        "complaint_route": render_to_string("includes/complaint_route.txt", {"company": request.company})
        if refusal else "",
    }
    return email_message("desk/email/answer", context, request.contact_email)


def reminder_check(email: OutgoingEmail) -> None:
    request = CustomerRequest.objects.get(reminder=email)
    if not request.is_open:
        raise GiveUp("request closed")


def reminder_email(email: OutgoingEmail) -> EmailMessage | None:
    """To the staff member the request is assigned to: its due date is near (REQUEST_REMINDER_DAYS)."""
    request = CustomerRequest.objects.select_related("assignee").get(reminder=email)
    if request.assignee is None or not request.assignee.email:
        return None
    context = {
        "request": request,
        "days_left": request.days_left(today=today_in_tokyo()),
        "reminder_days": settings.REQUEST_REMINDER_DAYS,
        "admin_url": settings.SITE_URL + reverse("admin:desk_customerrequest_change", args=[request.pk]),
    }
    return EmailMessage(
        subject=render_to_string("desk/email/reminder_subject.txt", context).strip(),
        body=render_to_string("desk/email/reminder.txt", context),
        to=[request.assignee.email],
    )


EMAIL_KINDS = [
    {"code": REQUEST_RECEIVED, "label": _("Request received"), "build": acknowledgment_email},
    {"code": REQUEST_ANSWER, "label": _("Answer to a request"), "build": answer_email},
    {"code": REQUEST_REMINDER, "label": _("Reminder of a due date to staff"), "build": reminder_email,
     "check": reminder_check},
]
