import datetime

from notices.models import NoticeVersion
from tests.factories import NoticeVersionFactory, published_version


def test_version_list_shows_published_versions_newest_first(client, demo_content):
    notice = NoticeVersion.objects.get(notice__slug="group-joint-use").notice
    published_version(notice=notice, effective_date=datetime.date(2027, 4, 1))
    NoticeVersionFactory(notice=notice, effective_date=datetime.date(2028, 1, 1))  # a draft: never listed
    html = client.get("/notices/group-joint-use/versions/").content.decode()
    assert html.index("2027年4月1日") < html.index("2019年6月3日")
    assert "2028年1月1日" not in html
    assert "適用予定" in html and "適用中" in html


def test_one_version_by_date(client, demo_content):
    response = client.get("/notices/group-joint-use/2019-06-03/")
    assert response.status_code == 200
    assert "当該個人データを原取得した各会社" in response.content.decode()


def test_a_draft_is_not_public(client, demo_content):
    notice = NoticeVersion.objects.get(notice__slug="group-joint-use").notice
    NoticeVersionFactory(notice=notice, effective_date=datetime.date(2028, 1, 1))
    assert client.get("/notices/group-joint-use/2028-01-01/").status_code == 404


def test_an_impossible_date_in_the_path_is_404(client, demo_content):
    response = client.get("/notices/group-joint-use/2019-13-45/")
    assert response.status_code == 404
    assert "ページが見つかりません" in response.content.decode()


def test_an_old_version_says_it_is_not_in_force(client, demo_content):
    notice = NoticeVersion.objects.get(notice__slug="group-joint-use").notice
    published_version(notice=notice, effective_date=datetime.date(2020, 1, 1))
    html = client.get("/notices/group-joint-use/2019-06-03/").content.decode()
    assert "この版は現在適用されている版ではありません。" in html
