"""The package's report.html, opened from the ZIP as a customer opens it, in a real Chromium: on a 375 px
phone each record is a card labelled cell by cell and nothing scrolls sideways; on a desktop the records are
tables; axe-core finds nothing at either width."""

import pytest

from consents.models import ConsentEvent, NoticeRecord
from consents.selectors import joint_use_version_in_force
from consents.services import notice_record_append
from disclosure.services import disclosure_download_record, disclosure_package_request
from notices.models import Company
from tests.disclosure.conftest import change, opened

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

# A browser string without a space to break at, as some clients send: it must wrap, not widen the page.
LONG_AGENT = "Mozilla/5.0(Linux;Android14;Pixel8)AppleWebKit/537.36(KHTML,likeGecko)Chrome/131.0.0.0MobileSafari/537.36"


@pytest.fixture
def report(hanako, tmp_path):
    """hanako's report.html, written where the browser opens it, after a history in most sections."""
    life, nonlife = Company.objects.get(short_name="楽天生命"), Company.objects.get(short_name="楽天損保")
    change(hanako, life, user_agent=LONG_AGENT, ip_address="203.0.113.9")
    change(hanako, nonlife, channel="email", allowed=True, reason="お電話でのお申出（" + "長い説明" * 30 + "）")
    notice_record_append(
        policyholder=hanako, notice_version=joint_use_version_in_force(), kind=NoticeRecord.Kind.INFORMED_EMAIL,
        source=NoticeRecord.Source.CAMPAIGN,
    )
    earlier = disclosure_package_request(hanako, request_number="R-20261101-0001")
    opened(earlier)
    disclosure_download_record(package=earlier, policyholder=hanako, ip_address="198.51.100.7", user_agent=LONG_AGENT)
    package = opened(disclosure_package_request(hanako, request_number="R-20261130-0001"))
    path = tmp_path / "report.html"
    path.write_bytes(package.raw("report.html"))
    return path


def test_on_a_phone_each_record_is_a_card_and_nothing_scrolls_sideways(report, page_at, assert_accessible):
    page = page_at(375)
    page.goto(report.as_uri())
    assert page.get_by_role("heading", level=1).inner_text() == "プライバシーポータルの記録の開示"
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    assert_accessible(page)

    events = page.locator("#t-consent_events tbody tr")
    assert events.count() == ConsentEvent.objects.count() == 2
    first, second = events.nth(0).bounding_box(), events.nth(1).bounding_box()
    assert second["y"] >= first["y"] + first["height"]  # one card under the other
    assert first["x"] >= 0 and first["x"] + first["width"] <= 375
    assert events.nth(0).evaluate("tr => getComputedStyle(tr).display") == "block"
    cells = events.nth(0).locator("td")
    # Each cell a line of its own, labelled with its column's title.
    assert cells.nth(0).evaluate("td => getComputedStyle(td, '::before').content") == '"イベントID："'
    assert cells.nth(1).evaluate("td => getComputedStyle(td, '::before').content") == '"変更日時："'
    assert cells.nth(1).bounding_box()["y"] > cells.nth(0).bounding_box()["y"]
    # The column headings are still there for a screen reader, out of sight.
    assert page.locator("#t-consent_events thead").bounding_box()["height"] <= 1

    statement = page.locator("#third_party_provisions ~ p.statement")
    assert "第三者に提供した記録はありません" in statement.inner_text()
    assert page.locator("#t-company_records tbody tr").count() == Company.objects.count()


def test_on_a_desktop_the_records_are_tables(report, page_at, assert_accessible):
    page = page_at(1280)
    page.goto(report.as_uri())
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    assert_accessible(page)
    row = page.locator("#t-consent_events tbody tr").first
    assert row.evaluate("tr => getComputedStyle(tr).display") == "table-row"
    assert row.locator("td").first.evaluate("td => getComputedStyle(td, '::before').content") == "none"
    headings = page.locator("#t-consent_events thead th")
    assert headings.count() == 11 and "ハッシュ値" not in " ".join(headings.all_inner_texts())
