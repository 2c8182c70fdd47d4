"""Staff's identity check of a request made by an agent: each document checked is recorded (kind, issue date,
what was blacked out) before an answer that does what was asked can be sent; a certificate older than
REQUEST_SEAL_CERTIFICATE_MONTHS before the request, or a health insurance card not blacked out, is refused."""

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.test import Client

from desk.agents import Agent
from desk.fee_receipts import fee_receipt_record
from desk.identity_checks import identity_check_record, missing
from desk.models import IdentityCheck, Reply
from desk.services import reply_send, reply_write, request_submit

from .test_agent_documents import image_bytes, pdf_bytes

pytestmark = pytest.mark.django_db

RECEIVED = datetime.datetime(2027, 5, 31, 1, tzinfo=datetime.UTC)  # 31 May 2027 in Tokyo


def agent_request(policyholder, role="delegated"):
    documents = {"authority": (pdf_bytes(), "application/pdf"), "identity": (image_bytes(), "image/png")}
    extra = {}
    if role == "delegated":
        documents["seal_certificate"] = (pdf_bytes(), "application/pdf")
        extra["seal_issued_on"] = datetime.date(2027, 5, 1)
    with time_machine.travel(RECEIVED, tick=False):
        return request_submit(
            policyholder=policyholder, kind="purpose", idempotency_key=role, documents=documents,
            agent=Agent(name="楽天 太郎", role=role, relation="長男", address="東京都世田谷区玉川一丁目14番1号",
                        phone="03-1234-5678"),
            **extra,
        )


def test_an_agents_request_is_answered_only_after_the_recorded_check(policyholder, writer):
    request = agent_request(policyholder)
    draft = reply_write(request=request, author=writer, body="利用目的は次のとおりです。", outcome="done")
    with pytest.raises(ValidationError, match="本人確認を記録してください"):
        reply_send(reply=draft, actor=writer)
    assert missing(request) == ["本人確認書類（代理人によるご請求では代理人のもの）", "委任状", "印鑑登録証明書"]

    with time_machine.travel(RECEIVED + datetime.timedelta(days=3), tick=False):
        identity_check_record(request=request, actor=writer, document="health_insurance",
                              blacked_out="保険者番号・記号・番号・QRコード")
        identity_check_record(request=request, actor=writer, document="power_of_attorney")
        # Issued on 28 February, the earliest day that counts for a request of 31 May.
        identity_check_record(request=request, actor=writer, document="seal_certificate",
                              issued_on=datetime.date(2027, 2, 28))
    assert missing(request) == []
    reply_send(reply=draft, actor=writer)
    draft.refresh_from_db()
    assert draft.status == Reply.Status.SENT
    check = IdentityCheck.objects.get(document="seal_certificate")
    assert (check.checked_by, check.issued_on) == (writer, datetime.date(2027, 2, 28))


def test_a_legal_agent_shows_the_family_register_or_the_guardianship(policyholder, writer):
    request = agent_request(policyholder, role="legal")
    with time_machine.travel(RECEIVED, tick=False):
        identity_check_record(request=request, actor=writer, document="driving_licence")
        assert len(missing(request)) == 1
        identity_check_record(request=request, actor=writer, document="guardianship",
                              issued_on=datetime.date(2027, 5, 1))
    assert missing(request) == []


@pytest.mark.parametrize(("fields", "message"), [
    ({"document": "seal_certificate", "issued_on": datetime.date(2027, 2, 27)}, "3か月以内"),
    ({"document": "seal_certificate"}, "発行日を入力"),
    ({"document": "family_register", "issued_on": datetime.date(2030, 1, 1)}, "未来の日付"),
    ({"document": "health_insurance"}, "マスキング"),
    ({"document": "selfie"}, "一覧から選んで"),
])
def test_a_check_that_does_not_count_is_refused_and_nothing_recorded(policyholder, writer, fields, message):
    request = agent_request(policyholder)
    with time_machine.travel(RECEIVED + datetime.timedelta(days=3), tick=False), pytest.raises(
        ValidationError, match=message
    ):
        identity_check_record(request=request, actor=writer, **fields)
    assert not IdentityCheck.objects.exists()


def test_the_admin_records_a_check_and_refuses_an_old_certificate_with_a_400(policyholder, writer):
    request = agent_request(policyholder)
    url = f"/admin/desk/customerrequest/{request.pk}/step/identity/"
    with time_machine.travel(RECEIVED + datetime.timedelta(days=3), tick=False):
        client = Client()
        client.force_login(writer)
        page = client.get(f"/admin/desk/customerrequest/{request.pk}/change/").content.decode()
        assert "本人確認（代理人によるご請求）" in page and "委任状" in page
        response = client.post(url, {"identity-document": "seal_certificate", "identity-issued_on": "2026-12-01"})
        assert response.status_code == 400 and "新しいものをご提出いただく" in response.content.decode()
        assert not IdentityCheck.objects.exists()
        response = client.post(url, {"identity-document": "my_number_card", "identity-blacked_out": "なし（表面のみ）"})
    assert response.status_code == 302
    assert IdentityCheck.objects.get().blacked_out == "なし（表面のみ）"


def test_a_customers_own_request_needs_no_recorded_check(policyholder, writer):
    request = request_submit(policyholder=policyholder, kind="purpose", idempotency_key="own")
    assert missing(request) == []
    with pytest.raises(ValidationError):
        identity_check_record(request=request, actor=writer, document="passport")
    reply_send(reply=reply_write(request=request, author=writer, body="お答えします。", outcome="done"), actor=writer)


def test_a_customer_cannot_record_a_check(customer, policyholder):
    request = agent_request(policyholder)
    response = customer.post(f"/admin/desk/customerrequest/{request.pk}/step/identity/",
                             {"identity-document": "passport"})
    assert response.status_code == 403 and not IdentityCheck.objects.exists()


def test_a_postal_request_is_answered_only_after_staff_record_its_identity_documents(policyholder, writer):
    from desk.postal import Writer, postal_request_enter

    request = postal_request_enter(
        actor=writer, idempotency_key="p", kind="purpose", requester="self", received_on=datetime.date.today(),
        writer=Writer(name="楽天 花子", postal_code="158-0094", postal_address="東京都世田谷区玉川一丁目14番1号"),
        scanned_form=(pdf_bytes(), "application/pdf"), policyholder=policyholder,
    )
    assert missing(request) == ["本人確認書類（代理人によるご請求では代理人のもの）"]
    draft = reply_write(request=request, author=writer, body="利用目的は次のとおりです。", outcome="done")
    with pytest.raises(ValidationError, match="本人確認を記録してください"):
        reply_send(reply=draft, actor=writer)
    identity_check_record(request=request, actor=writer, document="my_number_card", blacked_out="なし（表面のみ）")
    # By post, this group company charges a fee: received too.
    assert request.fee_amount > 0
    with pytest.raises(ValidationError, match="手数料の受領を記録"):
        reply_send(reply=draft, actor=writer)
    fee_receipt_record(request=request, actor=writer, amount=request.fee_amount, method=request.fee_payment,
                       received_on=datetime.date.today())
    reply_send(reply=draft, actor=writer)
    draft.refresh_from_db()
    assert draft.status == Reply.Status.SENT


def test_an_heirs_request_needs_the_family_register(policyholder, writer):
    from desk.postal import Writer, postal_request_enter

    request = postal_request_enter(
        actor=writer, idempotency_key="h", kind="purpose", requester="heir", received_on=datetime.date.today(),
        writer=Writer(name="楽天 一郎", postal_code="158-0094", postal_address="東京都世田谷区玉川一丁目14番1号"),
        scanned_form=(pdf_bytes(), "application/pdf"), policyholder=policyholder,
    )
    identity_check_record(request=request, actor=writer, document="driving_licence")
    assert missing(request) == ["相続を確認する書類（戸籍謄本）"]
    identity_check_record(request=request, actor=writer, document="family_register", issued_on=datetime.date.today())
    assert missing(request) == []


def test_a_postal_disclosure_is_recorded_as_confirmed_only_once_staff_checked_its_copies(policyholder, writer):
    """What the request says of the customer's identity is evidence: not confirmed when it was typed in."""
    from desk.postal import Writer, postal_request_enter

    request = postal_request_enter(
        actor=writer, idempotency_key="d", kind="disclosure", delivery="paper", requester="self",
        received_on=datetime.date.today(),
        writer=Writer(name="楽天 花子", postal_code="158-0094", postal_address="東京都世田谷区玉川一丁目14番1号"),
        scanned_form=(pdf_bytes(), "application/pdf"), policyholder=policyholder,
    )
    assert (request.identity_method, request.identity_checked_at) == ("", None)
    check = identity_check_record(request=request, actor=writer, document="my_number_card", blacked_out="なし")
    request.refresh_from_db()
    assert request.identity_method == "postal_documents" and request.identity_checked_at == check.checked_at
