import uuid

import time_machine

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


def test_dates_are_shown_with_wareki_and_receipt_numbers_are_kept_whole(customer, policyholder, life):
    with time_machine.travel("2026-04-01 10:05 +0900", tick=False):
        (receipt,) = flip(policyholder, life, 1)
    history = customer.get("/my/history/").content.decode()
    assert "2026年4月1日（令和8年4月1日） 10:05" in history
    assert f'<a class="receipt-number" href="/my/receipts/{receipt.number}/">{receipt.number}</a>' in history
    assert "2026年4月1日（令和8年4月1日） 10:05" in customer.get(f"/my/receipts/{receipt.number}/").content.decode()
