"""The admin home warns when the version in force today lacks what rule 1 has required since 2022-04-01."""

import datetime
import zoneinfo

import pytest
import time_machine

from notices.models import Notice
from tests import personas
from tests.factories import published_version

TOKYO = zoneinfo.ZoneInfo("Asia/Tokyo")
WARNING = "2022年4月1日以降に法令で必要な次の事項がありません"


def test_it_warns_about_the_demo_group_notice(client, demo_content):
    client.force_login(personas.editor())
    html = client.get("/admin/").content.decode()
    assert WARNING in html
    assert "「個人データの共同利用について」の現在適用中の版（2019年6月3日（令和元年6月3日）適用）" in html
    assert "個人データ管理責任者の住所を記載してください" in html
    assert "個人データ管理責任者の代表者の氏名を記載してください" in html
    # The 楽天少短 page is an explanation, not the statutory notice: no warning for it.
    assert "「楽天保険グループ各社との共同利用について」" not in html


@time_machine.travel(datetime.datetime(2027, 4, 2, 9, 0, tzinfo=TOKYO), tick=False)
def test_the_warning_goes_once_a_complete_version_is_in_force(client, demo_content):
    notice = Notice.objects.get(slug="group-joint-use")
    published_version(notice=notice, effective_date=datetime.date(2027, 4, 1))
    client.force_login(personas.editor())
    assert WARNING not in client.get("/admin/").content.decode()


@pytest.mark.django_db
def test_it_does_not_warn_about_a_complete_version(client):
    published_version(effective_date=datetime.date(2023, 4, 1))
    client.force_login(personas.editor())
    response = client.get("/admin/")
    assert response.status_code == 200
    assert WARNING not in response.content.decode()
