"""What customers and marketing systems see follows the joint-use version in force, and nothing changes it
without a second person: each test is one way this went wrong before."""

import datetime
import zoneinfo

import pytest
import time_machine
from django.db import IntegrityError, connection, transaction

from notices.models import DataItem, JointUser, NoticeVersion, PublicationRefusal, Purpose
from notices.services import (
    ContentChanged,
    PublicationRefused,
    WithdrawalRefused,
    notice_version_create_draft,
    notice_version_publish,
    notice_version_withdraw,
)
from tests import personas
from tests.factories import ApiClientFactory, CompanyFactory, PolicyholderFactory
from tests.notices.admin_forms import publish_page

TOKYO = zoneinfo.ZoneInfo("Asia/Tokyo")
TODAY = datetime.date(2027, 1, 14)
NOW = datetime.datetime(2027, 1, 14, 10, 0, tzinfo=TOKYO)

pytestmark = pytest.mark.django_db


@pytest.fixture
def group_notice(demo_content):
    return NoticeVersion.objects.get(notice__slug="group-joint-use").notice


@pytest.fixture
def newcomer():
    """A company added in the admin, marketing on, that no published version names."""
    return CompanyFactory(legal_name="楽天ペット保険株式会社", short_name="楽天ペット", corporate_number="")


def _draft(notice, *, effective_date, editor=None):
    editor = editor or personas.editor()
    draft = notice_version_create_draft(notice=notice, user=editor, on=TODAY)
    draft.effective_date = effective_date
    # From April 2022 the notice gives the responsible party's address and representative (the 2019 demo
    # version does not: every revision adds them).
    draft.responsible_party_address = "東京都世田谷区玉川一丁目14番1号"
    draft.responsible_party_representative = "代表取締役社長 楽天太郎"
    draft.save()
    return draft


def _publish(version, approver, **kwargs):
    return notice_version_publish(
        version=version, user=approver, reviewed_fingerprint=version.content_fingerprint(), at=NOW, **kwargs
    )


def _announce_newcomer(notice, newcomer, *, effective_date):
    draft = _draft(notice, effective_date=effective_date)
    JointUser.objects.create(version=draft, order=9, company=newcomer)
    draft.consent_method = "書面による同意"
    draft.consent_count = 120
    draft.save()
    return _publish(draft, personas.approver(), ground="consent", ground_note="全契約者から書面で同意を取得")


def _api(client, token, company, channel="direct_mail", customer=None):
    customer = customer or PolicyholderFactory().customer_number
    return client.get(
        "/api/v1/contact-permission",
        {"customer": customer, "company": company.pk, "channel": channel},
        headers={"Authorization": f"Bearer {token}"},
    )


# 1. A company outside the notice in force can market at once.
@time_machine.travel(NOW)
def test_a_company_no_version_in_force_names_may_not_market(client, group_notice, newcomer):
    vendor = ApiClientFactory(companies=[newcomer])
    body = _api(client, vendor.token, newcomer).json()
    assert body["allowed"] is False
    assert body["decided_by"]["kind"] == "not_joint_user"
    batch = client.post(
        "/api/v1/contact-permission/batch",
        {"company": newcomer.pk, "channel": "phone", "customers": [PolicyholderFactory().customer_number]},
        content_type="application/json",
        headers={"Authorization": f"Bearer {vendor.token}"},
    ).json()
    assert [result["allowed"] for result in batch["results"]] == [False]
    export = client.get(
        "/api/v1/do-not-contact", {"company": newcomer.pk, "channel": "email"},
        headers={"Authorization": f"Bearer {vendor.token}"},
    )
    assert export.status_code == 409
    assert "共同利用者" in export.json()["detail"]


@time_machine.travel(NOW)
def test_the_preference_matrix_shows_only_the_joint_users_in_force(client, group_notice, newcomer):
    from customers.login import SESSION_KEY

    holder = PolicyholderFactory()
    session = client.session
    session[SESSION_KEY] = holder.pk
    session.save()
    html = client.get("/my/preferences/").content.decode()
    assert "楽天生命保険株式会社" in html
    assert "楽天ペット保険株式会社" not in html


# 3. /companies/ grows before the notice does.
def test_companies_lists_the_joint_users_in_force_and_apart_those_an_announced_version_adds(
    client, group_notice, newcomer
):
    with time_machine.travel(NOW):
        _announce_newcomer(group_notice, newcomer, effective_date=datetime.date(2027, 3, 1))
        html = client.get("/companies/").content.decode()
        in_force, _, joining = html.partition("共同利用者に加わる会社")
        assert "楽天生命保険株式会社" in in_force and "楽天ペット保険株式会社" not in in_force
        assert "楽天ペット保険株式会社" in joining
        assert "2027年3月1日（令和9年3月1日）から共同利用者に加わります" in joining
    with time_machine.travel(datetime.datetime(2027, 3, 1, 0, 5, tzinfo=TOKYO)):
        html = client.get("/companies/").content.decode()
        assert "楽天ペット保険株式会社" in html and "共同利用者に加わる会社" not in html


# 2. The approver does not publish what they reviewed.
@time_machine.travel(NOW)
def test_publication_is_refused_when_the_draft_changed_after_the_approver_opened_it(client, group_notice):
    draft = _draft(group_notice, effective_date=datetime.date(2027, 3, 1))
    client.force_login(personas.approver())
    page, reviewed = publish_page(client, draft)
    html = page.content.decode()
    assert "お客さまに表示される内容" in html and "楽天インシュアランスグループが保有する個人の氏名" in html
    DataItem.objects.filter(version=draft).update(text="氏名、住所、年収")  # the editor saves new text meanwhile
    response = client.post(f"/admin/notices/noticeversion/{draft.pk}/publish/", {"reviewed_fingerprint": reviewed})
    assert response.status_code == 409
    html = response.content.decode()
    assert "確認した内容と公表される内容が異なります" in html
    assert "氏名、住所、年収" in html  # the page now shows what would be published
    draft.refresh_from_db()
    assert draft.is_draft
    with pytest.raises(ContentChanged):
        notice_version_publish(version=draft, user=personas.approver("approver2"), reviewed_fingerprint=reviewed)


# 4. Drafts start from the wrong version.
@time_machine.travel(NOW)
def test_a_new_draft_starts_from_the_announced_version_and_compares_with_it(client, group_notice, newcomer):
    announced = _announce_newcomer(group_notice, newcomer, effective_date=datetime.date(2027, 3, 1))
    draft = notice_version_create_draft(notice=group_notice, user=personas.editor("editor2"), on=TODAY)
    assert draft.effective_date == datetime.date(2027, 3, 2)
    assert newcomer.pk in set(draft.joint_users.values_list("company_id", flat=True))
    Purpose.objects.filter(version=draft, order=1).update(text="経営管理および法令等の遵守")
    client.force_login(personas.approver("approver2"))
    html = client.get(f"/admin/notices/noticeversion/{draft.pk}/compare/").content.decode()
    assert "2027年3月1日" in html
    assert "2つの版の内容に違いはありません" not in html
    assert NoticeVersion.objects.preceding(draft).first() == announced


# 5. Announced versions cannot be withdrawn, and inserting one before them is not re-checked.
@time_machine.travel(NOW)
def test_a_version_dated_before_an_announced_one_is_refused_until_it_is_withdrawn(client, group_notice, newcomer):
    announced = _announce_newcomer(group_notice, newcomer, effective_date=datetime.date(2027, 3, 1))
    earlier = _draft(group_notice, effective_date=datetime.date(2027, 2, 20), editor=personas.editor("editor2"))
    approver = personas.approver("approver2")
    with pytest.raises(PublicationRefused) as refused:
        _publish(earlier, approver)
    assert "2027年3月1日（令和9年3月1日）に適用される版がすでに予告されています" in str(refused.value)
    notice_version_withdraw(version=announced, user=approver, reason="同意取得の手続に不備があったため")
    announced.refresh_from_db()
    assert announced.is_withdrawn and announced.withdrawn_by == approver
    assert announced.withdrawal_reason == "同意取得の手続に不備があったため"
    assert "予告" not in client.get("/notices/group-joint-use/").content.decode()
    assert client.get("/notices/group-joint-use/2027-03-01/").status_code == 404
    assert "楽天ペット保険株式会社" not in client.get("/companies/").content.decode()


@time_machine.travel(NOW)
def test_a_version_in_force_can_never_be_withdrawn(group_notice):
    in_force = group_notice.versions.in_force(on=TODAY).first()
    with pytest.raises(WithdrawalRefused, match="2019年6月3日（令和元年6月3日）に適用されました"):
        notice_version_withdraw(version=in_force, user=personas.approver(), reason="誤り")
    in_force.refresh_from_db()
    assert in_force.is_published


@time_machine.travel(NOW)
def test_an_approver_withdraws_in_the_admin_with_a_reason(client, group_notice, newcomer):
    announced = _announce_newcomer(group_notice, newcomer, effective_date=datetime.date(2027, 3, 1))
    client.force_login(personas.approver("approver2"))
    url = f"/admin/notices/noticeversion/{announced.pk}/withdraw/"
    refused = client.post(url, {"reason": ""})
    assert refused.status_code == 400
    assert "下記の項目を確認し、修正してください。" in refused.content.decode()
    assert "Please correct" not in refused.content.decode()
    response = client.post(url, {"reason": "法務部の指摘により撤回"})
    assert response.status_code == 302
    announced.refresh_from_db()
    assert announced.is_withdrawn
    change = client.get(f"/admin/notices/noticeversion/{announced.pk}/change/").content.decode()
    assert "撤回しました" in change and "法務部の指摘により撤回" in change


# 6. The ground is not checked against the change.
@time_machine.travel(NOW)
def test_a_new_company_is_not_a_change_of_name(group_notice, newcomer):
    draft = _draft(group_notice, effective_date=datetime.date(2027, 3, 1))
    JointUser.objects.create(version=draft, order=9, company=newcomer)
    with pytest.raises(PublicationRefused) as refused:
        _publish(draft, personas.approver(), ground="rename", ground_note="社名変更")
    assert "法人番号を変えずに名称を変更した場合に限られます" in str(refused.value)
    assert "3-6-3" in str(refused.value)


@time_machine.travel(NOW)
def test_a_joint_user_renamed_under_the_same_corporate_number_is_a_change_of_name(group_notice, demo_content):
    life = JointUser.objects.filter(version__notice=group_notice).select_related("company").first().company
    life.legal_name = "楽天生命保険相互会社"
    life.save()
    draft = _draft(group_notice, effective_date=datetime.date(2027, 3, 1))
    _publish(draft, personas.approver(), ground="rename", ground_note="商号変更（登記済み）")
    draft.refresh_from_db()
    assert draft.is_published


@time_machine.travel(NOW)
def test_a_succession_names_the_predecessor_and_the_successor(group_notice, newcomer):
    old = JointUser.objects.filter(version__notice=group_notice).exclude(company=newcomer).last()
    draft = _draft(group_notice, effective_date=datetime.date(2027, 3, 1))
    JointUser.objects.filter(version=draft, company=old.company).update(company=newcomer)
    with pytest.raises(PublicationRefused, match="承継元の会社と承継先の会社"):
        _publish(draft, personas.approver(), ground="succession", ground_note="事業譲渡")
    draft.predecessor_company, draft.successor_company = old.company, newcomer
    draft.save()
    _publish(draft, personas.approver("approver2"), ground="succession", ground_note="事業譲渡")


# 7. 機微情報 depends on a checkbox.
@time_machine.travel(NOW)
def test_sensitive_information_is_refused_from_its_words_whatever_the_checkbox(group_notice):
    draft = _draft(group_notice, effective_date=datetime.date(2027, 3, 1))
    DataItem.objects.create(version=draft, order=2, text="病歴、健康診断の結果その他の保健医療に関する情報")
    draft.consent_method, draft.consent_count = "書面", 10
    draft.save()
    with pytest.raises(PublicationRefused) as refused:
        _publish(draft, personas.approver(), ground="consent", ground_note="同意取得")
    message = str(refused.value)
    assert "金融分野における個人情報保護に関するガイドライン第5条" in message and "保健医療" in message


@time_machine.travel(NOW)
def test_the_admin_warns_when_a_data_item_names_sensitive_information(client, group_notice):
    from tests.notices.admin_forms import version_form_data

    draft = _draft(group_notice, effective_date=datetime.date(2027, 3, 1))
    client.force_login(personas.editor("editor2"))
    data = version_form_data(draft)
    data["data_items-0-text"] = "氏名、服薬の状況"
    response = client.post(f"/admin/notices/noticeversion/{draft.pk}/change/", data, follow=True)
    assert "機微情報" in response.content.decode() and "保健医療" in response.content.decode()


# 9. A published version can be rewritten.
def test_update_and_raw_sql_cannot_change_a_published_version_or_its_rows(group_notice):
    version = group_notice.versions.published().first()
    table = NoticeVersion._meta.db_table
    attempts = [
        lambda: NoticeVersion.objects.filter(pk=version.pk).update(snapshot={"title": "改ざん"}),
        lambda: NoticeVersion.objects.filter(pk=version.pk).update(effective_date=datetime.date(2020, 1, 1)),
        lambda: Purpose.objects.filter(version=version).update(text="改ざんされた目的"),
        lambda: Purpose.objects.bulk_create([Purpose(version=version, order=99, text="追加された目的")]),
        lambda: Purpose.objects.bulk_update(
            [Purpose(pk=purpose.pk, version=version, order=1, text="改ざん") for purpose in version.purposes.all()],
            ["text"],
        ),
        lambda: DataItem.objects.filter(version=version).delete(),
        lambda: connection.cursor().execute(f"UPDATE {table} SET notes = 'x' WHERE id = %s", [version.pk]),
        lambda: connection.cursor().execute(f"DELETE FROM {table} WHERE id = %s", [version.pk]),
    ]
    for attempt in attempts:
        with pytest.raises(IntegrityError), transaction.atomic():
            attempt()
    version.refresh_from_db()
    assert version.snapshot["title"] != "改ざん" and version.is_published
    assert Purpose.objects.filter(version=version, text="改ざんされた目的").count() == 0


# 10. Advance notice, citations, Japanese dates, refusals kept.
@time_machine.travel(NOW)
def test_a_purpose_change_needs_thirty_days_notice_and_a_refusal_is_kept(group_notice, settings):
    draft = _draft(group_notice, effective_date=datetime.date(2027, 1, 15))
    Purpose.objects.filter(version=draft, order=1).update(text="経営管理")
    approver = personas.approver()
    with pytest.raises(PublicationRefused) as refused:
        _publish(draft, approver, legal_signoff_note="法務確認済み")
    message = str(refused.value)
    assert "個人情報保護法第27条第6項により" in message
    assert "2027年2月13日（令和9年2月13日）以降" in message and "2027-" not in message
    kept = PublicationRefusal.objects.get(version=draft)
    assert kept.attempted_by == approver and "第27条第6項" in kept.reasons[0]["message"]
    settings.NOTICE_MIN_ADVANCE_DAYS = 1
    _publish(draft, approver, legal_signoff_note="法務確認済み")
