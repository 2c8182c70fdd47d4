"""An answer to a consent question leaves a trace for the customer: a record number, a confirmation email, a
line on 変更履歴, the answer in place of the question on /my/, and a page to change it (consent_answer_record)."""

import re

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command

from consents.models import NoticeRecord
from consents.services import consent_answer_record
from outbox.models import OutgoingEmail
from tests import personas
from tests.consents.conftest import log_in
from tests.reconsent import consent_version, customer_since, days, new_company

NUMBER = re.compile(r"\d{8}-[0-9A-F]{8}")


@pytest.fixture
def joiner(demo_content):
    return new_company(legal_name="楽天カード株式会社", short_name="楽天カード")


@pytest.fixture
def version(joiner):
    return consent_version(effective_date=days(40), add=[joiner])


@pytest.fixture
def holder(version):
    return customer_since(days(-400), name="楽天 花子", email="hanako@example.com")


def test_an_answer_is_confirmed_by_email_with_its_record_number(holder, version):
    result = consent_answer_record(policyholder=holder, version_id=version.pk, consent=False)
    record = result.record
    assert result.changed and result.previous is None and NUMBER.fullmatch(record.number)
    assert record.email.kind == "consent_answer"
    [message] = mail.outbox
    assert message.to == ["hanako@example.com"]
    assert message.subject == (
        f"【楽天インシュアランスグループ】同意のお願いへのご回答を承りました（記録番号 {record.number}）"
    )
    assert f"記録番号：{record.number}" in message.body and "ご回答：同意しない" in message.body
    assert "楽天カード株式会社" in message.body and "令和" in message.body
    assert "加わる会社には、お客さまの個人データを提供しません。" in message.body
    assert f"/my/joint-use/{version.pk}/" in message.body


def test_a_changed_answer_is_emailed_with_the_answer_before_and_stays_in_the_chain(holder, version):
    first = consent_answer_record(policyholder=holder, version_id=version.pk, consent=False).record
    second = consent_answer_record(policyholder=holder, version_id=version.pk, consent=True)
    assert second.changed and second.previous == first and second.record.number != first.number
    message = mail.outbox[-1]
    assert "ご回答の変更を承りました" in message.subject
    assert "ご回答：同意する" in message.body and "変更前のご回答：同意しない" in message.body
    assert second.record.previous_hash == first.hash
    call_command("verify_consent_chain", verbosity=0)  # the numbers are covered by the hashes and verify


def test_the_same_answer_again_records_and_sends_nothing(holder, version):
    consent_answer_record(policyholder=holder, version_id=version.pk, consent=True)
    again = consent_answer_record(policyholder=holder, version_id=version.pk, consent=True)
    assert not again.changed
    assert NoticeRecord.objects.filter(kind__in=NoticeRecord.ANSWERS).count() == 1
    assert OutgoingEmail.objects.filter(kind="consent_answer").count() == 1


def test_a_repeated_idempotency_key_records_and_sends_nothing(holder, version):
    consent_answer_record(policyholder=holder, version_id=version.pk, consent=True, idempotency_key="k1")
    consent_answer_record(policyholder=holder, version_id=version.pk, consent=False, idempotency_key="k1")
    assert list(NoticeRecord.objects.values_list("kind", flat=True)) == ["consented"]
    assert OutgoingEmail.objects.filter(kind="consent_answer").count() == 1


def test_staff_record_an_answer_in_the_customer_name_and_the_customer_is_told(holder, version):
    staff = personas.support()
    result = consent_answer_record(
        policyholder=holder, version_id=version.pk, consent=True, source=NoticeRecord.Source.STAFF, actor=staff
    )
    assert (result.record.source, result.record.actor) == ("staff", staff)
    assert "受付経路：担当者による代理登録" in mail.outbox[-1].body
    with pytest.raises(ValidationError):
        consent_answer_record(policyholder=holder, version_id=version.pk, consent=False,
                              source=NoticeRecord.Source.STAFF)


def test_a_customer_without_an_address_answers_without_an_email(version):
    holder = customer_since(days(-400), email="")
    record = consent_answer_record(policyholder=holder, version_id=version.pk, consent=True).record
    assert record.email is None and mail.outbox == []


def test_my_page_shows_the_answer_and_when_instead_of_the_buttons(client, holder, version):
    customer = log_in(client, holder)
    assert 'name="answer"' in customer.get("/my/").content.decode()
    customer.post(f"/my/joint-use/{version.pk}/", {"answer": "decline"})
    record = NoticeRecord.objects.get(kind="declined")
    my = customer.get("/my/").content.decode()
    assert 'name="answer"' not in my and '<dd class="joint-use-answer">同意しない</dd>' in my
    assert f'<dd class="receipt-number">{record.number}</dd>' in my and "令和" in my
    assert f'href="/my/joint-use/{version.pk}/"' in my


def test_the_answer_page_offers_to_change_it_and_the_change_is_recorded(client, holder, version):
    customer = log_in(client, holder)
    path = f"/my/joint-use/{version.pk}/"
    customer.post(path, {"answer": "decline"})
    page = customer.get(path).content.decode()
    assert "「同意しない」とのご回答を受け付けました。" in page and "確認のメールをお送りします。" in page
    assert 'value="consent">「同意する」に変更する</button>' in page and 'value="decline"' not in page
    # The purpose of what the form records, beside its button (APPI Art. 21).
    assert "ご回答は、日時とご利用の端末のIPアドレスとともに記録し" in page and 'href="/privacy/"' in page
    customer.post(path, {"answer": "consent"})
    page = customer.get(path).content.decode()
    assert "ご回答を「同意する」に変更しました。" in page
    assert list(NoticeRecord.objects.order_by("id").values_list("kind", flat=True)) == ["declined", "consented"]


def test_the_history_shows_every_answer_with_its_record_number(client, holder, version):
    customer = log_in(client, holder)
    path = f"/my/joint-use/{version.pk}/"
    customer.post(path, {"answer": "decline"})
    customer.post(path, {"answer": "consent"})
    history = customer.get("/my/history/").content.decode()
    section = history.partition("同意のお願いへのご回答</h2>")[2]
    assert section.count('<tr class="history-answer">') == 2
    for record in NoticeRecord.objects.filter(kind__in=NoticeRecord.ANSWERS):
        assert f'<td data-label="記録番号" class="receipt-number">{record.number}</td>' in section
    assert "「個人データの共同利用について」の改定" in section


def test_the_campaign_email_to_a_customer_who_answered_says_so_instead_of_asking(holder, version):
    from consents.emails import notice_change_email

    asking = notice_change_email(policyholder=holder, version=version).body
    assert "■ 同意のお願い\n" in asking
    record = consent_answer_record(policyholder=holder, version_id=version.pk, consent=True).record
    told = notice_change_email(policyholder=holder, version=version).body
    assert "■ 同意のお願い\n" not in told and "あらためてご回答いただく必要はありません" in told
    assert "ご回答：同意する（" in told and f"記録番号 {record.number}" in told
