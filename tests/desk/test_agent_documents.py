"""Requests by an agent (代理人): two documents, PDF, JPEG or PNG up to 10 MB, the type read from the bytes;
kept outside every URL, shown to staff only through the admin, deleted some days after the request closed."""

import datetime
import io
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from PIL import Image
from pypdf import PdfWriter

from desk.documents import MAX_BYTES, documents_delete_expired
from desk.models import CustomerRequest, RequestDocument
from desk.services import reply_write
from tests import personas

from .conftest import AGENT_CONTACT, IDENTITY_FORM

pytestmark = pytest.mark.django_db


def pdf_bytes() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def image_bytes(fmt="PNG") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), "white").save(out, format=fmt)
    return out.getvalue()


def upload(name, data, content_type="application/pdf"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def agent_form(authority=None, identity=None, **extra):
    return {
        "kind": "disclosure", "delivery": "paper", "idempotency_key": uuid.uuid4().hex,
        "agent_name": "楽天 太郎", "agent_relationship": "legal", **AGENT_CONTACT, **IDENTITY_FORM,
        "document_authority": authority or upload("委任状.pdf", pdf_bytes()),
        "document_identity": identity or upload("免許証.jpg", image_bytes("JPEG"), "image/jpeg"),
        **extra,
    }


def stored_files(settings):
    folder = settings.REQUEST_DOCUMENT_DIR
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def test_an_agent_sends_both_documents(customer, settings):
    response = customer.post("/my/requests/new/", agent_form())
    assert response.status_code == 302
    request = CustomerRequest.objects.get()
    assert (request.agent_name, request.agent_relationship) == ("楽天 太郎", "legal")
    documents = {d.kind: d for d in request.documents.all()}
    assert documents["authority"].content_type == "application/pdf"
    assert documents["identity"].content_type == "image/jpeg"
    assert stored_files(settings) == sorted(d.stored_name for d in documents.values())
    # Outside static and media: the directory is not under STATIC_ROOT and no URL serves it.
    assert not str(settings.REQUEST_DOCUMENT_DIR).startswith(str(settings.STATIC_ROOT))
    name = documents["authority"].stored_name
    assert Client().get(f"/var/request-documents/{name}").status_code == 404
    assert Client().get(f"/static/{name}").status_code == 404
    page = customer.get(request.get_absolute_url()).content.decode()
    assert "楽天 太郎" in page and "2" in page


def test_the_type_comes_from_the_bytes_not_the_name(customer):
    png_named_pdf = upload("scan.pdf", image_bytes("PNG"), "application/pdf")
    assert customer.post("/my/requests/new/", agent_form(authority=png_named_pdf)).status_code == 302
    assert RequestDocument.objects.get(kind="authority").content_type == "image/png"


@pytest.mark.parametrize(
    ("authority", "message"),
    [
        (upload("委任状.pdf", b"<html><script>alert(1)</script></html>"), "PDF、JPEG、PNG"),
        (upload("委任状.pdf", b"%PDF-1.7\nnot really a pdf"), "PDF、JPEG、PNG"),
        (upload("photo.png", image_bytes("GIF"), "image/png"), "PDF、JPEG、PNG"),
        (upload("photo.png", image_bytes("PNG")[:40], "image/png"), "PDF、JPEG、PNG"),
        (upload("big.pdf", b"%PDF-" + b"0" * MAX_BYTES), "10 MB"),
        (upload("empty.pdf", b""), "ファイル"),
    ],
)
def test_disguised_broken_or_oversized_files_are_refused_and_nothing_is_stored(customer, settings, authority,
                                                                                message):
    response = customer.post("/my/requests/new/", agent_form(authority=authority))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not CustomerRequest.objects.exists() and not RequestDocument.objects.exists()
    assert stored_files(settings) == []


def test_an_agent_without_both_documents_or_a_role_is_refused(customer, settings):
    data = agent_form()
    del data["document_identity"]
    response = customer.post("/my/requests/new/", data)
    assert response.status_code == 400 and "この書類が必要です" in response.content.decode()
    response = customer.post("/my/requests/new/", agent_form(agent_relationship="neighbour"))
    assert response.status_code == 400
    response = customer.post("/my/requests/new/", agent_form(agent_name=""))
    assert response.status_code == 400 and "代理人のお名前" in response.content.decode()
    assert not CustomerRequest.objects.exists() and stored_files(settings) == []


def test_staff_see_the_documents_only_through_the_admin(customer):
    customer.post("/my/requests/new/", agent_form())
    request = CustomerRequest.objects.get()
    document = request.documents.get(kind="authority")
    url = f"/admin/desk/customerrequest/{request.pk}/documents/{document.pk}/"
    support = Client()
    support.force_login(personas.support("writer"))
    page = support.get(f"/admin/desk/customerrequest/{request.pk}/change/").content.decode()
    assert url in page
    response = support.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    assert "no-store" in response["Cache-Control"] and "attachment" in response["Content-Disposition"]
    assert support.get(f"/admin/desk/customerrequest/{request.pk + 1}/documents/{document.pk}/").status_code == 404

    editor = Client()
    editor.force_login(personas.editor())
    assert editor.get(url).status_code == 403
    assert Client().get(url).status_code == 302  # to the admin login
    assert customer.get(url).status_code == 302


def test_documents_are_deleted_some_days_after_the_request_closed(customer, settings):
    settings.REQUEST_DOCUMENT_RETENTION_DAYS = 30
    customer.post("/my/requests/new/", agent_form())
    customer.post("/my/requests/new/", agent_form())
    closed, still_open = CustomerRequest.objects.order_by("id")
    reply_write(request=closed, author=personas.support("writer"), body="開示します。", outcome="done")
    closed.refresh_from_db()
    assert len(stored_files(settings)) == 4

    assert documents_delete_expired(now=closed.closed_at + datetime.timedelta(days=29)) == 0
    assert documents_delete_expired(now=closed.closed_at + datetime.timedelta(days=30, seconds=1)) == 2
    assert sorted(stored_files(settings)) == sorted(still_open.documents.values_list("stored_name", flat=True))
    assert all(d.deleted_at for d in closed.documents.all())
    assert not any(d.deleted_at for d in still_open.documents.all())
    assert documents_delete_expired(now=timezone.now() + datetime.timedelta(days=400)) == 0  # open: kept


def test_the_clean_up_is_a_periodic_task(settings):
    assert settings.PERIODIC_TASKS["request-documents-delete"][0] == "desk.tasks.request_documents_delete"
    from desk.tasks import request_documents_delete

    assert request_documents_delete.call() == 0


def test_the_agent_gives_their_own_relation_and_contact(customer):
    assert customer.post("/my/requests/new/", agent_form(agent_postal_code="1580094")).status_code == 302
    request = CustomerRequest.objects.get()
    assert (request.agent_relation, request.agent_postal_code, request.agent_address, request.agent_phone,
            request.agent_email) == ("長男", "158-0094", "東京都世田谷区玉川一丁目14番1号", "03-1234-5678",
                                     "taro@example.com")
    page = customer.get(request.get_absolute_url()).content.decode()
    assert "長男" in page and "03-1234-5678" in page
    staff = Client()
    staff.force_login(personas.support("writer"))
    admin_page = staff.get(f"/admin/desk/customerrequest/{request.pk}/change/").content.decode()
    assert "代理人とご本人の関係" in admin_page and "taro@example.com" in admin_page


@pytest.mark.parametrize("missing", ["agent_relation", "agent_address", "agent_phone"])
def test_an_agent_without_relation_address_or_phone_is_refused(customer, settings, missing):
    response = customer.post("/my/requests/new/", agent_form(**{missing: ""}))
    assert response.status_code == 400 and "代理人によるご請求では、この項目が必要です。" in response.content.decode()
    assert not CustomerRequest.objects.exists() and stored_files(settings) == []


def delegated(**extra):
    return agent_form(agent_relationship="delegated",
                      document_seal_certificate=upload("印鑑証明書.pdf", pdf_bytes()), **extra)


def test_an_appointed_agent_sends_a_seal_certificate_issued_within_three_months(customer, settings):
    today = timezone.localdate()
    issued = today - datetime.timedelta(days=80)
    response = customer.post("/my/requests/new/", delegated(seal_issued_on=issued.isoformat()))
    assert response.status_code == 302
    certificate = RequestDocument.objects.get(kind="seal_certificate")
    assert certificate.issued_on == issued
    assert set(certificate.request.documents.values_list("kind", flat=True)) == {
        "authority", "identity", "seal_certificate"
    }


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"document_seal_certificate": None}, "この書類が必要です"),
        ({"seal_issued_on": ""}, "証明書の発行日を入力してください。"),
        ({"seal_issued_on": "OLD"}, "発行から3か月以内"),
        ({"seal_issued_on": "FUTURE"}, "発行から3か月以内"),
    ],
)
def test_an_appointed_agent_without_a_recent_seal_certificate_is_refused(customer, settings, extra, message):
    today = timezone.localdate()
    dates = {"OLD": (today - datetime.timedelta(days=100)).isoformat(),
             "FUTURE": (today + datetime.timedelta(days=1)).isoformat()}
    data = delegated(seal_issued_on=today.isoformat())
    for key, value in extra.items():
        if value is None:
            del data[key]
        else:
            data[key] = dates.get(value, value)
    response = customer.post("/my/requests/new/", data)
    assert response.status_code == 400 and message in response.content.decode()
    assert not CustomerRequest.objects.exists() and stored_files(settings) == []


def test_three_months_are_calendar_months():
    from desk.agents import months_before

    assert months_before(datetime.date(2027, 5, 31), 3) == datetime.date(2027, 2, 28)
    assert months_before(datetime.date(2027, 1, 14), 3) == datetime.date(2026, 10, 14)
