"""A 開示 answers for each joint-user company's own records: one task per company, opened with the request,
answered by staff with that company's files or 「保有していません」; the closing answer waits for every company,
and the customer's page lists each with what it said (files downloadable by that customer only)."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from desk.company_records import company_files_delete_expired, company_task_answer
from desk.models import CompanyTask
from desk.services import reply_send, reply_write, request_submit
from notices.selectors import joint_users_in_force
from tests.factories import PolicyholderFactory

from .conftest import IDENTITY, log_in
from .test_agent_documents import pdf_bytes

pytestmark = pytest.mark.django_db


def disclosure(policyholder, delivery="electronic", **extra):
    return request_submit(policyholder=policyholder, kind="disclosure", delivery=delivery,
                          idempotency_key=f"d-{delivery}-{extra.get('company', '')}", **IDENTITY, **extra)


def test_a_disclosure_opens_one_task_per_joint_user_and_the_answer_lists_each(
    client, customer, policyholder, life, writer
):
    request = disclosure(policyholder)
    companies = list(joint_users_in_force().order_by("display_order", "id"))
    assert len(companies) > 1
    assert [task.company for task in request.company_tasks.all()] == companies
    draft = reply_write(request=request, author=writer, body="開示いたします。", outcome="done")
    with pytest.raises(ValidationError, match="すべての会社の回答"):
        reply_send(reply=draft, actor=writer)

    staff = Client()
    staff.force_login(writer)
    page = staff.get(f"/admin/desk/customerrequest/{request.pk}/change/").content.decode()
    assert "各社の保有記録（開示）" in page and all(company.legal_name in page for company in companies)
    life_task = request.company_tasks.get(company=life)
    response = staff.post(f"/admin/desk/customerrequest/{request.pk}/step/company/", {
        "company-task": life_task.pk,
        "company-files": [SimpleUploadedFile("契約記録.pdf", pdf_bytes(), content_type="application/pdf")],
    })
    assert response.status_code == 302
    life_task.refresh_from_db()
    assert life_task.status == CompanyTask.Status.ATTACHED and life_task.files.count() == 1
    for task in request.company_tasks.exclude(pk=life_task.pk):
        company_task_answer(task=task, actor=writer, not_held=True)
    reply_send(reply=draft, actor=writer)

    page = customer.get(request.get_absolute_url()).content.decode()
    assert "各社が保有する記録についての回答" in page
    assert all(company.legal_name in page for company in companies)
    assert page.count("お客さまの個人データは保有していません。") == len(companies) - 1
    record = life_task.files.get()
    url = f"/my/requests/{request.number}/records/{record.pk}/"
    assert url in page
    response = customer.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"%PDF-")
    assert "no-cache" in response["Cache-Control"] or "no-store" in response["Cache-Control"]
    # Another customer: not found. Staff: through the admin only.
    other = log_in(Client(), PolicyholderFactory())
    assert other.get(url).status_code == 404
    assert staff.get(f"/admin/desk/customerrequest/{request.pk}/records/{record.pk}/").status_code == 200

    # After the download period, the file is deleted and the page says the period is over.
    later = timezone.now() + datetime.timedelta(days=31)
    assert company_files_delete_expired(now=later) == 1
    response = customer.get(url)
    assert response.status_code == 410 and "ダウンロード期間は終了" in response.content.decode()


def test_a_disclosure_for_one_company_opens_its_task_only(policyholder, life):
    request = disclosure(policyholder, company=life)
    assert [task.company for task in request.company_tasks.all()] == [life]


def test_other_requests_open_no_tasks(policyholder):
    request = request_submit(policyholder=policyholder, kind="purpose", idempotency_key="p")
    assert not request.company_tasks.exists()


def test_a_company_is_answered_once_with_files_or_none_not_both(policyholder, life, writer):
    request = disclosure(policyholder, company=life)
    task = request.company_tasks.get()
    with pytest.raises(ValidationError):
        company_task_answer(task=task, actor=writer)
    with pytest.raises(ValidationError):
        company_task_answer(task=task, actor=writer, not_held=True, files=[(pdf_bytes(), "application/pdf")])
    company_task_answer(task=task, actor=writer, not_held=True)
    with pytest.raises(ValidationError, match="すでに"):
        company_task_answer(task=task, actor=writer, files=[(pdf_bytes(), "application/pdf")])
    task.refresh_from_db()
    assert task.status == CompanyTask.Status.NOT_HELD and not task.files.exists()


def test_a_file_that_is_not_a_pdf_or_image_is_refused_with_a_400(policyholder, life, writer, settings):
    request = disclosure(policyholder, company=life)
    task = request.company_tasks.get()
    staff = Client()
    staff.force_login(writer)
    response = staff.post(f"/admin/desk/customerrequest/{request.pk}/step/company/", {
        "company-task": task.pk,
        "company-files": [SimpleUploadedFile("a.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")],
    })
    assert response.status_code == 400 and "PDF" in response.content.decode()
    task.refresh_from_db()
    assert task.status == CompanyTask.Status.OPEN
    folder = settings.REQUEST_DOCUMENT_DIR
    assert not folder.exists() or not any(folder.iterdir())


def test_by_post_the_page_says_the_records_were_posted(customer, policyholder, life, writer):
    request = disclosure(policyholder, delivery="paper", company=life)
    company_task_answer(task=request.company_tasks.get(), actor=writer, files=[(pdf_bytes(), "application/pdf")])
    reply_send(reply=reply_write(request=request, author=writer, body="書面でお送りしました。", outcome="done"),
               actor=writer)
    page = customer.get(request.get_absolute_url()).content.decode()
    assert "書面にて郵送いたしました。" in page and "/records/" not in page


def test_the_hourly_sweep_keeps_a_companys_record_files(policyholder, life, writer, settings):
    """The files staff attach for a company live beside the agents' documents: the sweep of files no row names
    must not take them for orphans."""
    import os
    import time

    from desk.documents import documents_sweep_orphans

    request = disclosure(policyholder, company=life)
    company_task_answer(task=request.company_tasks.get(), actor=writer, files=[(pdf_bytes(), "application/pdf")])
    (record,) = request.company_tasks.get().files.all()
    path = settings.REQUEST_DOCUMENT_DIR / record.stored_name
    os.utime(path, (time.time() - 7200, time.time() - 7200))
    assert documents_sweep_orphans() == 0
    assert path.exists()
