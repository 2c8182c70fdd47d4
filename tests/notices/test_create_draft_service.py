"""notice_version_create_draft: 「新しい版を作成」 copies the version in force into a draft."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied

from notices.models import NoticeVersion
from notices.services import notice_version_create_draft
from tests import personas
from tests.factories import NoticeFactory, published_version

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2027, 1, 15)


def test_it_copies_the_version_in_force_and_not_an_older_one():
    old = published_version(effective_date=datetime.date(2019, 6, 3), items=["古い目的"])
    current = published_version(notice=old.notice, effective_date=datetime.date(2023, 4, 1), items=["現在の目的"])
    editor = personas.editor()
    draft = notice_version_create_draft(notice=old.notice, user=editor, on=TODAY)
    assert draft.status == NoticeVersion.Status.DRAFT
    assert draft.effective_date == TODAY + datetime.timedelta(days=1)
    assert draft.last_edited_by == editor
    assert list(draft.purposes.values_list("text", flat=True)) == ["現在の目的"]
    assert draft.responsible_party_address == current.responsible_party_address
    assert [j.company_id for j in draft.joint_users.all()] == [j.company_id for j in current.joint_users.all()]
    assert list(draft.data_items.values_list("text", flat=True)) == ["氏名、住所、生年月日"]


def test_the_draft_is_independent_of_the_published_version():
    current = published_version(effective_date=datetime.date(2023, 4, 1))
    draft = notice_version_create_draft(notice=current.notice, user=personas.editor(), on=TODAY)
    draft.purposes.update(text="変更")
    current.refresh_from_db()
    assert list(current.purposes.values_list("text", flat=True)) == ["保険契約の引受け", "各種商品のご案内"]
    assert current.snapshot["purposes"] == ["保険契約の引受け", "各種商品のご案内"]


def test_a_notice_without_any_published_version_gets_an_empty_draft():
    notice = NoticeFactory()
    draft = notice_version_create_draft(notice=notice, user=personas.editor(), on=TODAY)
    assert draft.purposes.count() == 0 and draft.introduction == ""


def test_someone_who_cannot_add_versions_cannot_create_a_draft():
    current = published_version(effective_date=datetime.date(2023, 4, 1))
    with pytest.raises(PermissionDenied):
        notice_version_create_draft(notice=current.notice, user=personas.approver(), on=TODAY)
    assert current.notice.versions.count() == 1
