"""/my/requests/: the list, the new-request form and a request's page, for the logged-in customer only."""

import uuid

import pytest
from django.core import mail

from desk.models import CustomerRequest
from desk.services import note_add, reply_write, request_submit
from tests.factories import PolicyholderFactory

from .conftest import IDENTITY, IDENTITY_FORM, log_in

pytestmark = pytest.mark.django_db


def form(kind="purpose", **extra):
    return {"kind": kind, "idempotency_key": uuid.uuid4().hex, "details": "", **IDENTITY_FORM, **extra}


def test_the_pages_need_a_login(client):
    for path in ["/my/requests/", "/my/requests/new/", "/my/requests/R20270101-00000000/"]:
        response = client.get(path)
        assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_a_customer_makes_a_disclosure_request_on_paper(customer, policyholder):
    page = customer.get("/my/requests/new/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "開示（第三者提供記録を含む。個人情報保護法第33条）" in text and "書面（郵送）" in text
    response = customer.post("/my/requests/new/", form("disclosure", delivery="paper"))
    request = CustomerRequest.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/my/requests/{request.number}/"
    assert (request.kind, request.delivery, request.policyholder) == ("disclosure", "paper", policyholder)
    detail = customer.get(response["Location"]).content.decode()
    assert request.number in detail and "書面（郵送）" in detail and "受付済み" in detail
    assert "まだ回答していません" in detail
    assert request.number in mail.outbox[-1].subject
    listing = customer.get("/my/requests/").content.decode()
    assert request.number in listing
    history = customer.get("/my/history/").content.decode()
    assert request.number in history and "ご請求・お問合せ" in history


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (form("everything"), "ご請求の種類は一覧から選んでください。"),
        (form("inquiry"), "ご請求の種類は一覧から選んでください。"),
        (form("disclosure"), "開示の方法（電磁的記録または書面）を選んでください。"),
        (form("disclosure", delivery="fax"), "開示の方法（電磁的記録または書面）を選んでください。"),
        (form("correction"), "訂正・停止・消去を求める内容と理由をご記入ください。"),
        (form("purpose", details="あ" * 4001), "4000文字以内"),
        (form("purpose", company="999999"), "会社は一覧から選んでください。"),
        ({"kind": "purpose"}, "画面の有効期限が切れています"),
    ],
)
def test_bad_input_is_refused_in_japanese_and_nothing_is_stored(customer, data, message):
    response = customer.post("/my/requests/new/", data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not CustomerRequest.objects.exists() and not mail.outbox


def test_another_customers_request_number_is_not_found(customer, policyholder):
    other = PolicyholderFactory()
    theirs = request_submit(policyholder=other, kind="purpose", idempotency_key="k")
    response = customer.get(f"/my/requests/{theirs.number}/")
    assert response.status_code == 404
    assert "ページが見つかりません" in response.content.decode()
    assert theirs.number not in customer.get("/my/requests/").content.decode()


def test_the_customer_sees_sent_answers_and_never_notes_or_unapproved_refusals(customer, policyholder):
    from tests import personas

    writer, checker = personas.support("writer"), personas.support("checker")
    request = request_submit(policyholder=policyholder, kind="suspension", details="DM停止", idempotency_key="k",
                             **IDENTITY)
    reply_write(request=request, author=writer, body="確認中です。しばらくお待ちください。")
    note_add(request=request, author=writer, body="内部：本人確認済み")
    reply_write(request=request, author=writer, body="一部対応します。", outcome="partial", reason="法令上の保存義務")
    page = customer.get(request.get_absolute_url()).content.decode()
    assert "確認中です。" in page
    assert "内部：本人確認済み" not in page and "一部対応します。" not in page and "法令上の保存義務" not in page

    from desk.services import reply_approve

    reply_approve(reply=request.replies.get(outcome="partial"), approver=checker)
    page = customer.get(request.get_absolute_url()).content.decode()
    assert "一部対応します。" in page and "法令上の保存義務" in page and "個人情報保護法第36条" in page
    assert "完了（一部対応）" in page and "内部：本人確認済み" not in page


def test_a_request_page_other_methods_are_refused(customer, policyholder):
    request = request_submit(policyholder=policyholder, kind="purpose", idempotency_key="k")
    assert customer.post(request.get_absolute_url()).status_code == 405
    assert customer.delete("/my/requests/new/").status_code == 405


def test_a_customer_who_sends_too_many_requests_is_told_to_wait(customer):
    for _ in range(10):
        assert customer.post("/my/requests/new/", form()).status_code == 302
    response = customer.post("/my/requests/new/", form())
    assert response.status_code == 429 and "1時間" in response.content.decode()
    assert CustomerRequest.objects.count() == 10


def test_the_my_pages_link_to_the_requests(customer):
    assert 'href="/my/requests/"' in customer.get("/my/").content.decode()


def test_a_logged_in_customer_opens_the_list(client, policyholder):
    assert log_in(client, policyholder).get("/my/requests/").status_code == 200


def test_the_form_states_its_purpose_beside_the_submit_button_and_links_the_published_items(customer):
    page = customer.get("/my/requests/new/").content.decode()
    purpose = "このご請求への対応（ご本人または代理人の確認、回答、ご請求と回答の記録）のためにのみ利用します。"
    agent_purpose = "代理人ご本人と代理権の確認、およびこのご請求に関するご連絡のためにのみ利用します。"
    assert purpose in page and agent_purpose in page
    # Beside the submit button: the purpose comes after every field and right before the button.
    form = page[page.index('class="desk-form"'):]
    assert form.index(agent_purpose) < form.index(purpose) < form.index('type="submit"')
    assert form.index('name="document_seal_certificate"') < form.index(agent_purpose)
    assert page.count('href="/privacy/"') >= 2


def test_the_form_explains_each_kind_and_points_to_the_quicker_ways(customer):
    page = customer.get("/my/requests/new/").content.decode()
    for kind, words in [
        ("purpose", "何のために利用しているかをお知らせします"),
        ("disclosure", "第三者提供記録を、ダウンロードまたは書面でお示しします"),
        ("correction", "訂正・追加・削除します"),
        ("suspension", "ご案内だけを止めたい場合は、下の「ご案内の停止」をご利用ください"),
        ("third_party_stop", "グループ会社間の共同利用は、第三者提供にあたりません"),
    ]:
        choice = page.index(f'value="{kind}"')
        assert page.index(words) > choice, kind
    assert "原則として14日以内に回答いたします。" in page
    assert 'href="/my/requests/marketing-stop/"' in page and 'href="/my/preferences/"' in page
    assert 'value="marketing_stop"' not in page
