"""The whole workflow in a real Chromium: an 編集者 drafts a revision (the 2022 items, a reworded purpose, a
new joint user), cannot publish it; a 承認者 reviews its content and 新旧対照表 and publishes it 30+ days ahead;
until the day the API, the preference matrix and /companies/ are unchanged; on the day (time-machine) the new
version is in force everywhere and the 新旧対照表 marks the change."""

import datetime
import zoneinfo

import pytest
import time_machine
from django.test import Client

from consents.services import consent_answer_record
from customers.login import SESSION_KEY
from notices.models import Notice, NoticeVersion
from notices.services import notice_version_create_draft, notice_version_freeze
from tests import personas
from tests.factories import ApiClientFactory, CompanyFactory, PolicyholderFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TOKYO = zoneinfo.ZoneInfo("Asia/Tokyo")
OLD_PURPOSE = "楽天インシュアランスグループが提供する各種商品・サービスのご案内、提供"
NEW_PURPOSE = "楽天インシュアランスグループが提供する各種商品・サービスの広告、宣伝"


def log_in(page, base_url: str, username: str) -> None:
    page.goto(f"{base_url}/admin/login/?next=/admin/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(personas.PASSWORD)
    page.get_by_role("button", name="ログイン").click()
    page.wait_for_url(f"{base_url}/admin/")


NEWCOMER = "楽天ペット保険株式会社"


def what_customers_and_systems_see(live_server_url: str, newcomer, vendor, holder) -> dict:
    """Whether the new company is in the API's answer, the customer's preference matrix and /companies/."""
    client = Client()
    api = client.get(
        "/api/v1/contact-permission",
        {"customer": holder.customer_number, "company": newcomer.pk, "channel": "direct_mail"},
        headers={"Authorization": f"Bearer {vendor.token}"},
    ).json()
    session = client.session
    session[SESSION_KEY] = holder.pk
    session.save()
    matrix = client.get("/my/preferences/").content.decode()
    companies = client.get("/companies/").content.decode().partition("共同利用者に加わる会社")[0]
    return {"api": api["allowed"], "matrix": NEWCOMER in matrix, "companies": NEWCOMER in companies}


def test_an_editor_drafts_an_approver_publishes_and_it_takes_effect_on_its_day(
    live_server, demo_content, browser, page_at, assert_accessible
):
    personas.editor()
    personas.approver()
    notice = Notice.objects.get(slug="group-joint-use")
    newcomer = CompanyFactory(legal_name=NEWCOMER, short_name="楽天ペット")
    vendor = ApiClientFactory(companies=[newcomer])
    holder = PolicyholderFactory()
    nothing_new = {"api": False, "matrix": False, "companies": False}
    with time_machine.travel(datetime.datetime(2027, 1, 15, 10, 0, tzinfo=TOKYO)) as traveller:
        assert what_customers_and_systems_see(live_server.url, newcomer, vendor, holder) == nothing_new
        # 編集者: a new draft from the latest version; one purpose reworded, the 2022 items, a new joint user.
        editor_page = page_at(1280)
        log_in(editor_page, live_server.url, "editor")
        editor_page.goto(f"{live_server.url}/admin/notices/notice/{notice.pk}/change/")
        editor_page.get_by_role("button", name="新しい版を作成").click()
        assert "最新の公表済みの版" in editor_page.locator(".messagelist").inner_text()
        editor_page.locator("#id_effective_date").fill("2027-04-01")
        editor_page.locator("#id_change_summary").fill("利用目的の表現を改め、個人データ管理責任者の住所と代表者を記載しました。")
        editor_page.locator("#id_responsible_party_address").fill("東京都世田谷区玉川一丁目14番1号")
        editor_page.locator("#id_responsible_party_representative").fill("代表取締役社長 山田太郎")
        purpose = editor_page.locator("textarea[name^=purposes-][name$=-text]").nth(3)
        assert purpose.input_value() == OLD_PURPOSE
        purpose.fill(NEW_PURPOSE)
        editor_page.locator("#joint_users-group .add-row a").click()
        editor_page.locator("select[name='joint_users-4-company']").select_option(label=NEWCOMER)
        editor_page.locator("input[name='joint_users-4-order']").fill("5")
        editor_page.locator("#id_publication_ground").select_option("consent")
        # How consent is obtained, and no count: the portal asks the customers once the version is published.
        editor_page.locator("#id_consent_method").fill("公表後、マイページで対象のお客さまに同意の有無をお伺いします。")
        editor_page.get_by_role("button", name="保存", exact=True).click()
        draft = NoticeVersion.objects.get(notice=notice, status=NoticeVersion.Status.DRAFT)
        assert draft.effective_date == datetime.date(2027, 4, 1)
        assert draft.joint_users.filter(company=newcomer).exists()

        # The editor cannot publish: no button, and the page itself refuses.
        editor_page.goto(f"{live_server.url}/admin/notices/noticeversion/{draft.pk}/change/")
        assert editor_page.get_by_role("link", name="公表する").count() == 0
        refused = editor_page.goto(f"{live_server.url}/admin/notices/noticeversion/{draft.pk}/publish/")
        assert refused.status == 403
        # The refusal names the rule and who can publish.
        refusal = editor_page.locator("main").inner_text()
        assert "二者確認のルールにより" in refusal and "この版を公表できる承認者：approver" in refusal

        # 承認者: sees the content and the 新旧対照表, then publishes with the sign-off and the ground's note.
        approver_page = page_at(1280)
        log_in(approver_page, live_server.url, "approver")
        approver_page.goto(f"{live_server.url}/admin/notices/noticeversion/{draft.pk}/change/")
        approver_page.get_by_role("link", name="公表する").click()
        heading = approver_page.get_by_role("heading", name="お客さまに表示される内容")
        review = approver_page.locator("section", has=heading)
        assert NEW_PURPOSE in review.inner_text() and NEWCOMER in review.inner_text()
        assert "東京都世田谷区玉川一丁目14番1号" in review.inner_text()
        compare = approver_page.locator("section", has=approver_page.get_by_role("heading", name="新旧対照表"))
        assert "広告" in " ".join(compare.locator("ins").all_inner_texts())
        approver_page.locator("#id_legal_signoff_note").fill("法務部 佐藤 2027-01-14 確認済み")
        approver_page.locator("#id_publication_ground_note").fill("全契約者から書面で同意を取得（同意書は法務部保管）")
        ground_heading = approver_page.get_by_role("heading", name="下書きに記録された変更の根拠")
        ground = approver_page.locator("section", has=ground_heading)
        assert "公表時には入力しません" in ground.inner_text()
        approver_page.get_by_role("button", name="公表する").click()
        assert "公表しました。" in approver_page.locator(".messagelist").inner_text()
        draft.refresh_from_db()
        assert draft.is_published and draft.consent_count is None
        # Announced, not in force: the API, the matrix and /companies/ are as they were.
        assert what_customers_and_systems_see(live_server.url, newcomer, vendor, holder) == nothing_new

        # Customers see the announcement; the version in force is still the old one.
        public = page_at(375)
        public.goto(f"{live_server.url}/notices/group-joint-use/")
        announcement = public.locator(".announcement")
        assert "2027年4月1日（令和9年4月1日）から改定後の内容を適用します" in announcement.inner_text()
        assert public.get_by_text(NEW_PURPOSE).count() == 0
        assert_accessible(public)
        public.goto(f"{live_server.url}/")
        announced = "2027年4月1日（令和9年4月1日）から改定後の内容を適用します"
        assert announced in public.locator(".announcement").inner_text()
        assert_accessible(public)

        # The ground is consent: the customer consents on their page before the day (consents/reconsent.py);
        # another customer of before the change does not answer.
        consent_answer_record(policyholder=holder, version_id=draft.pk, consent=True)
        silent = PolicyholderFactory()

        # On the day, nobody does anything and the new version is in force, for the new joint user too, with the
        # customers who consented to it.
        traveller.move_to(datetime.datetime(2027, 4, 1, 9, 0, tzinfo=TOKYO))
        assert what_customers_and_systems_see(live_server.url, newcomer, vendor, holder) == {
            "api": True, "matrix": True, "companies": True,
        }
        assert what_customers_and_systems_see(live_server.url, newcomer, vendor, silent) == {
            "api": False, "matrix": False, "companies": True,
        }
        day = page_at(375)
        day.goto(f"{live_server.url}/notices/group-joint-use/")
        assert day.locator("ol.purposes li").nth(3).inner_text() == NEW_PURPOSE
        assert day.locator(".announcement").count() == 0
        day.get_by_role("link", name="2019年6月3日（令和元年6月3日）適用の版との新旧対照表").click()
        assert day.get_by_role("heading", level=1).inner_text() == "新旧対照表"
        row = day.locator("table.compare tbody tr").filter(
            has=day.locator(".compare-heading", has_text="共同利用の利用目的")
        )
        after, before = row.locator("td").nth(0), row.locator("td").nth(1)
        assert "広告" in after.locator("ins").all_inner_texts()[0]
        assert any("ご案内" in text for text in before.locator("del").all_inner_texts())
        assert_accessible(day)


@pytest.mark.parametrize("width", [375, 1280])
def test_axe_finds_no_violation_on_the_compare_page_and_the_announcement(
    live_server, demo_content, page_at, assert_accessible, width
):
    notice = Notice.objects.get(slug="group-joint-use")
    draft = notice_version_create_draft(notice=notice, user=personas.editor(), on=datetime.date(2099, 3, 31))
    draft.purposes.filter(text=OLD_PURPOSE).update(text=NEW_PURPOSE)
    notice_version_freeze(version=draft)
    page = page_at(width)
    for path in ("/", "/notices/group-joint-use/", "/notices/group-joint-use/compare/2019-06-03/2099-04-01/"):
        page.goto(live_server.url + path)
        assert page.locator("html").get_attribute("lang") == "ja"
        assert_accessible(page)
    # The collapsed sections, once opened, are accessible too.
    page.locator("details.unchanged summary").click()
    assert_accessible(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= width
