import uuid

from consents.models import Source
from consents.services import preferences_update
from tests.factories import PolicyholderFactory


def change(policyholder, life, **cells):
    return preferences_update(
        policyholder=policyholder,
        changes={(life.pk, channel): value for channel, value in cells.items()},
        source=Source.PORTAL,
        idempotency_key=uuid.uuid4().hex,
    ).receipt


def test_it_shows_the_number_and_what_changed(customer, policyholder, life):
    receipt = change(policyholder, life, direct_mail=False)
    response = customer.get(f"/my/receipts/{receipt.number}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert f"受付番号：<strong>{receipt.number}</strong>" in html
    assert '<td data-label="案内方法">DM（ダイレクトメール）</td>' in html
    assert '<td data-label="変更後">受け取らない</td>' in html
    assert "2019年6月3日（令和元年6月3日）" in html


def test_another_policyholders_receipt_is_not_found(customer, life):
    receipt = change(PolicyholderFactory(), life, phone=False)
    response = customer.get(f"/my/receipts/{receipt.number}/")
    assert response.status_code == 404
    main = response.content.decode().split("<main")[1].split("</main>")[0]
    assert "見つかりません" in main
    assert receipt.number not in main and "電話" not in main


def test_an_unknown_number_is_not_found(customer):
    assert customer.get("/my/receipts/20260401-DEADBEEF/").status_code == 404
