"""Publishing from the admin: only a 承認者, never the last editor, every failed rule shown in Japanese."""

import datetime

import pytest
from django.contrib.admin.models import CHANGE, LogEntry

from notices.models import NoticeVersion
from notices.services import notice_version_create_draft
from tests import personas
from tests.factories import published_version
from tests.notices.admin_forms import publish_after_review

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor():
    return personas.editor()


@pytest.fixture
def draft(editor):
    in_force = published_version(effective_date=datetime.date(2023, 4, 1))
    draft = notice_version_create_draft(notice=in_force.notice, user=editor, on=datetime.date(2026, 1, 1))
    draft.effective_date = datetime.date(2099, 4, 1)
    draft.save()
    return draft


def publish_url(version):
    return f"/admin/notices/noticeversion/{version.pk}/publish/"


def test_an_approver_publishes_a_draft_and_the_admin_log_records_it(client, draft):
    approver = personas.approver()
    client.force_login(approver)
    assert "現在の下書きは、すべてのルールを満たしています。" in client.get(publish_url(draft)).content.decode()
    response = publish_after_review(client, draft)
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.is_published and draft.published_by == approver
    entry = LogEntry.objects.get(object_id=str(draft.pk), action_flag=CHANGE)
    assert entry.user == approver and entry.change_message == "公表しました。"


def test_a_refusal_lists_every_failed_rule_in_japanese_with_a_400(client, draft, editor):
    draft.purposes.all().delete()
    draft.data_items.create(order=2, text="病歴", sensitive=True)
    approver = personas.approver()
    client.force_login(approver)
    response = publish_after_review(client, draft, publication_ground="consent")
    html = response.content.decode()
    assert response.status_code == 400
    assert "公表できませんでした。次の点をすべて修正してください。" in html
    for text in ("個人情報保護法第27条第5項第3号", "法務確認メモ", "同意の取得方法", "第5条", "病歴"):
        assert text in html
    assert NoticeVersion.objects.get(pk=draft.pk).status == NoticeVersion.Status.DRAFT


def test_the_last_editor_cannot_publish_even_as_an_approver(client, draft):
    both = personas.approver("both")
    both.groups.add(*personas.editor("x").groups.all())
    client.force_login(both)
    client.post(f"/admin/notices/noticeversion/{draft.pk}/change/", _minimal_edit(draft))
    draft.refresh_from_db()
    assert draft.last_edited_by == both
    response = publish_after_review(client, draft)
    assert response.status_code == 400
    assert "二者確認" in response.content.decode()
    assert not NoticeVersion.objects.get(pk=draft.pk).is_published


def _minimal_edit(draft):
    from tests.notices.admin_forms import version_form_data

    return version_form_data(draft, change_summary="文言の修正")


def test_an_editor_cannot_open_or_post_the_publish_page(client, draft):
    client.force_login(personas.editor("editor2"))
    assert client.get(publish_url(draft)).status_code == 403
    response = client.post(publish_url(draft), {})
    assert response.status_code == 403
    # Which rule refused, and who can do it.
    page = response.content.decode()
    assert "二者確認のルールにより" in page and "承認者" in page and "あなたの役割には公表の権限がありません" in page
    assert not NoticeVersion.objects.get(pk=draft.pk).is_published


def test_there_is_no_bulk_publication_without_seeing_the_content(client, draft):
    client.force_login(personas.approver())
    response = client.post(
        "/admin/notices/noticeversion/", {"action": "publish_selected", "_selected_action": [draft.pk]}
    )
    assert response.status_code in (200, 302)
    assert not NoticeVersion.objects.get(pk=draft.pk).is_published


def test_the_publish_button_is_shown_only_to_approvers(client, draft):
    client.force_login(personas.editor("editor2"))
    change_url = f"/admin/notices/noticeversion/{draft.pk}/change/"
    assert publish_url(draft) not in client.get(change_url).content.decode()
    client.force_login(personas.approver())
    assert publish_url(draft) in client.get(change_url).content.decode()


def test_the_preview_renders_the_draft_as_customers_will_see_it(client, draft):
    draft.purposes.filter(order=1).update(text="プレビューで見る目的")
    client.force_login(personas.approver())
    response = client.get(f"/admin/notices/noticeversion/{draft.pk}/preview/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "下書きのプレビューです。" in html
    assert '<ol class="purposes"><li>プレビューで見る目的</li>' in html
    assert "no-cache" in response["Cache-Control"] or "private" in response["Cache-Control"]


def test_the_admin_compare_page_shows_the_draft_against_the_version_it_replaces(client, draft):
    draft.purposes.filter(order=1).update(text="保険契約の引受けおよび継続")
    client.force_login(personas.approver())
    html = client.get(f"/admin/notices/noticeversion/{draft.pk}/compare/").content.decode()
    assert '<ins><span class="visually-hidden">［追加］</span>および継続<span' in html


def test_an_unknown_ground_is_refused_with_a_400(client, draft):
    client.force_login(personas.approver())
    response = publish_after_review(client, draft, publication_ground="because")
    assert response.status_code == 400
    assert "正しく選択してください" in response.content.decode()
    assert not NoticeVersion.objects.get(pk=draft.pk).is_published


def test_a_refusal_names_the_approvers_who_can_publish(client, draft):
    personas.approver("sato")
    client.force_login(personas.editor("editor2"))
    page = client.get(publish_url(draft)).content.decode()
    assert "この版を公表できる承認者：sato" in page


def test_a_bare_refusal_in_the_admin_says_it_is_the_role(client):
    client.force_login(personas.editor("editor2"))
    response = client.get("/admin/auth/user/")
    assert response.status_code == 403
    assert "あなたの役割では、このページは開けません。" in response.content.decode()
