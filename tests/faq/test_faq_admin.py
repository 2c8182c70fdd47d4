"""The FAQ in the admin: editors keep it, the list is searchable, and bad input is a Japanese 400."""

import pytest

from faq.models import FaqEntry
from tests import personas
from tests.factories import FaqEntryFactory

pytestmark = pytest.mark.django_db


def test_an_editor_searches_the_list(client):
    FaqEntryFactory(question="ペット保険はありますか?")
    FaqEntryFactory(question="住所変更の方法は?")
    client.force_login(personas.editor())
    html = client.get("/admin/faq/faqentry/", {"q": "ペット"}).content.decode()
    assert "ペット保険はありますか?" in html
    assert "住所変更の方法は?" not in html


def test_an_editor_adds_an_entry(client):
    client.force_login(personas.editor())
    response = client.post(
        "/admin/faq/faqentry/add/",
        {"number": 8, "question": "新しい質問ですか?", "answer": "はい。", "order": 8, "published": "on"},
    )
    assert response.status_code == 302
    assert FaqEntry.objects.get(number=8).question == "新しい質問ですか?"


def test_a_duplicate_number_is_refused_in_japanese(client):
    FaqEntryFactory(number=1)
    client.force_login(personas.editor())
    response = client.post(
        "/admin/faq/faqentry/add/", {"number": 1, "question": "重複?", "answer": "いいえ。", "order": 1}
    )
    assert response.status_code == 400
    assert "既に存在します" in response.content.decode()
    assert FaqEntry.objects.count() == 1


def test_an_approver_may_read_but_not_change_the_faq(client):
    entry = FaqEntryFactory()
    client.force_login(personas.approver())
    assert client.get(f"/admin/faq/faqentry/{entry.pk}/change/").status_code == 200
    data = {"number": entry.number, "question": "改ざん", "answer": "x", "order": 0}
    response = client.post(f"/admin/faq/faqentry/{entry.pk}/change/", data)
    assert response.status_code == 403
    entry.refresh_from_db()
    assert entry.question != "改ざん"
