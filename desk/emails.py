"""The desk's emails, in Japanese, built in a worker by consents.outbox from the rows that queued them
(registered in apps.py). A policyholder is answered at the address registered now; someone who wrote
without logging in at the address they gave."""

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse

from consents.models import OutgoingEmail

from .models import CustomerRequest, Reply


def _message(template: str, context: dict, to: str) -> EmailMessage | None:
    if not to:
        return None
    context = {**context, "contact_url": settings.SITE_URL + reverse("contact:windows")}
    return EmailMessage(
        subject=render_to_string(f"desk/email/{template}_subject.txt", context).strip(),
        body=render_to_string(f"desk/email/{template}.txt", context),
        to=[to],
    )


def _page_url(request: CustomerRequest) -> str:
    return settings.SITE_URL + request.get_absolute_url() if request.policyholder_id else ""


def acknowledgment_email(email: OutgoingEmail) -> EmailMessage | None:
    request = CustomerRequest.objects.select_related("policyholder", "company").get(acknowledgment=email)
    context = {"request": request, "page_url": _page_url(request), "answer": request.replies.first()}
    return _message("acknowledgment", context, request.contact_email)


def answer_email(email: OutgoingEmail) -> EmailMessage | None:
    """A policyholder is told an answer is waiting on their page (it may hold personal data, which the page
    shows only after login); someone without a login gets the answer itself, there is nowhere else."""
    reply = Reply.objects.select_related("request__policyholder").get(email=email)
    context = {"request": reply.request, "reply": reply, "page_url": _page_url(reply.request)}
    return _message("answer", context, reply.request.contact_email)
