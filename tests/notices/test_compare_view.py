"""/notices/<slug>/compare/<old>/<new>/: the public 新旧対照表."""

import datetime

import pytest

from notices.models import Notice, Purpose
from tests.factories import NoticeVersionFactory, published_version


@pytest.fixture
def revision(demo_content):
    """The demo group notice revised on 2027-04-01: one purpose reworded, address and representative added."""
    notice = Notice.objects.get(slug="group-joint-use")
    old = notice.versions.get()
    new = NoticeVersionFactory(
        notice=notice,
        effective_date=datetime.date(2027, 4, 1),
        introduction=old.introduction,
        joint_users_scope=old.joint_users_scope,
        joint_users_note=old.joint_users_note,
        responsible_party_name=old.responsible_party_name,
        notes=old.notes,
        change_summary="利用目的の表現を改めました。",
    )
    new.purposes.all().delete()
    new.data_items.all().delete()
    new.joint_users.all().delete()
    for purpose in old.purposes.all():
        text = purpose.text.replace("ご案内、提供", "ご案内、提供(ウェブ広告を含みます)")
        Purpose.objects.create(version=new, order=purpose.order, text=text)
    for item in old.data_items.all():
        new.data_items.create(order=item.order, text=item.text)
    for joint_user in old.joint_users.all():
        new.joint_users.create(order=joint_user.order, company=joint_user.company)
    from notices.services import notice_version_freeze

    notice_version_freeze(version=new)
    return old, new


def test_it_shows_the_revised_text_left_and_the_old_text_right(client, revision):
    response = client.get("/notices/group-joint-use/compare/2019-06-03/2027-04-01/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>新旧対照表</h1>" in html
    head = html.index("改定後</th>")
    assert head < html.index("改定前</th>")
    assert (
        '<ins><span class="visually-hidden">［追加］</span>(ウェブ広告を含みます)'
        '<span class="visually-hidden">［追加ここまで］</span></ins>'
    ) in html
    assert "利用目的の表現を改めました。" in html


def test_unchanged_sections_are_collapsed(client, revision):
    html = client.get("/notices/group-joint-use/compare/2019-06-03/2027-04-01/").content.decode()
    details = html[html.index('<details class="unchanged">'):]
    assert "共同利用する個人データの項目" in details
    assert "共同利用の利用目的" not in details


def test_it_is_a_public_page_without_cookies(client, revision):
    response = client.get("/notices/group-joint-use/compare/2019-06-03/2027-04-01/")
    assert not response.cookies
    assert "cookie" not in response.headers.get("Vary", "").lower()
    assert "public" in response["Cache-Control"]


def test_each_version_page_links_to_its_comparison(client, revision):
    html = client.get("/notices/group-joint-use/2027-04-01/").content.decode()
    assert 'href="/notices/group-joint-use/compare/2019-06-03/2027-04-01/"' in html
    assert "2019年6月3日（令和元年6月3日）適用の版との新旧対照表" in html


@pytest.mark.parametrize(
    ("path", "status", "text"),
    [
        ("/notices/group-joint-use/compare/2027-04-01/2019-06-03/", 400, "改定前"),
        ("/notices/group-joint-use/compare/2019-06-03/2019-06-03/", 400, "改定前"),
        ("/notices/group-joint-use/compare/2019-06-03/2030-01-01/", 404, "ページが見つかりません"),
        ("/notices/group-joint-use/compare/2019-06-03/2027-13-01/", 404, "ページが見つかりません"),
        ("/notices/no-such/compare/2019-06-03/2027-04-01/", 404, "ページが見つかりません"),
    ],
)
def test_bad_dates_get_a_japanese_4xx(client, revision, path, status, text):
    response = client.get(path)
    assert response.status_code == status
    assert text in response.content.decode()


def test_a_draft_cannot_be_compared_in_public(client, demo_content):
    notice = Notice.objects.get(slug="group-joint-use")
    NoticeVersionFactory(notice=notice, effective_date=datetime.date(2028, 1, 1))
    assert client.get("/notices/group-joint-use/compare/2019-06-03/2028-01-01/").status_code == 404


def test_post_is_refused(client, demo_content):
    published_version(notice=Notice.objects.get(slug="group-joint-use"), effective_date=datetime.date(2027, 4, 1))
    assert client.post("/notices/group-joint-use/compare/2019-06-03/2027-04-01/").status_code == 405
