"""Public pages are kept in the shared cache, dropped when content changes and at Tokyo midnight."""

import datetime
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
import redis
import time_machine
from django.core.cache import cache

from core import pagecache as http
from faq.models import FaqEntry
from notices.models import Notice
from notices.services import notice_version_freeze
from tests.factories import NoticeVersionFactory, published_version

TOKYO = ZoneInfo("Asia/Tokyo")

# Queries of each public view when it is not cached; a change here is a change in cost.
QUERIES = {
    "/": 2,
    "/notices/group-joint-use/": 4,
    "/notices/shotan-group-joint-use/": 4,
    "/notices/group-joint-use/versions/": 2,
    "/notices/group-joint-use/2019-06-03/": 4,
    # The version in force, its joint users, those companies, the announced joiners, the companies' pages of items
    # on retained personal data.
    "/companies/": 5,
    "/privacy/": 5,  # the group's page, its version in force, its published versions, the companies' pages, its FAQ
    "/notices/retained-data-life/": 4,
    "/privacy/request-form/": 3,  # the group's page, its version in force, the companies' pages
    "/faq/": 1,
    "/faq/?q=ペット": 1,
}


@pytest.mark.parametrize(("url", "queries"), QUERIES.items())
def test_each_public_view_costs_a_fixed_number_of_queries(
    client, demo_content, django_assert_num_queries, url, queries
):
    with django_assert_num_queries(queries):
        assert client.get(url).status_code == 200
    with django_assert_num_queries(0):
        assert client.get(url).status_code == 200


def test_publishing_drops_the_cached_page(client, demo_content):
    notice = Notice.objects.get(slug="group-joint-use")
    assert "2020年版の目的" not in client.get("/notices/group-joint-use/").content.decode()
    published_version(notice=notice, effective_date=datetime.date(2020, 1, 1), items=["2020年版の目的"])
    assert "2020年版の目的" in client.get("/notices/group-joint-use/").content.decode()


def test_a_draft_does_not_reach_the_public_page(client, demo_content):
    notice = Notice.objects.get(slug="group-joint-use")
    client.get("/notices/group-joint-use/")
    NoticeVersionFactory(notice=notice, effective_date=datetime.date(2020, 1, 1), items=["下書きの目的"])
    assert "下書きの目的" not in client.get("/notices/group-joint-use/").content.decode()


def test_editing_the_faq_drops_the_cached_page(client, demo_content):
    client.get("/faq/")
    entry = FaqEntry.objects.get(number=2)
    entry.question = "改訂された質問ですか?"
    entry.save()
    assert "改訂された質問ですか?" in client.get("/faq/").content.decode()


def test_a_future_version_comes_into_force_at_tokyo_midnight_with_a_warm_cache(client, demo_content):
    notice = Notice.objects.get(slug="group-joint-use")
    published_version(notice=notice, effective_date=datetime.date(2027, 4, 1), items=["2027年版の目的"])
    with time_machine.travel(datetime.datetime(2027, 3, 31, 23, 59, 59, tzinfo=TOKYO), tick=False):
        assert "2027年版の目的" not in client.get("/notices/group-joint-use/").content.decode()
    with time_machine.travel(datetime.datetime(2027, 4, 1, 0, 0, 1, tzinfo=TOKYO), tick=False):
        assert "2027年版の目的" in client.get("/notices/group-joint-use/").content.decode()


def test_error_pages_are_not_cached(client, demo_content):
    assert client.get("/notices/group-joint-use/?as_of=2019-06-02").status_code == 404
    notice = Notice.objects.get(slug="group-joint-use")
    # A version effective that day, published without any signal reaching the cache.
    version = NoticeVersionFactory(notice=notice, effective_date=datetime.date(2019, 6, 1))
    notice_version_freeze(version=version)
    assert client.get("/notices/group-joint-use/?as_of=2019-06-02").status_code == 200


def test_another_server_publishing_reaches_this_one_within_a_second(client, demo_content, monkeypatch):
    clock = [1000.0]
    monkeypatch.setattr(http.time, "monotonic", lambda: clock[0])
    client.get("/faq/")
    # Another server changed the FAQ: the row and the shared generation change, this process hears nothing.
    FaqEntry.objects.filter(number=2).update(question="別のサーバーで改訂された質問ですか?")
    cache.set(http.GENERATION_KEY, "set-by-another-server")
    assert "別のサーバーで改訂" not in client.get("/faq/").content.decode()
    clock[0] += http.GENERATION_CHECK_SECONDS + 0.1
    assert "別のサーバーで改訂" in client.get("/faq/").content.decode()


def test_searches_are_not_kept_in_the_shared_cache(client, demo_content, rf):
    client.get("/faq/", {"q": "ペット"})
    client.get("/faq/")
    assert cache.get(http._page_key(rf.get("/faq/"))) is not None
    # Endless query strings stay in this process's bounded memory only.
    assert cache.get(http._page_key(rf.get("/faq/", {"q": "ペット"}))) is None
    assert client.get("/faq/", {"q": "ペット"}).status_code == 200


def test_the_compare_page_costs_a_fixed_number_of_queries(client, demo_content, django_assert_num_queries):
    notice = Notice.objects.get(slug="group-joint-use")
    published_version(notice=notice, effective_date=datetime.date(2020, 1, 1), items=["2020年版の目的"])
    url = "/notices/group-joint-use/compare/2019-06-03/2020-01-01/"
    with django_assert_num_queries(3):  # the notice, the old version, the new one
        assert client.get(url).status_code == 200
    with django_assert_num_queries(0):
        assert client.get(url).status_code == 200


def test_the_generation_changes_again_when_the_edit_commits(client, demo_content, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        entry = FaqEntry.objects.get(number=2)
        entry.question = "改訂中の質問ですか?"
        entry.save()
    during = cache.get(http.GENERATION_KEY)
    for callback in callbacks:
        callback()
    assert cache.get(http.GENERATION_KEY) != during


def test_public_pages_do_without_a_shared_cache_that_stopped_answering(client, demo_content, django_assert_num_queries):
    assert client.get("/faq/").status_code == 200  # kept by this process too
    down = mock.Mock(side_effect=redis.ConnectionError("Connection refused"))
    with mock.patch.multiple(http.cache, get=down, set=down, add=down):
        http._generation["checked_at"] = float("-inf")  # time to ask the shared cache again
        with django_assert_num_queries(0):
            assert client.get("/faq/").status_code == 200
        with django_assert_num_queries(QUERIES["/companies/"]):
            assert client.get("/companies/").status_code == 200
        calls = down.call_count
        # It is not asked again on every request while it is down: each would wait for its timeout.
        assert client.get("/notices/group-joint-use/").status_code == 200
        assert down.call_count == calls


def test_each_process_keeps_a_bounded_number_of_pages_the_latest_ones():
    for n in range(http.LOCAL_PAGES_MAX + 1):
        http._remember_locally(f"page-{n}", (b"", {}))
    http._cached_page("page-1")  # read again: kept over page-2
    http._remember_locally("one-more", (b"", {}))
    assert len(http._local_pages) == http.LOCAL_PAGES_MAX
    assert [key in http._local_pages for key in ("page-0", "page-1", "page-2", "one-more")] == [
        False, True, False, True,
    ]
