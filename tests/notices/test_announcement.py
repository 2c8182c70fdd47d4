"""A published version with a future effective date is announced, then takes effect on its day by itself."""

import datetime
import zoneinfo

import pytest
import time_machine

from notices.models import Notice
from tests.factories import published_version

TOKYO = zoneinfo.ZoneInfo("Asia/Tokyo")
ANNOUNCEMENT = "2027年4月1日（令和9年4月1日）から改定後の内容を適用します"
COMPARE_URL = "/notices/group-joint-use/compare/2019-06-03/2027-04-01/"


@pytest.fixture
def announced(demo_content):
    notice = Notice.objects.get(slug="group-joint-use")
    return published_version(notice=notice, effective_date=datetime.date(2027, 4, 1), items=["改定後の目的"])


@time_machine.travel(datetime.datetime(2027, 1, 15, 12, 0, tzinfo=TOKYO), tick=False)
def test_the_notice_page_announces_the_revision_with_links(client, announced):
    html = client.get("/notices/group-joint-use/").content.decode()
    assert ANNOUNCEMENT in html
    assert 'href="/notices/group-joint-use/2027-04-01/"' in html
    assert f'href="{COMPARE_URL}"' in html
    # The version in force is still the old one.
    assert "改定後の目的" not in html


@time_machine.travel(datetime.datetime(2027, 1, 15, 12, 0, tzinfo=TOKYO), tick=False)
def test_the_top_page_announces_the_revision(client, announced):
    response = client.get("/")
    html = response.content.decode()
    assert ANNOUNCEMENT in html and f'href="{COMPARE_URL}"' in html
    assert not response.cookies


@time_machine.travel(datetime.datetime(2027, 3, 31, 23, 59, tzinfo=TOKYO), tick=False)
def test_the_evening_before_in_tokyo_the_old_version_is_still_in_force(client, announced):
    html = client.get("/notices/group-joint-use/").content.decode()
    assert "改定後の目的" not in html and ANNOUNCEMENT in html


@time_machine.travel(datetime.datetime(2027, 4, 1, 0, 0, 1, tzinfo=TOKYO), tick=False)
def test_on_the_day_the_new_version_is_in_force_and_no_longer_announced(client, announced):
    html = client.get("/notices/group-joint-use/").content.decode()
    assert "改定後の目的" in html
    assert ANNOUNCEMENT not in html
    assert ANNOUNCEMENT not in client.get("/").content.decode()


def test_there_is_no_announcement_without_a_future_version(client, demo_content):
    assert "改定後の内容を適用します" not in client.get("/notices/group-joint-use/").content.decode()
    assert "改定のお知らせ" not in client.get("/").content.decode()
