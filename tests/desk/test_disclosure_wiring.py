"""開示 by 電磁的記録: the disclosure package is requested with the request, under its number; the request's
page links to the download once it is ready; the package holds the customer's requests and the answers
sent to them, never staff's notes or an answer not sent."""

import uuid
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from desk.agents import Agent
from desk.models import CustomerRequest
from desk.services import note_add, reply_write, request_disclosure_package, request_submit
from disclosure.build import package_path
from disclosure.models import DisclosurePackage
from tests import personas
from tests.conftest import run_due_jobs

from .conftest import IDENTITY, IDENTITY_FORM

pytestmark = pytest.mark.django_db


def test_an_electronic_disclosure_request_gets_its_package_and_a_link_to_it(customer, policyholder):
    response = customer.post("/my/requests/new/", {"kind": "disclosure", "delivery": "electronic",
                                                  "idempotency_key": uuid.uuid4().hex, **IDENTITY_FORM})
    assert response.status_code == 302
    request = CustomerRequest.objects.get()
    package = DisclosurePackage.objects.get()
    assert (package.policyholder, package.request_number, package.status) == (policyholder, request.number, "queued")
    run_due_jobs()  # a worker's pass builds it
    package.refresh_from_db()
    assert package.status == "ready"
    page = customer.get(request.get_absolute_url()).content.decode()
    assert f"/my/disclosures/{package.pk}/download/" in page and "開示資料" in page
    download = customer.get(f"/my/disclosures/{package.pk}/download/")
    assert download.status_code == 200


def test_on_paper_no_package_is_made(policyholder):
    request_submit(policyholder=policyholder, kind="disclosure", delivery="paper", idempotency_key="a", **IDENTITY)
    assert not DisclosurePackage.objects.exists()


def test_an_agents_request_waits_for_staff_to_check_the_documents(policyholder):
    from .test_agent_documents import image_bytes, pdf_bytes

    request = request_submit(
        policyholder=policyholder, kind="disclosure", delivery="electronic", idempotency_key="a",
        agent=Agent(name="楽天 太郎", role="legal", relation="長男", address="東京都世田谷区玉川一丁目14番1号",
                    phone="03-1234-5678"), **IDENTITY,
        documents={"authority": (pdf_bytes(), "application/pdf"), "identity": (image_bytes(), "image/png")},
    )
    assert not DisclosurePackage.objects.exists()
    writer = personas.support("writer")
    staff = Client()
    staff.force_login(writer)
    url = f"/admin/desk/customerrequest/{request.pk}/change/"
    assert "開示資料を作成する" in staff.get(url).content.decode()
    assert staff.post(url, {"_desk_action": "package"}).status_code == 302
    package = DisclosurePackage.objects.get()
    assert (package.requested_by, package.request_number) == (writer, request.number)
    # Once prepared, not again while it can be downloaded.
    response = staff.post(url, {"_desk_action": "package"})
    assert response.status_code == 400 and DisclosurePackage.objects.count() == 1
    with pytest.raises(ValidationError):
        request_disclosure_package(request=request, actor=writer)


def test_only_an_open_electronic_disclosure_gets_a_package(policyholder):
    writer = personas.support("writer")
    purpose = request_submit(policyholder=policyholder, kind="purpose", idempotency_key="p")
    with pytest.raises(ValidationError):
        request_disclosure_package(request=purpose, actor=writer)
    assert not DisclosurePackage.objects.exists()


def test_the_package_holds_the_requests_and_the_answers_sent_never_notes_or_unsent_answers(policyholder):
    writer = personas.support("writer")
    purpose = request_submit(policyholder=policyholder, kind="purpose", idempotency_key="p")
    reply_write(request=purpose, author=writer, body="利用目的は次のとおりです。", outcome="done")
    note_add(request=purpose, author=writer, body="内部メモ：本人確認済み")
    suspension = request_submit(policyholder=policyholder, kind="suspension", details="消去してほしい",
                                idempotency_key="s", **IDENTITY)
    reply_write(request=suspension, author=writer, body="未承認の回答", outcome="declined", reason="未承認の理由")
    request = request_submit(policyholder=policyholder, kind="disclosure", delivery="electronic",
                             idempotency_key="d", **IDENTITY)
    run_due_jobs()  # a worker's pass builds the package
    package = DisclosurePackage.objects.get(request_number=request.number)
    with zipfile.ZipFile(package_path(package.file_name)) as archive:
        names = archive.namelist()
        texts = {n: archive.read(n).decode("utf-8-sig") for n in names if not n.endswith(".pdf")}
    requests_csv = next(text for name, text in texts.items() if name.endswith("requests.csv"))
    answers_csv = next(text for name, text in texts.items() if name.endswith("request_answers.csv"))
    assert purpose.number in requests_csv and suspension.number in requests_csv and request.number in requests_csv
    assert "利用目的の通知（個人情報保護法第32条）" in requests_csv
    assert "利用目的は次のとおりです。" in answers_csv
    everything = " ".join(texts.values())
    assert "内部メモ" not in everything and "未承認" not in everything
