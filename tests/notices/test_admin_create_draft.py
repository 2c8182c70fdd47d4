"""「新しい版を作成」 in the admin: a POST from the notice page, logged, for editors only."""

import datetime

import pytest
from django.contrib.admin.models import ADDITION, LogEntry

from notices.models import NoticeVersion
from tests import personas
from tests.factories import published_version

pytestmark = pytest.mark.django_db


@pytest.fixture
def in_force():
    return published_version(effective_date=datetime.date(2023, 4, 1))


def test_the_notice_page_offers_the_button(client, in_force):
    client.force_login(personas.editor())
    html = client.get(f"/admin/notices/notice/{in_force.notice_id}/change/").content.decode()
    assert "新しい版を作成" in html
    assert f'action="/admin/notices/notice/{in_force.notice_id}/create-draft/"' in html


def test_an_editor_creates_a_draft_and_lands_on_it(client, in_force):
    editor = personas.editor()
    client.force_login(editor)
    response = client.post(f"/admin/notices/notice/{in_force.notice_id}/create-draft/")
    draft = NoticeVersion.objects.get(status=NoticeVersion.Status.DRAFT)
    assert response.status_code == 302
    assert response["Location"] == f"/admin/notices/noticeversion/{draft.pk}/change/"
    assert draft.last_edited_by == editor
    assert draft.purposes.count() == 2
    assert LogEntry.objects.filter(object_id=str(draft.pk), action_flag=ADDITION, user=editor).exists()


def test_a_get_creates_nothing(client, in_force):
    client.force_login(personas.editor())
    assert client.get(f"/admin/notices/notice/{in_force.notice_id}/create-draft/").status_code == 405
    assert NoticeVersion.objects.count() == 1


def test_an_approver_cannot_create_a_draft(client, in_force):
    client.force_login(personas.approver())
    assert client.post(f"/admin/notices/notice/{in_force.notice_id}/create-draft/").status_code == 403
    assert NoticeVersion.objects.count() == 1


def test_an_unknown_notice_is_404(client, in_force):
    client.force_login(personas.editor())
    assert client.post("/admin/notices/notice/999999/create-draft/").status_code == 404
