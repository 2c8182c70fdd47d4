"""In a real Chromium: a customer finds the procedure from the top page, makes a 開示 request and gets its
acknowledgment, staff answer each company's part and the answer in the admin (a draft, its preview, then the
send step) and the customer reads the answer, which lists every company, and downloads the data, whose report
reads on the same screen; the staff desk lists overdue requests first, and a refusal needs its reason and a
second person's approval. axe-core finds nothing on the customer pages at 375 and 1280 px."""

import datetime
import hashlib
import re
import zipfile
from pathlib import Path

import pytest
import time_machine
from django.core import mail
from django.utils import timezone
from django.utils.formats import date_format

from desk.models import CustomerRequest, Reply
from desk.services import request_submit
from disclosure.models import DisclosurePackage
from tests import personas
from tests.conftest import run_due_jobs

from .test_admin_workflow import log_in as staff_log_in
from .test_preference_center import log_in as customer_log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("width", [375, 1280])
def test_a_customer_asks_for_disclosure_and_reads_the_answer(
    live_server, hanako, page_at, assert_accessible, width, tmp_path
):
    def check(page):
        assert_accessible(page)
        assert page.evaluate("document.documentElement.scrollWidth") <= width, page.url

    personas.support("writer")
    page = page_at(width)
    # From the top page, one tap to the procedure: the fee and the documents to send are on it.
    page.goto(live_server.url + "/")
    page.get_by_role("main").get_by_role("link", name="保有個人データに関する事項・開示等のご請求").click()
    page.wait_for_url("**/privacy/")
    for heading in ("開示等のご請求の手続", "手数料とお支払方法", "本人確認書類（写し1点）"):
        assert page.get_by_role("heading", name=heading).is_visible()
    customer_log_in(page, live_server)
    page.get_by_role("link", name="ご請求・お問合せ").first.click()
    page.wait_for_url("**/my/requests/")
    check(page)
    page.get_by_role("link", name="新しく請求する").click()
    page.wait_for_url("**/my/requests/new/")
    check(page)
    # Sent without a kind: refused in Japanese, and the refusal page is accessible too.
    page.get_by_role("button", name="ご請求を送信する").click()
    assert "ご請求の種類を選んでください。" in page.content()
    check(page)
    page.get_by_label(re.compile("開示（第三者提供記録を含む")).check()
    page.get_by_label("電磁的記録（ダウンロード）").check()
    # The fee is shown before sending.
    assert "手数料" in page.locator("#fees-heading").inner_text()
    # A wrong 証券番号 and 生年月日: refused in Japanese, nothing stored.
    page.get_by_label("証券番号").fill("L-0001")
    page.get_by_label("生年月日").fill("1990-01-01")
    page.get_by_role("button", name="ご請求を送信する").click()
    assert "証券番号と生年月日が、当社の記録と一致しません。" in page.content()
    assert not CustomerRequest.objects.exists()
    check(page)
    page.get_by_label(re.compile("開示（第三者提供記録を含む")).check()
    page.get_by_label("電磁的記録（ダウンロード）").check()
    page.get_by_label("証券番号").fill("L-0001")
    page.get_by_label("生年月日").fill("1985-04-01")
    page.get_by_role("button", name="ご請求を送信する").click()
    page.wait_for_url("**/my/requests/R*/")
    check(page)
    request = CustomerRequest.objects.get()
    assert (request.kind, request.delivery) == ("disclosure", "electronic")
    assert request.number in page.locator(".announcement").inner_text()
    # The acknowledgment, and the package's "ready" email once a worker's pass has built it.
    (acknowledgment,) = [m for m in mail.outbox if request.number in m.subject and "受け付けました" in m.subject]
    assert acknowledgment.to == ["hanako@example.com"] and request.number in acknowledgment.subject
    assert "開示の方法：電磁的記録（ダウンロード）" in acknowledgment.body
    assert "ただいま回答を準備しております" in page.content()

    staff = page_at(1280)
    staff_log_in(staff, live_server.url, "writer")
    staff.goto(f"{live_server.url}/admin/desk/customerrequest/")
    staff.get_by_role("link", name=request.number).click()
    # Each joint user's own records: here, none held.
    companies = request.company_tasks.count()
    assert companies > 1
    for _ in range(companies):
        staff.get_by_label("この会社はお客さまの個人データを保有していません").first.check()
        staff.get_by_role("button", name="この会社の回答を記録する").first.click()
        assert "回答を記録しました" in staff.locator(".messagelist").inner_text()
    staff.get_by_label("お客さまへの回答").fill("保有個人データを開示します。第三者提供記録はありません。")
    staff.get_by_label("対応結果（完了にする場合）").select_option("done")
    staff.get_by_role("button", name="下書きを保存してプレビューする").click()
    # The preview: nothing sent yet; the email and the page as the customer will get them.
    assert "まだ送信していません" in staff.locator(".messagelist").inner_text()
    assert not [m for m in mail.outbox if "ご回答" in m.subject]
    assert "回答は次のページでご確認ください" in staff.locator(".desk-preview-email").inner_text()
    staff.get_by_role("button", name="この回答をお客さまに送信する").click()
    staff.wait_for_url("**/change/")
    assert "回答を確定しました。お客さまにはメールで送信します。" in staff.locator(".messagelist").inner_text()
    assert request.number in mail.outbox[-1].subject and "ご回答" in mail.outbox[-1].subject

    page.reload()
    answer = page.locator("article.answer")
    assert "保有個人データを開示します。" in answer.inner_text() and "対応済み" in answer.inner_text()
    assert "完了（対応済み）" in page.locator(".request-facts").inner_text()
    answers = page.get_by_role("region", name="各社が保有する記録についての回答").inner_text()
    for task in request.company_tasks.select_related("company"):
        assert task.company.legal_name in answers
    assert answers.count("お客さまの個人データは保有していません。") == companies
    check(page)
    # The data itself: the package the request asked for, downloaded from the request's own page.
    package = DisclosurePackage.objects.get(policyholder=hanako, request_number=request.number)
    with page.expect_download() as download_info:
        page.get_by_role("link", name=re.compile("ご用意した資料をダウンロード")).click()
    archive = Path(download_info.value.path())
    assert hashlib.sha256(archive.read_bytes()).hexdigest() == package.sha256
    assert package.downloads.count() == 1
    # The package says what it holds of provision to third parties (none: joint use is not provision), and its
    # report reads on this screen as the customer opens it from the ZIP.
    with zipfile.ZipFile(archive) as opened:
        names = opened.namelist()
        (provisions,) = [name for name in names if name.endswith("third_party_provisions.csv")]
        (report_name,) = [name for name in names if name.endswith("report.html")]
        report = tmp_path / "report.html"
        report.write_bytes(opened.read(report_name))
    reader = page_at(width)
    reader.goto(report.as_uri())
    assert "第三者に提供した記録はありません" in reader.locator("#third_party_provisions ~ p.statement").inner_text()
    assert reader.evaluate("document.documentElement.scrollWidth") <= width
    assert_accessible(reader)
    page.get_by_role("link", name="変更履歴").first.click()
    assert request.number in page.get_by_role("region", name="ご請求・お問合せ").inner_text()
    check(page)


@pytest.mark.parametrize("width", [375, 1280])
def test_the_inquiry_form_without_login(live_server, demo_content, page_at, assert_accessible, width):
    page = page_at(width)
    # The live server runs in this process: its clock is the one moved here.
    with time_machine.travel(timezone.now()) as clock:
        page.goto(f"{live_server.url}/contact/form/")
        assert_accessible(page)
        page.get_by_label("氏名").fill("山田 太郎")
        page.get_by_label("ご回答先のメールアドレス").fill("taro@example.net")
        page.get_by_label("会社").select_option(label="楽天生命保険株式会社")
        page.get_by_label("お問合せ内容").fill("DMの送付元について教えてください。")
        clock.shift(3.2)  # a person takes longer than the form's few seconds
        page.get_by_role("button", name="お問合せを送信する").click()
        assert page.get_by_role("heading", level=1).inner_text() == "お問合せを受け付けました"
        # A worker's pass on the moved clock: the acknowledgment is due from when it was queued, 3 s ahead of
        # real time.
        run_due_jobs()
        assert list.copy(mail.outbox)[-1].to == ["taro@example.net"]
    inquiry = CustomerRequest.objects.get()
    assert inquiry.number in page.get_by_role("status").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert_accessible(page)


def test_the_desk_lists_overdue_first_and_a_refusal_needs_a_reason_and_a_second_person(live_server, hanako, page_at):
    personas.support("writer")
    personas.support("checker")
    now = timezone.now()
    with time_machine.travel(now - datetime.timedelta(days=20), tick=False):
        overdue = request_submit(policyholder=hanako, kind="suspension", details="DMの送付をやめて消去してほしい",
                                 idempotency_key="old", policy_number="L-0001", birth_date=hanako.birth_date)
    with time_machine.travel(now - datetime.timedelta(days=2), tick=False):
        recent = request_submit(policyholder=hanako, kind="purpose", idempotency_key="new")

    writer = page_at(1280)
    staff_log_in(writer, live_server.url, "writer")
    writer.goto(f"{live_server.url}/admin/desk/customerrequest/")
    rows = writer.locator("#result_list tbody tr")
    assert overdue.number in rows.nth(0).inner_text() and "期限超過" in rows.nth(0).inner_text()
    assert date_format(overdue.due_date) in rows.nth(0).inner_text()  # 2026年11月30日
    assert recent.number in rows.nth(1).inner_text() and "期限超過" not in rows.nth(1).inner_text()
    assert date_format(recent.due_date) in rows.nth(1).inner_text()

    rows.nth(0).get_by_role("link", name=overdue.number).click()
    writer.wait_for_url("**/change/")
    assert "回答期限を過ぎています" in writer.locator(".errornote").inner_text()
    writer.get_by_label("お客さまへの回答").fill("ご請求の一部に応じます。")
    writer.get_by_label("対応結果（完了にする場合）").select_option("partial")
    writer.get_by_role("button", name="下書きを保存してプレビューする").click()
    assert "個人情報保護法第36条" in writer.locator(".messagelist").inner_text()
    assert not Reply.objects.exists()
    writer.get_by_label("お客さまに示す理由（個人情報保護法第36条）").fill("保険業法により契約記録の保存義務があるため")
    writer.get_by_role("button", name="下書きを保存してプレビューする").click()
    writer.wait_for_url("**/answer/*/")
    # The refusal carries the complaint route, in the email and on the page.
    assert "苦情の申出先" in writer.locator(".desk-preview-email").inner_text()
    writer.get_by_role("button", name="この回答を承認に回す（まだ送信されません）").click()
    writer.wait_for_url("**/change/")
    assert "承認待ち" in writer.locator(".messagelist").inner_text()
    reply = Reply.objects.get()
    assert reply.status == Reply.Status.AWAITING_APPROVAL
    sent_before = len(mail.outbox)
    assert writer.get_by_text("別の担当者が承認する必要があります").count() == 1
    writer.goto(f"{live_server.url}/admin/desk/customerrequest/{overdue.pk}/answer/{reply.pk}/")
    assert writer.get_by_role("button", name="この回答を承認してお客さまに送信する").count() == 0

    checker = page_at(1280)
    staff_log_in(checker, live_server.url, "checker")
    checker.goto(f"{live_server.url}/admin/desk/customerrequest/?deadline=approval")
    checker.get_by_role("link", name=overdue.number).click()
    checker.get_by_role("link", name="お客さまに届く内容で回答をプレビューし、承認して送信する").click()
    checker.get_by_role("button", name="この回答を承認してお客さまに送信する").click()
    checker.wait_for_url("**/change/")
    assert "回答を承認しました。お客さまにはメールで送信します。" in checker.locator(".messagelist").inner_text()
    reply.refresh_from_db()
    overdue.refresh_from_db()
    assert reply.status == Reply.Status.SENT and reply.approved_by.username == "checker"
    assert (overdue.status, overdue.outcome) == ("closed", "partial")
    assert len(mail.outbox) == sent_before + 1

    checker.goto(f"{live_server.url}/admin/desk/customerrequest/")
    rows = checker.locator("#result_list tbody tr")
    assert recent.number in rows.nth(0).inner_text()  # the closed one goes to the end


@pytest.mark.parametrize("width", [375, 1280])
def test_a_customer_stops_one_companys_direct_mail_after_seeing_the_change(live_server, hanako, page_at,
                                                                           assert_accessible, width):
    def check(page):
        assert_accessible(page)
        assert page.evaluate("document.documentElement.scrollWidth") <= width, page.url

    page = page_at(width)
    customer_log_in(page, live_server)
    page.goto(f"{live_server.url}/my/requests/new/")
    page.get_by_role("link", name="ご案内の停止").first.click()
    page.wait_for_url("**/my/requests/marketing-stop/")
    check(page)
    page.get_by_label("楽天損害保険株式会社").check()
    page.get_by_label("DM（ダイレクトメール）").check()
    page.get_by_role("button", name="変更内容を確認する").click()
    assert "楽天損保 ／ DM（ダイレクトメール）：受け取る → 受け取らない" in page.locator(".stop-changes").inner_text()
    assert not CustomerRequest.objects.exists()
    check(page)
    page.get_by_role("button", name="このご案内を停止する").click()
    page.wait_for_url("**/my/requests/R*/")
    check(page)
    request = CustomerRequest.objects.get()
    assert (request.kind, request.status) == ("marketing_stop", "closed")
