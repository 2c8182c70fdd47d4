"""Requests received by post, entered by staff in the admin with the scanned form: an ordinary request in the
queue afterwards, due from the day the letter arrived, with its fee by post and the scan kept like agents'
documents. Bad input is a 400 and nothing is written."""

import datetime

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from core.dates import today_in_tokyo
from desk.models import CustomerRequest, RequestDocument
from tests import personas
from tests.factories import PolicyholderFactory

from .test_agent_documents import image_bytes, pdf_bytes, stored_files

pytestmark = pytest.mark.django_db

URL = "/admin/desk/postalrequest/add/"


def scan():
    return SimpleUploadedFile("scan.pdf", pdf_bytes(), content_type="application/pdf")


def entry(**extra):
    return {
        "kind": "disclosure", "received_on": today_in_tokyo().isoformat(), "requester": "other",
        "customer_number": "", "name": "三木 一郎", "postal_code": "158-0094",
        "postal_address": "東京都世田谷区玉川一丁目14番1号", "phone": "", "email": "", "company": "",
        "delivery": "paper", "details": "保険金請求時の記録の開示を求めます", "agent_name": "",
        "agent_relationship": "", "agent_relation": "", "agent_postal_code": "", "agent_address": "",
        "agent_phone": "", "agent_email": "", "seal_issued_on": "", "idempotency_key": "a" * 32,
        "scanned_form": scan(), **extra,
    }


@pytest.fixture
def staff(db):
    client = Client()
    client.force_login(personas.support("writer"))
    return client


def test_staff_enter_a_letter_from_someone_who_is_not_a_policyholder(staff, life, settings):
    page = staff.get(URL)
    assert page.status_code == 200 and "郵送で受け付けた請求書（スキャン）" in page.content.decode()
    arrived = today_in_tokyo() - datetime.timedelta(days=3)
    response = staff.post(URL, entry(received_on=arrived.isoformat(), company=life.pk))
    request = CustomerRequest.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/admin/desk/customerrequest/{request.pk}/change/"
    assert (request.route, request.requester, request.policyholder, request.name) == (
        "postal", "other", None, "三木 一郎")
    assert request.entered_by.username == "writer"
    assert request.due_date == arrived + datetime.timedelta(days=settings.REQUEST_DUE_DAYS)
    assert (request.fee_amount, request.fee_payment) == (1000, "postal_order")  # the demo fee by post
    assert request.identity_method == ""  # confirmed once staff record the check of its copies
    document = request.documents.get()
    assert (document.kind, document.content_type) == ("postal_form", "application/pdf")
    assert stored_files(settings) == [document.stored_name]
    assert not mail.outbox  # acknowledged by post
    # An ordinary request in the queue.
    queue = staff.get("/admin/desk/customerrequest/").content.decode()
    assert request.number in queue and "三木 一郎（郵送：ご契約者以外の方）" in queue
    detail = staff.get(response["Location"]).content.decode()
    assert "郵送（担当者が登録）" in detail and "1,000円（定額小為替）" in detail and "三木 一郎" in detail


def test_a_policyholder_who_wrote_and_an_agent_with_documents(staff, policyholder):
    response = staff.post(URL, entry(requester="self", customer_number=policyholder.customer_number,
                                     name=policyholder.name, kind="correction", delivery=""))
    assert response.status_code == 302
    assert CustomerRequest.objects.get().policyholder == policyholder
    response = staff.post(URL, entry(
        requester="agent", customer_number=policyholder.customer_number, idempotency_key="b" * 32,
        agent_name="楽天 太郎", agent_relationship="legal", agent_relation="親権者", agent_address="東京都",
        agent_phone="03-1234-5678",
        document_authority=SimpleUploadedFile("a.pdf", pdf_bytes(), content_type="application/pdf"),
        document_identity=SimpleUploadedFile("i.png", image_bytes(), content_type="image/png"),
    ))
    assert response.status_code == 302
    agent_request = CustomerRequest.objects.get(requester="agent")
    assert set(agent_request.documents.values_list("kind", flat=True)) == {"authority", "identity", "postal_form"}
    assert agent_request.agent_relation == "親権者"


def test_an_heir_is_answered_at_their_own_address(staff):
    deceased = PolicyholderFactory(email="deceased@example.com")
    staff.post(URL, entry(requester="heir", customer_number=deceased.customer_number, email="heir@example.com"))
    request = CustomerRequest.objects.get()
    assert (request.contact_name, request.contact_email) == ("三木 一郎", "heir@example.com")


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"scanned_form": ""}, "このフィールドは必須です"),
        ({"scanned_form": SimpleUploadedFile("x.pdf", b"<html>", content_type="application/pdf")}, "PDF、JPEG、PNG"),
        ({"requester": "self"}, "お客さま番号"),
        ({"customer_number": "C999999999"}, "このお客さま番号のご契約者はいません。"),
        ({"postal_address": ""}, "このフィールドは必須です"),
        ({"delivery": "electronic"}, "書面を選んでください"),
        ({"received_on": "2001-01-01"}, "到着日"),
        ({"agent_name": "楽天 太郎"}, "代理人"),
        ({"kind": "marketing_stop"}, "正しく選択してください"),
    ],
)
def test_bad_entries_are_refused_and_nothing_is_written(staff, settings, extra, message):
    response = staff.post(URL, entry(**extra))
    assert response.status_code == 400 and message in response.content.decode()
    assert not CustomerRequest.objects.exists() and not RequestDocument.objects.exists()
    assert stored_files(settings) == []


def test_only_staff_who_answer_requests_enter_them(life):
    editor = Client()
    editor.force_login(personas.editor())
    assert editor.get(URL).status_code == 403
    assert editor.post(URL, entry()).status_code == 403
    assert not CustomerRequest.objects.exists()


def test_a_repeated_entry_makes_one_request(staff):
    staff.post(URL, entry())
    staff.post(URL, entry())
    assert CustomerRequest.objects.count() == 1
