import uuid

from consents.models import Source
from consents.services import preferences_update
from tests.factories import PolicyholderFactory


def flip(policyholder, life, times):
    receipts = []
    for n in range(times):
        result = preferences_update(
            policyholder=policyholder, changes={(life.pk, "phone"): n % 2 == 1}, source=Source.PORTAL,
            idempotency_key=uuid.uuid4().hex,
        )
        receipts.append(result.receipt)
    return receipts


def test_it_lists_every_change_newest_first_with_its_receipt(customer, policyholder, life):
    receipts = flip(policyholder, life, 3)
    html = customer.get("/my/history/").content.decode()
    positions = [html.index(f'href="/my/receipts/{r.number}/"') for r in receipts]
    assert positions == sorted(positions, reverse=True)
    assert "受け取る → 受け取らない" in html and "受け取らない → 受け取る" in html


def test_it_shows_a_change_staff_made_on_the_customers_behalf(customer, policyholder, life, django_user_model):
    staff = django_user_model.objects.create_user("support", password="x" * 12)
    preferences_update(
        policyholder=policyholder, changes={(life.pk, "email"): True}, source=Source.STAFF, actor=staff,
        reason="電話での申出", idempotency_key=uuid.uuid4().hex,
    )
    html = customer.get("/my/history/").content.decode()
    assert "担当者による代理登録（電話での申出）" in html


def test_it_is_paginated(customer, policyholder, life):
    receipts = flip(policyholder, life, 25)
    first = customer.get("/my/history/").content.decode()
    second = customer.get("/my/history/?page=2").content.decode()
    assert receipts[-1].number in first and receipts[0].number not in first
    assert receipts[0].number in second
    assert "2ページ中1ページ目" in first
    assert customer.get("/my/history/?page=9").status_code == 404
    assert customer.get("/my/history/?page=abc").status_code == 404


def test_it_shows_only_the_customers_own_events(customer, life):
    other = flip(PolicyholderFactory(), life, 1)[0]
    html = customer.get("/my/history/").content.decode()
    assert other.number not in html
    assert "配信設定の変更はまだありません" in html
