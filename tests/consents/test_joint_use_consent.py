"""/my/ asks customers of before a consent-ground version for their consent; /my/joint-use/<id>/ records it."""

import re

import pytest
from django.core.management import call_command

from consents.models import NoticeRecord, Preference
from core.dates import wareki
from notices.models import NoticeVersion
from tests.consents.conftest import log_in
from tests.reconsent import consent_version, customer_since, days, new_company


@pytest.fixture
def joiner(demo_content):
    return new_company(legal_name="楽天カード株式会社", short_name="楽天カード")


@pytest.fixture
def version(joiner):
    return consent_version(effective_date=days(40), add=[joiner], extra_item="クレジットカードのご利用状況")


@pytest.fixture
def asked(client, version):
    return log_in(client, customer_since(days(-400)))


def answers(_client=None):
    return list(NoticeRecord.objects.filter(kind__in=["consented", "declined"]).values_list("kind", flat=True))


def test_my_page_shows_what_changes_with_links_and_both_answers(asked, version):
    html = asked.get("/my/").content.decode()
    assert "同意のお願い" in html and wareki(version.effective_date) in html
    assert "楽天カード株式会社" in html and "クレジットカードのご利用状況" in html
    compare = f"/notices/group-joint-use/compare/2019-06-03/{version.effective_date.isoformat()}/"
    assert f'href="{compare}"' in html
    assert f'href="/notices/group-joint-use/{version.effective_date.isoformat()}/"' in html
    assert 'value="consent">同意する</button>' in html
    assert 'value="decline" class="secondary">同意しない</button>' in html
    assert "まだご回答いただいていません" in html


def test_customers_who_joined_after_the_effective_date_are_not_asked(client, joiner):
    consent_version(effective_date=days(-5), add=[joiner])
    html = log_in(client, customer_since(days(-1))).get("/my/").content.decode()
    assert "同意のお願い" not in html


def test_an_answer_is_recorded_once_and_confirmed_in_japanese(asked, version):
    path = f"/my/joint-use/{version.pk}/"
    response = asked.post(path, {"answer": "consent"})
    assert response.status_code == 302 and response["Location"] == path
    html = asked.get(path).content.decode()
    assert "「同意する」とのご回答を受け付けました。" in html
    assert "受け付けたご回答" in html and "令和" in html
    record = NoticeRecord.objects.get(kind="consented")
    assert re.fullmatch(r"\d{8}-[0-9A-F]{8}", record.number)
    assert record.notice_version == version and f'<dd class="receipt-number">{record.number}</dd>' in html
    # Again: nothing new is recorded, and the customer is told.
    asked.post(path, {"answer": "consent"})
    assert "すでに「同意する」とご回答いただいていたため、変更はありません。" in asked.get(path).content.decode()
    assert answers(asked) == ["consented"]


def test_the_answer_can_be_changed_and_the_latest_counts(asked, version):
    path = f"/my/joint-use/{version.pk}/"
    asked.post(path, {"answer": "consent"})
    asked.post(path, {"answer": "decline"})
    assert sorted(answers(asked)) == ["consented", "declined"]
    my = asked.get("/my/").content.decode()
    assert '<dd class="joint-use-answer">同意しない</dd>' in my and 'name="answer"' not in my
    records = NoticeRecord.objects.order_by("id")
    assert records[1].previous_hash == records[0].hash and {r.source for r in records} == {"portal"}
    call_command("verify_consent_chain", verbosity=0)  # raises if a chain does not verify


@pytest.mark.parametrize("answer", ["", "yes", "同意する"])
def test_a_bad_answer_is_a_japanese_400_and_records_nothing(asked, version, answer):
    response = asked.post(f"/my/joint-use/{version.pk}/", {"answer": answer})
    assert response.status_code == 400
    assert "「同意する」または「同意しない」を選んでください。" in response.content.decode()
    assert answers(asked) == []


def test_a_version_that_asks_nothing_is_a_404(asked, version, client):
    first = NoticeVersion.objects.get(notice__slug="group-joint-use", effective_date="2019-06-03")
    assert asked.get(f"/my/joint-use/{first.pk}/").status_code == 404
    assert asked.post(f"/my/joint-use/{first.pk}/", {"answer": "consent"}).status_code == 404
    assert answers(asked) == []


def test_it_needs_a_login(client, version):
    response = client.post(f"/my/joint-use/{version.pk}/", {"answer": "consent"})
    assert response.status_code == 302 and response["Location"].startswith("/login/")
    assert answers(client) == []


def test_the_preference_matrix_leaves_out_the_added_company_until_the_customer_consents(client, joiner):
    version = consent_version(effective_date=days(-5), add=[joiner])
    customer = log_in(client, customer_since(days(-400)))
    assert "楽天カード株式会社" not in customer.get("/my/preferences/").content.decode()
    customer.post(f"/my/joint-use/{version.pk}/", {"answer": "consent"})
    assert "楽天カード株式会社" in customer.get("/my/preferences/").content.decode()


def test_a_customer_who_has_not_consented_saves_the_preferences_their_page_shows(client, joiner, life):
    consent_version(effective_date=days(-5), add=[joiner])
    customer = log_in(client, customer_since(days(-400)))
    html = customer.get("/my/preferences/").content.decode()
    fields = dict(re.findall(r'name="(pref-\d+-\w+)" value="(\w+)" checked', html))
    assert fields and not any(name.startswith(f"pref-{joiner.pk}-") for name in fields)
    key = re.search(r'name="idempotency_key" value="(\w+)"', html).group(1)
    shown = dict(re.findall(r'name="(initial-pref-\d+-\w+)" value="(\w+)"', html))
    data = {**fields, **shown, "idempotency_key": key, f"pref-{life.pk}-direct_mail": "off"}
    response = customer.post("/my/preferences/", data)
    assert response.status_code == 302 and "/my/receipts/" in response["Location"]


def test_a_posted_cell_for_a_company_the_customer_has_not_consented_to_is_refused(client, joiner, life):
    consent_version(effective_date=days(-5), add=[joiner])
    customer = log_in(client, customer_since(days(-400)))
    data = {"idempotency_key": "0123456789abcdef0123456789abcdef", f"pref-{joiner.pk}-email": "on"}
    response = customer.post("/my/preferences/", data)
    assert response.status_code == 400
    assert "選択できない会社または案内方法が含まれています" in response.content.decode()
    assert not Preference.objects.exists()
