"""A version that adds a joint user on the customers' consent: published honestly (how consent is obtained, no
made-up count), announced with what consent means and where to answer, and dated with its 公表日."""

import datetime
import zoneinfo

import pytest
import time_machine

from notices.models import JointUser, NoticeVersion
from notices.services import PublicationRefused, notice_version_create_draft, notice_version_publish
from tests import personas
from tests.factories import CompanyFactory

TOKYO = zoneinfo.ZoneInfo("Asia/Tokyo")
TODAY = datetime.date(2027, 1, 14)
NOW = datetime.datetime(2027, 1, 14, 10, 0, tzinfo=TOKYO)
NEWCOMER = "楽天ペット保険株式会社"

pytestmark = pytest.mark.django_db


@pytest.fixture
def group_notice(demo_content):
    return NoticeVersion.objects.get(notice__slug="group-joint-use").notice


def _draft_adding(notice, company, *, method="公表後、マイページで対象のお客さまに同意の有無をお伺いします。"):
    draft = notice_version_create_draft(notice=notice, user=personas.editor(), on=TODAY)
    draft.effective_date = datetime.date(2027, 3, 1)
    draft.responsible_party_address = "東京都世田谷区玉川一丁目14番1号"
    draft.responsible_party_representative = "代表取締役社長 楽天太郎"
    draft.consent_method = method
    draft.save()
    JointUser.objects.create(version=draft, order=9, company=company)
    return draft


def _publish(draft):
    return notice_version_publish(
        version=draft, user=personas.approver(), reviewed_fingerprint=draft.content_fingerprint(), at=NOW,
        ground="consent", ground_note="お客さまの同意を得て追加します。",
    )


@pytest.fixture
def announced(group_notice):
    with time_machine.travel(NOW):
        return _publish(_draft_adding(group_notice, CompanyFactory(legal_name=NEWCOMER, corporate_number="")))


@time_machine.travel(NOW)
def test_a_consent_ground_version_publishes_with_the_method_and_no_count(group_notice):
    version = _publish(_draft_adding(group_notice, CompanyFactory(legal_name=NEWCOMER, corporate_number="")))
    version.refresh_from_db()
    assert version.is_published and version.consent_count is None


@time_machine.travel(NOW)
def test_a_consent_ground_version_without_the_method_is_refused(group_notice):
    draft = _draft_adding(group_notice, CompanyFactory(legal_name=NEWCOMER, corporate_number=""), method="")
    with pytest.raises(PublicationRefused, match="同意の取得方法"):
        _publish(draft)


@time_machine.travel(NOW)
def test_the_publish_page_says_the_count_comes_from_the_answers(client, group_notice):
    draft = _draft_adding(group_notice, CompanyFactory(legal_name=NEWCOMER, corporate_number=""))
    draft.publication_ground, draft.publication_ground_note = "consent", "お客さまの同意を得て追加します。"
    draft.save()
    client.force_login(personas.approver())
    page = client.get(f"/admin/notices/noticeversion/{draft.pk}/publish/").content.decode()
    assert "同意を得たお客さまの数" in page and "同意のお願いへの回答状況" in page
    assert "record from how many" not in page and "何人" not in page
    # Nothing the rules refuse as it stands: no count is asked for.
    assert "公表できません" not in page


@time_machine.travel(NOW)
def test_the_announcements_say_what_consent_means_and_link_to_the_answer(client, announced):
    for url in ("/", "/notices/group-joint-use/"):
        page = client.get(url).content.decode()
        announcement = page.partition('class="announcement"')[2]
        assert f"{NEWCOMER}が共同利用者に加わります" in announcement
        assert "同意されたお客さまの個人データに限られます" in announcement
        assert 'href="/my/"' in announcement


@time_machine.travel(NOW)
def test_companies_page_says_the_joiner_receives_data_only_of_customers_who_consent(client, announced):
    page = client.get("/companies/").content.decode()
    joining = page.partition("共同利用者に加わる会社")[2]
    assert NEWCOMER in joining
    assert "同意されたお客さまの個人データに限り利用します" in joining and 'href="/my/"' in joining
    # The joint users of the version in force did not join on consent.
    assert "同意にもとづいて" not in page.partition("共同利用者に加わる会社")[0]


@time_machine.travel(NOW)
def test_the_public_comparison_shows_the_consent_ground(client, announced):
    previous = NoticeVersion.objects.preceding(announced).first()
    url = f"/notices/group-joint-use/compare/{previous.effective_date}/{announced.effective_date}/"
    page = client.get(url).content.decode()
    assert "改定の根拠</strong>：お客さまご本人の同意" in page
    assert f"{NEWCOMER}が共同利用者に加わります" in page


@time_machine.travel(NOW)
def test_publication_day_on_the_version_page_the_list_and_the_comparison(client, announced):
    previous = NoticeVersion.objects.preceding(announced).first()
    published = "公表日：<time datetime=\"2027-01-14\">2027年1月14日（令和9年1月14日）</time>"
    assert published in client.get(announced.get_absolute_url()).content.decode()
    versions = client.get("/notices/group-joint-use/versions/").content.decode()
    assert "<th scope=\"col\">公表日</th>" in versions and "2027年1月14日（令和9年1月14日）" in versions
    compare = client.get(
        f"/notices/group-joint-use/compare/{previous.effective_date}/{announced.effective_date}/"
    ).content.decode()
    assert published in compare
    # The demo's version was put on the site after it took effect: its day is not claimed as its 公表日.
    assert "本サイトへの掲載日" in compare


@time_machine.travel(NOW)
def test_publication_day_in_the_pdf(announced):
    from django.template.loader import render_to_string

    previous = NoticeVersion.objects.preceding(announced).first()
    html = render_to_string("notices/compare_print.html", {
        "notice": announced.notice, "old_version": previous, "new_version": announced, "page_url": "x",
        "consent": None,
    })
    assert "公表日：<time datetime=\"2027-01-14\">2027年1月14日（令和9年1月14日）</time>" in html
