import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from notices.models import Company, NoticeVersion
from tests.factories import NoticeFactory, published_version

TOKYO = ZoneInfo("Asia/Tokyo")
URL = "/notices/group-joint-use/"


@pytest.fixture
def second_version(demo_content):
    notice = NoticeVersion.objects.get(notice__slug="group-joint-use").notice
    return published_version(
        notice=notice, effective_date=datetime.date(2027, 4, 1), items=["2027年版の利用目的"]
    )


def test_it_shows_the_version_in_force_with_its_wareki_date(client, demo_content):
    response = client.get(URL)
    assert response.status_code == 200
    assert "改定適用日：" in response.content.decode()
    assert "2019年6月3日（令和元年6月3日）" in response.content.decode()


def test_it_says_no_version_was_in_force_the_day_before(client, demo_content):
    response = client.get(URL, {"as_of": "2019-06-02"})
    assert response.status_code == 404
    assert "2019年6月2日（令和元年6月2日）に適用されていた版はありません。" in response.content.decode()


def test_a_day_not_in_the_calendar_is_blamed_on_the_day_not_the_form(client, demo_content):
    response = client.get(URL, {"as_of": "2027-02-30"})
    assert response.status_code == 400
    assert "2027年2月30日という日付はありません。" in response.content.decode()
    assert "形式" not in response.content.decode()
    wrong_form = client.get(URL, {"as_of": "2027/02/28"})
    assert wrong_form.status_code == 400 and "年-月-日の形式（例：2019-06-03）" in wrong_form.content.decode()


def test_a_day_to_come_is_worded_for_the_future(client, demo_content):
    html = client.get(URL, {"as_of": "2099-01-01"}).content.decode()
    said = "2099年1月1日（令和81年1月1日）に適用される予定の版（本日時点で公表されているもの）を表示しています。"
    assert said in html
    assert "時点で適用されていた版" not in html


def test_it_shows_the_2019_version_on_its_effective_date(client, demo_content):
    response = client.get(URL, {"as_of": "2019-06-03"})
    assert response.status_code == 200
    assert "経営管理、各種リスク管理" in response.content.decode()
    assert "2019年6月3日（令和元年6月3日）時点で適用されていた版を表示しています。" in response.content.decode()


def test_it_switches_versions_at_tokyo_midnight(client, second_version):
    before = client.get(URL, {"as_of": "2027-03-31"}).content.decode()
    after = client.get(URL, {"as_of": "2027-04-01"}).content.decode()
    assert "2027年版の利用目的" not in before and "2019年6月3日（令和元年6月3日）" in before
    assert "2027年版の利用目的" in after and "2027年4月1日（令和9年4月1日）" in after


def test_it_uses_the_tokyo_calendar_day_not_utc(client, second_version):
    # 2027-04-01 00:30 in Tokyo is still 2027-03-31 in UTC.
    with time_machine.travel(datetime.datetime(2027, 4, 1, 0, 30, tzinfo=TOKYO), tick=False):
        assert "2027年版の利用目的" in client.get(URL).content.decode()
    with time_machine.travel(datetime.datetime(2027, 3, 31, 23, 30, tzinfo=TOKYO), tick=False):
        assert "2027年版の利用目的" not in client.get(URL).content.decode()


@pytest.mark.parametrize("as_of", ["abc", "2019-6-3", "２０１９-０６-０３"])
def test_it_refuses_a_bad_date_in_japanese(client, demo_content, as_of):
    response = client.get(URL, {"as_of": as_of})
    assert response.status_code == 400
    assert "2019-06-03" in response.content.decode()
    assert "年-月-日の形式" in response.content.decode()


@pytest.mark.parametrize(("as_of", "said"), [("2019-13-45", "2019年13月45日"), ("0000-00-00", "0年0月0日")])
def test_a_date_of_the_right_form_that_is_no_day_is_refused_for_the_day(client, demo_content, as_of, said):
    response = client.get(URL, {"as_of": as_of})
    assert response.status_code == 400
    assert f"{said}という日付はありません。" in response.content.decode()


def test_it_answers_404_in_japanese_for_an_unknown_slug(client, db):
    response = client.get("/notices/no-such-notice/")
    assert response.status_code == 404
    assert "ページが見つかりません" in response.content.decode()


def test_it_answers_404_for_a_notice_without_a_published_version(client, db):
    notice = NoticeFactory()
    response = client.get(notice.get_absolute_url())
    assert response.status_code == 404
    assert "現在適用されている版はまだありません" in response.content.decode()


def test_a_published_version_does_not_change_when_a_company_is_renamed(client, demo_content):
    before = client.get(URL).content
    company = Company.objects.get(short_name="楽天生命")
    company.legal_name = "楽天新生命保険株式会社"
    company.save()  # drops the cached pages: the notice is rendered again, from its snapshot
    assert client.get(URL).content == before
    assert "楽天新生命保険株式会社" in client.get("/companies/").content.decode()


def test_it_refuses_post(client, demo_content):
    assert client.post(URL).status_code == 405
