"""notice_version_publish: the five legal rules, each refusing, all reported at once, nothing written."""

import datetime
import zoneinfo

import pytest
from django.core.exceptions import PermissionDenied

from notices.models import DataItem, JointUser, NoticeVersion, Purpose
from notices.services import PublicationRefused, notice_version_create_draft, notice_version_publish
from tests import personas
from tests.factories import CompanyFactory, NoticeVersionFactory, published_version

TOKYO = zoneinfo.ZoneInfo("Asia/Tokyo")
PUBLISHED_ON = datetime.date(2027, 1, 15)
NOW = datetime.datetime(2027, 1, 15, 10, 0, tzinfo=TOKYO)
LATER = datetime.date(2027, 4, 1)

pytestmark = pytest.mark.django_db


@pytest.fixture
def people():
    return personas.editor(), personas.approver()


@pytest.fixture
def in_force():
    return published_version(effective_date=datetime.date(2023, 4, 1))


@pytest.fixture
def draft(in_force, people):
    editor, _ = people
    draft = notice_version_create_draft(notice=in_force.notice, user=editor, on=PUBLISHED_ON)
    draft.effective_date = LATER
    draft.save()
    return draft


def publish(version, **kwargs):
    """Publish as an approver who reviewed the version as it stands."""
    return notice_version_publish(version=version, reviewed_fingerprint=version.content_fingerprint(), **kwargs)


def refusal(draft, user, **kwargs) -> PublicationRefused:
    with pytest.raises(PublicationRefused) as refused:
        publish(draft, user=user, at=NOW, **kwargs)
    draft.refresh_from_db()
    assert draft.status == NoticeVersion.Status.DRAFT
    assert draft.snapshot is None and draft.published_at is None and draft.published_by is None
    return refused.value


def rules(refused: PublicationRefused) -> set[int]:
    return {failure.rule for failure in refused.failures}


def test_it_publishes_a_valid_draft_and_records_who_and_when(draft, people):
    _, approver = people
    publish(draft, user=approver, at=NOW)
    draft.refresh_from_db()
    assert draft.status == NoticeVersion.Status.PUBLISHED
    assert draft.published_by == approver
    assert draft.published_at == NOW
    assert draft.snapshot["purposes"] == ["保険契約の引受け", "各種商品のご案内"]


def test_it_publishes_a_changed_purpose_announced_in_advance_with_a_sign_off(draft, people):
    _, approver = people
    Purpose.objects.filter(version=draft, order=2).update(text="各種商品・サービスのご案内")
    publish(draft, user=approver, at=NOW, legal_signoff_note="法務部確認済み(2027-01-10)")
    draft.refresh_from_db()
    assert draft.is_published
    assert draft.legal_signoff_note == "法務部確認済み(2027-01-10)"


def test_rule_1_refuses_a_joint_use_version_missing_statutory_items(draft, people):
    _, approver = people
    Purpose.objects.filter(version=draft).delete()
    JointUser.objects.filter(version=draft).delete()
    DataItem.objects.filter(version=draft).delete()
    draft.responsible_party_name = ""
    draft.responsible_party_address = ""
    draft.responsible_party_representative = ""
    draft.joint_users_scope = ""
    draft.introduction = ""
    draft.save()
    refused = refusal(draft, approver, legal_signoff_note="確認済み", ground="consent", ground_note="同意取得済み")
    cited = [failure.message for failure in refused.failures if failure.rule == 1]
    prefix = "個人情報保護法第27条第5項第3号により、次の事項が必要です："
    assert all(message.startswith(prefix) for message in cited)
    messages = [message.removeprefix(prefix) for message in cited]
    assert "共同利用の利用目的を1つ以上記載してください。" in messages
    assert "共同利用者として会社を1社以上登録してください。" in messages
    assert "共同利用する個人データの項目を1つ以上記載してください。" in messages
    assert "共同利用者の範囲を記載してください。" in messages
    assert "個人データの管理について責任を有する者の氏名または名称を記載してください。" in messages
    assert any("住所" in message for message in messages) and any("代表者" in message for message in messages)
    assert any("共同利用する旨" in message for message in messages)


def test_rule_1_needs_no_address_for_a_version_published_and_in_force_before_april_2022(people):
    editor, approver = people
    version = NoticeVersionFactory(
        effective_date=datetime.date(2019, 6, 3), responsible_party_address="", responsible_party_representative="",
        last_edited_by=editor,
    )
    publish(version, user=approver, at=datetime.datetime(2019, 5, 20, 10, 0, tzinfo=TOKYO))
    version.refresh_from_db()
    assert version.is_published


def test_a_version_cannot_be_published_with_a_past_effective_date(people):
    editor, approver = people
    version = NoticeVersionFactory(effective_date=datetime.date(2021, 1, 1), last_edited_by=editor)
    with pytest.raises(PublicationRefused) as refused:
        publish(version, user=approver, at=NOW)
    assert any("過去" in failure.message for failure in refused.value.failures)
    version.refresh_from_db()
    assert not version.is_published


def test_rule_1_needs_the_address_and_representative_from_april_2022(people):
    editor, approver = people
    version = NoticeVersionFactory(
        effective_date=datetime.date(2027, 2, 1), responsible_party_address="", responsible_party_representative="",
        last_edited_by=editor,
    )
    refused = refusal(version, approver)
    assert rules(refused) == {1}
    assert len(refused.failures) == 2


def test_rule_2_refuses_a_purpose_change_that_takes_effect_on_the_day_it_is_published(draft, people):
    _, approver = people
    Purpose.objects.create(version=draft, order=3, text="新しい利用目的")
    draft.effective_date = PUBLISHED_ON
    draft.save()
    refused = refusal(draft, approver)
    assert rules(refused) == {2}
    messages = " ".join(failure.message for failure in refused.failures)
    assert "個人情報保護法第27条第6項により" in messages and "2027年2月14日（令和9年2月14日）以降" in messages
    assert "法務確認メモ" in messages


def test_rule_2_refuses_a_new_responsible_party_without_a_sign_off_note(draft, people):
    _, approver = people
    draft.responsible_party_name = "別会社株式会社"
    draft.save()
    refused = refusal(draft, approver)
    assert rules(refused) == {2}
    assert [failure.message for failure in refused.failures] == [
        "この版は利用目的または個人データ管理責任者を変更するため、法務確認メモを記入してください。"
    ]


def test_rule_3_refuses_changed_data_items_without_a_ground_and_a_note(draft, people):
    _, approver = people
    DataItem.objects.create(version=draft, order=2, text="勤務先")
    refused = refusal(draft, approver)
    assert rules(refused) == {3}
    assert len(refused.failures) == 2
    draft.consent_method = "書面による同意"
    draft.consent_count = 1200
    draft.save()
    publish(draft, user=approver, at=NOW, ground="consent",
        ground_note="全契約者から同意を取得",
    )
    draft.refresh_from_db()
    assert draft.is_published and draft.publication_ground == "consent"


def test_rule_3_treats_a_renamed_joint_user_as_a_change_of_scope(draft, people):
    _, approver = people
    company = draft.joint_users.get().company
    company.legal_name = "新社名保険株式会社"
    company.save()
    refused = refusal(draft, approver)
    assert rules(refused) == {3}
    publish(draft, user=approver, at=NOW, ground="rename", ground_note="2027年1月1日商号変更")
    assert NoticeVersion.objects.get(pk=draft.pk).is_published


def test_rule_3_refuses_an_added_joint_user(draft, people):
    _, approver = people
    JointUser.objects.create(version=draft, order=2, company=CompanyFactory())
    assert rules(refusal(draft, approver)) == {3}


def test_rule_4_refuses_a_sensitive_data_item(draft, people):
    _, approver = people
    DataItem.objects.filter(version=draft).update(sensitive=True)
    refused = refusal(draft, approver)
    assert rules(refused) == {4}
    assert "機微情報" in refused.failures[0].message


def test_rule_5_refuses_the_last_editor_as_publisher(draft, people):
    _, approver = people
    draft.last_edited_by = approver
    draft.save()
    refused = refusal(draft, approver)
    assert rules(refused) == {5}
    assert "二者確認" in refused.failures[0].message


def test_it_lists_every_failed_rule_at_once(draft, people):
    _, approver = people
    Purpose.objects.filter(version=draft).delete()  # rule 1, and a change of purposes (rule 2)
    DataItem.objects.create(version=draft, order=2, text="病歴", sensitive=True)  # rules 3 and 4
    draft.effective_date = PUBLISHED_ON
    draft.last_edited_by = approver  # rule 5
    draft.save()
    assert rules(refusal(draft, approver)) == {1, 2, 3, 4, 5}


def test_it_refuses_a_second_published_version_on_the_same_date(in_force, people):
    editor, approver = people
    twin = NoticeVersionFactory(notice=in_force.notice, effective_date=in_force.effective_date, last_edited_by=editor)
    refused = refusal(twin, approver)
    assert "適用日が2023年4月1日（令和5年4月1日）の公表済みの版がすでにあります" in refused.failures[0].message
    assert in_force.notice.versions.published().count() == 1


@pytest.mark.parametrize("effective_date", [datetime.date(1, 1, 1), datetime.date(9999, 12, 31)])
def test_it_refuses_an_absurd_effective_date(people, effective_date):
    editor, approver = people
    version = NoticeVersionFactory(effective_date=effective_date, last_edited_by=editor)
    refused = refusal(version, approver)
    assert any("適用日" in failure.message for failure in refused.failures)


def test_it_refuses_to_publish_twice(draft, people):
    _, approver = people
    publish(draft, user=approver, at=NOW)
    with pytest.raises(PublicationRefused) as refused:
        publish(draft, user=approver, at=NOW)
    assert "すでに公表されています" in refused.value.failures[0].message


def test_a_user_who_is_not_an_approver_cannot_publish(draft):
    other_editor = personas.editor("editor2")
    with pytest.raises(PermissionDenied):
        publish(draft, user=other_editor, at=NOW)
    draft.refresh_from_db()
    assert draft.status == NoticeVersion.Status.DRAFT
