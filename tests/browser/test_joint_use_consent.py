"""A customer of before a consent-ground version reads the change on /my/, consents, sees the confirmation and
changes their mind; axe-core finds nothing on these pages, on a phone and on a desktop."""

import pytest

from consents.models import NoticeRecord
from tests.browser.test_preference_center import log_in
from tests.reconsent import consent_version, customer_since, days, new_company

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def version(demo_content):
    customer_since(days(-400), name="楽天 花子", email="hanako@example.com")
    joiner = new_company(legal_name="楽天カード株式会社", short_name="楽天カード")
    return consent_version(effective_date=days(40), add=[joiner], extra_item="クレジットカードのご利用状況")


@pytest.mark.parametrize("width", [375, 1280])
def test_a_customer_consents_then_declines(live_server, version, page_at, assert_accessible, width):
    def check(page):
        assert_accessible(page)
        assert page.evaluate("document.documentElement.scrollWidth") <= width, page.url

    page = page_at(width)
    log_in(page, live_server)
    question = page.get_by_role("region", name="同意のお願い")
    assert "楽天カード株式会社" in question.inner_text() and "令和" in question.inner_text()
    check(page)

    question.get_by_role("button", name="同意する", exact=True).click()
    page.wait_for_url(f"**/my/joint-use/{version.pk}/")
    assert "「同意する」とのご回答を受け付けました。" in page.get_by_role("status").inner_text()
    record = NoticeRecord.objects.get(kind="consented")
    assert str(record.pk) in page.get_by_role("region", name="受け付けたご回答").inner_text()
    check(page)

    page.get_by_role("button", name="同意しない", exact=True).click()
    page.wait_for_url(f"**/my/joint-use/{version.pk}/")
    assert "「同意しない」とのご回答を受け付けました。" in page.get_by_role("status").inner_text()
    assert NoticeRecord.objects.filter(kind="declined").count() == 1
    check(page)

    page.get_by_role("link", name="新旧対照表").first.click()
    page.wait_for_url(f"**/compare/2019-06-03/{version.effective_date.isoformat()}/")
