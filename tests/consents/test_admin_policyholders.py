import uuid

import pytest
from django.core import mail

from consents.models import ConsentEvent, Preference, Source
from consents.services import preferences_update
from tests.factories import PolicyholderFactory

CHANGELIST = "/admin/customers/policyholder/"


def record_url(policyholder):
    return f"{CHANGELIST}{policyholder.pk}/preferences/"


@pytest.mark.parametrize("query", ["C000000042", "山田", "ヤマダ", "taro@example.com"])
def test_support_staff_find_a_customer_by_number_name_kana_or_email(client, support_staff, query):
    PolicyholderFactory(customer_number="C000000042", name="山田 太郎", kana="ヤマダ タロウ", email="taro@example.com")
    PolicyholderFactory(customer_number="C000000043", name="佐藤 次郎", kana="サトウ ジロウ", email="jiro@example.com")
    client.force_login(support_staff)
    html = client.get(CHANGELIST, {"q": query}).content.decode()
    assert "C000000042" in html and "C000000043" not in html


def test_the_change_page_shows_preferences_and_events(client, support_staff, policyholder, life):
    preferences_update(
        policyholder=policyholder, changes={(life.pk, "direct_mail"): False}, source=Source.PORTAL,
        idempotency_key=uuid.uuid4().hex,
    )
    client.force_login(support_staff)
    html = client.get(f"{CHANGELIST}{policyholder.pk}/change/").content.decode()
    assert "現在の配信設定" in html and "<th scope=\"row\">楽天生命保険株式会社</th>" in html
    assert "楽天生命／DM（ダイレクトメール）：受け取る → 受け取らない" in html
    assert record_url(policyholder) in html
    assert "氏名（カナ）" in html


def test_staff_record_a_change_with_a_reason(client, support_staff, policyholder, life):
    client.force_login(support_staff)
    form = client.get(record_url(policyholder)).context["form"]
    key = form.initial["idempotency_key"]
    data = {"idempotency_key": key, f"pref-{life.pk}-phone": "off", "reason": "電話での申出"}
    response = client.post(record_url(policyholder), data, follow=True)
    event = ConsentEvent.objects.get()
    assert (event.source, event.actor, event.reason) == (Source.STAFF, support_staff, "電話での申出")
    assert event.new_value is False
    assert f"受付番号 {event.receipt.number} で記録しました" in response.content.decode()
    assert [m.to for m in mail.outbox] == [[policyholder.email]]
    assert "担当者による代理登録" in mail.outbox[0].body


def test_a_change_without_a_reason_is_refused(client, support_staff, policyholder, life):
    client.force_login(support_staff)
    data = {"idempotency_key": uuid.uuid4().hex, f"pref-{life.pk}-phone": "off", "reason": "  "}
    response = client.post(record_url(policyholder), data)
    assert response.status_code == 400
    assert "変更の理由を入力してください" in response.content.decode()
    assert not ConsentEvent.objects.exists() and not Preference.objects.exists()


def test_staff_without_the_role_cannot_look_or_record(client, plain_staff, policyholder, life):
    client.force_login(plain_staff)
    assert client.get(CHANGELIST).status_code == 403
    assert client.get(record_url(policyholder)).status_code == 403
    data = {"idempotency_key": uuid.uuid4().hex, f"pref-{life.pk}-phone": "off", "reason": "電話での申出"}
    assert client.post(record_url(policyholder), data).status_code == 403
    assert not ConsentEvent.objects.exists()


def test_a_customer_session_does_not_open_the_admin(customer, policyholder):
    response = customer.get(record_url(policyholder))
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")


@pytest.mark.parametrize("object_id", ["999999", "abc"])
def test_an_unknown_customer_is_not_found(client, support_staff, object_id):
    client.force_login(support_staff)
    assert client.get(f"{CHANGELIST}{object_id}/preferences/").status_code == 404
