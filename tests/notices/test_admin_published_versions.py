"""A published version is read-only in the admin: a crafted POST that edits or deletes one is refused (403)
and the database is unchanged, whoever sends it."""

import datetime

import pytest
from django.contrib.auth import get_user_model

from notices.models import NoticeVersion, PublishedVersionError, Purpose
from tests import personas
from tests.factories import published_version
from tests.notices.admin_forms import version_form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def published():
    return published_version(effective_date=datetime.date(2023, 4, 1))


@pytest.fixture
def superuser_client(client):
    client.force_login(get_user_model().objects.create_superuser("boss", "boss@example.com", "x-password-123"))
    return client


def state(version: NoticeVersion) -> tuple:
    version = NoticeVersion.objects.get(pk=version.pk)
    purposes = list(version.purposes.values_list("text", flat=True))
    return version.status, version.effective_date, version.introduction, version.snapshot, purposes


def test_the_change_page_shows_it_read_only(superuser_client, published):
    response = superuser_client.get(f"/admin/notices/noticeversion/{published.pk}/change/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "この版は公表済みのため、変更も削除もできません。" in html
    assert 'name="introduction"' not in html
    assert "deletelink" not in html


def test_a_crafted_post_that_edits_it_is_refused(superuser_client, published):
    before = state(published)
    data = version_form_data(published, introduction="改ざんした前文", effective_date="2030-01-01")
    data["purposes-0-text"] = "改ざんした利用目的"
    response = superuser_client.post(f"/admin/notices/noticeversion/{published.pk}/change/", data)
    assert response.status_code == 403
    assert state(published) == before


def test_a_crafted_post_that_deletes_it_is_refused(superuser_client, published):
    response = superuser_client.post(f"/admin/notices/noticeversion/{published.pk}/delete/", {"post": "yes"})
    assert response.status_code == 403
    assert NoticeVersion.objects.filter(pk=published.pk).exists()


def test_there_is_no_bulk_delete(superuser_client, published):
    response = superuser_client.post(
        "/admin/notices/noticeversion/",
        {"action": "delete_selected", "_selected_action": [published.pk], "post": "yes"},
    )
    assert response.status_code in (200, 302)
    assert NoticeVersion.objects.filter(pk=published.pk).exists()
    assert "delete_selected" not in superuser_client.get("/admin/notices/noticeversion/").content.decode()


def test_an_editor_cannot_edit_it_either(client, published):
    client.force_login(personas.editor())
    before = state(published)
    response = client.post(
        f"/admin/notices/noticeversion/{published.pk}/change/", version_form_data(published, introduction="改ざん")
    )
    assert response.status_code == 403
    assert state(published) == before


def test_the_model_refuses_changes_from_any_other_path(published):
    published.introduction = "シェルからの改ざん"
    with pytest.raises(PublishedVersionError):
        published.save()
    with pytest.raises(PublishedVersionError):
        published.delete()
    with pytest.raises(PublishedVersionError):
        Purpose.objects.create(version=published, order=9, text="追加")
    with pytest.raises(PublishedVersionError):
        published.purposes.first().delete()
    with pytest.raises(PublishedVersionError):
        NoticeVersion.objects.filter(pk=published.pk).delete()
    assert NoticeVersion.objects.get(pk=published.pk).introduction != "シェルからの改ざん"


def test_a_draft_can_still_be_edited_and_records_its_last_editor(client, published):
    from notices.services import notice_version_create_draft

    editor = personas.editor()
    draft = notice_version_create_draft(notice=published.notice, user=editor, on=datetime.date(2027, 1, 15))
    other = personas.editor("editor2")
    client.force_login(other)
    data = version_form_data(draft, introduction="改定した前文")
    response = client.post(f"/admin/notices/noticeversion/{draft.pk}/change/", data)
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.introduction == "改定した前文"
    assert draft.last_edited_by == other


@pytest.mark.parametrize("effective_date", ["0001-01-01", "9999-12-31"])
def test_an_absurd_effective_date_on_a_draft_is_refused_in_japanese(client, published, effective_date):
    from notices.services import notice_version_create_draft

    draft = notice_version_create_draft(notice=published.notice, user=personas.editor(), on=datetime.date(2027, 1, 15))
    client.force_login(personas.editor("editor2"))
    response = client.post(
        f"/admin/notices/noticeversion/{draft.pk}/change/", version_form_data(draft, effective_date=effective_date)
    )
    assert response.status_code == 400
    assert "適用日" in response.content.decode()
    assert NoticeVersion.objects.get(pk=draft.pk).effective_date == draft.effective_date


def test_an_empty_purpose_on_a_draft_is_refused(client, published):
    from notices.services import notice_version_create_draft

    draft = notice_version_create_draft(notice=published.notice, user=personas.editor(), on=datetime.date(2027, 1, 15))
    client.force_login(personas.editor("editor2"))
    data = version_form_data(draft)
    data.pop("purposes-0-text")
    response = client.post(f"/admin/notices/noticeversion/{draft.pk}/change/", data)
    assert response.status_code == 400
    assert "このフィールドは必須です。" in response.content.decode()
    assert list(draft.purposes.values_list("text", flat=True)) == ["保険契約の引受け", "各種商品のご案内"]


def test_a_draft_can_be_deleted_with_its_rows(client, published):
    from notices.services import notice_version_create_draft

    draft = notice_version_create_draft(notice=published.notice, user=personas.editor(), on=datetime.date(2027, 1, 15))
    client.force_login(personas.editor("editor2"))
    response = client.post(f"/admin/notices/noticeversion/{draft.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not NoticeVersion.objects.filter(pk=draft.pk).exists()
    assert not Purpose.objects.filter(version_id=draft.pk).exists()
    assert state(published)[0] == NoticeVersion.Status.PUBLISHED
