"""The receipt email (consents/emails.py): a mail outage never turns a committed change into a 500,
and the log names the receipt and the error's class, never the address."""

import smtplib
import uuid

import pytest
from django.core import mail
from django.test import Client

from consents.models import ConsentEvent, Receipt, Source
from consents.services import preferences_update
from consents.unsubscribe import unsubscribe_url

from .test_preferences import matrix_post

BACKEND = "tests.consents.test_emails.RefusingEmailBackend"


class RefusingEmailBackend:
    """An SMTP server that refuses the recipients, with their addresses in the error, as smtplib does."""

    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise smtplib.SMTPRecipientsRefused({to: (550, b"mailbox unavailable") for m in messages for to in m.to})


@pytest.fixture
def smtp_down(settings):
    settings.EMAIL_BACKEND = BACKEND


def assert_logged_without_the_address(caplog, policyholder):
    receipt = Receipt.objects.get()
    assert f"Could not send the receipt email for receipt {receipt.number}: SMTPRecipientsRefused" in caplog.text
    assert policyholder.email not in caplog.text
    assert "Traceback" not in caplog.text and not any(record.exc_info for record in caplog.records)


def test_it_answers_the_one_click_unsubscribe_with_200_when_smtp_is_down(policyholder, life, smtp_down, caplog):
    preferences_update(
        policyholder=policyholder, changes={(life.pk, "email"): True}, source=Source.PORTAL,
        idempotency_key=uuid.uuid4().hex,
    )
    url = unsubscribe_url(policyholder=policyholder, company=life, campaign="c").split("://", 1)[1]
    path = url[url.index("/"):]
    response = Client(enforce_csrf_checks=True).post(path, data={"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    event = ConsentEvent.objects.filter(source=Source.UNSUBSCRIBE).get()
    assert event.new_value is False
    assert f"Could not send the receipt email for receipt {event.receipt.number}: SMTPRecipientsRefused" in caplog.text
    assert policyholder.email not in caplog.text and "Traceback" not in caplog.text


def test_it_shows_the_receipt_of_a_portal_save_when_smtp_is_down(customer, policyholder, life, smtp_down, caplog):
    response = customer.post("/my/preferences/", matrix_post(life, direct_mail="off"))
    assert response["Location"] == f"/my/receipts/{Receipt.objects.get().number}/"
    assert_logged_without_the_address(caplog, policyholder)


def test_it_records_a_staff_change_when_smtp_is_down(client, support_staff, policyholder, life, smtp_down, caplog):
    client.force_login(support_staff)
    url = f"/admin/consents/policyholder/{policyholder.pk}/preferences/"
    key = client.get(url).context["form"].initial["idempotency_key"]
    data = {"idempotency_key": key, f"pref-{life.pk}-phone": "off", "reason": "電話での申出"}
    response = client.post(url, data)
    assert response.status_code == 302
    assert ConsentEvent.objects.get().source == Source.STAFF
    assert_logged_without_the_address(caplog, policyholder)


def test_it_still_sends_the_receipt_when_smtp_works(customer, policyholder, life):
    customer.post("/my/preferences/", matrix_post(life, direct_mail="off"))
    assert [m.to for m in mail.outbox] == [[policyholder.email]]
