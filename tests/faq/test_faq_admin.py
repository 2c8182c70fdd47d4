"""The FAQ in the admin: editors keep it, the list is searchable, bad input is a Japanese 400, and what
customers read at /faq/ (public statements on data handling) changes only when another person approves."""

import pytest

from approvals.models import ChangeRequest
from faq.models import FaqEntry
from tests import personas
from tests.approvals.review import decide, pending_for
from tests.factories import FaqEntryFactory

pytestmark = pytest.mark.django_db


def entry_data(entry: FaqEntry, **overrides) -> dict:
    data = {
        "number": entry.number,
        "question": entry.question,
        "answer": entry.answer,
        "category": entry.category,
        "notice": entry.notice_id or "",
        "order": entry.order,
        "published": "on" if entry.published else "",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value != ""}


def change_url(entry: FaqEntry) -> str:
    return f"/admin/faq/faqentry/{entry.pk}/change/"


def test_an_editor_searches_the_list(client):
    FaqEntryFactory(question="ペット保険はありますか?")
    FaqEntryFactory(question="住所変更の方法は?")
    client.force_login(personas.editor())
    html = client.get("/admin/faq/faqentry/", {"q": "ペット"}).content.decode()
    assert "ペット保険はありますか?" in html
    assert "住所変更の方法は?" not in html


def test_a_new_entry_starts_unpublished_and_goes_public_when_another_person_approves(client):
    client.force_login(personas.editor())
    response = client.post(
        "/admin/faq/faqentry/add/",
        {"number": 8, "question": "新しい質問ですか?", "answer": "はい。", "order": 8, "published": "on"},
    )
    assert response.status_code == 302
    entry = FaqEntry.objects.get(number=8)
    assert entry.published is False
    assert "新しい質問ですか?" not in client.get("/faq/").content.decode()
    proposal = pending_for(entry)
    assert proposal.values["published"] is True
    assert proposal.values["answer"] == "はい。"  # the approver sees the whole entry that goes public
    client.force_login(personas.approver())
    page = client.get(f"/admin/approvals/changerequest/{proposal.pk}/change/").content.decode()
    assert "回答" in page and "はい。" in page
    assert decide(client, proposal).status_code == 302
    assert "新しい質問ですか?" in client.get("/faq/").content.decode()


def test_the_text_of_an_unpublished_entry_is_drafted_freely(client):
    entry = FaqEntryFactory(published=False)
    client.force_login(personas.editor())
    response = client.post(change_url(entry), entry_data(entry, answer="下書きの回答です。"))
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.answer == "下書きの回答です。"
    assert not ChangeRequest.objects.exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [("question", "書き換えた質問ですか?"), ("answer", "機微情報も共同利用いたします。"), ("category", "新しい分類"),
     ("number", 999)],
)
def test_an_editor_alone_does_not_change_a_published_entry(client, field, value):
    entry = FaqEntryFactory(answer="機微情報は共同利用いたしません。", category="共同利用")
    client.force_login(personas.editor())
    response = client.post(change_url(entry), entry_data(entry, **{field: value}))
    assert response.status_code == 302
    entry.refresh_from_db()
    assert getattr(entry, field) != value
    page = client.get("/faq/").content.decode()
    assert "機微情報は共同利用いたしません。" in page
    assert f"Q{entry.number}" in page
    client.force_login(personas.approver())
    decide(client, pending_for(entry))
    entry.refresh_from_db()
    assert getattr(entry, field) == value


def test_unpublishing_is_a_proposal_too(client):
    entry = FaqEntryFactory(question="消えない質問ですか?")
    client.force_login(personas.editor())
    client.post(change_url(entry), entry_data(entry, published=""))
    assert "消えない質問ですか?" in client.get("/faq/").content.decode()
    client.force_login(personas.approver())
    decide(client, pending_for(entry))
    assert "消えない質問ですか?" not in client.get("/faq/").content.decode()


def test_a_published_entry_cannot_be_deleted_directly(client):
    entry = FaqEntryFactory()
    client.force_login(personas.editor())
    response = client.post(f"/admin/faq/faqentry/{entry.pk}/delete/", {"post": "yes"})
    assert response.status_code == 409
    assert "公開中のFAQは直接削除できません" in response.content.decode()
    response = client.post(
        "/admin/faq/faqentry/", {"action": "delete_selected", "_selected_action": [entry.pk], "post": "yes"}
    )
    assert response.status_code == 403
    assert FaqEntry.objects.filter(pk=entry.pk).exists()


def test_an_unpublished_entry_may_be_deleted(client):
    entry = FaqEntryFactory(published=False)
    client.force_login(personas.editor())
    response = client.post(f"/admin/faq/faqentry/{entry.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not FaqEntry.objects.filter(pk=entry.pk).exists()


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
    assert client.get(change_url(entry)).status_code == 200
    data = {"number": entry.number, "question": "改ざん", "answer": "x", "order": 0}
    response = client.post(change_url(entry), data)
    assert response.status_code == 403
    entry.refresh_from_db()
    assert entry.question != "改ざん"
