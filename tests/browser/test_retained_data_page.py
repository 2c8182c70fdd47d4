"""保有個人データに関する事項 in a real Chromium: a phone reaches the procedure, the fees and the documents from the
top page in one tap; the pages and the forms that state their purpose are axe clean with no sideways scroll."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAGES = ["/privacy/", "/notices/retained-data-life/", "/privacy/request-form/", "/contact/form/", "/login/"]


@pytest.mark.parametrize("width", [375, 1280])
def test_axe_finds_no_violation(live_server, demo_content, page_at, assert_accessible, width):
    page = page_at(width)
    for path in PAGES:
        page.goto(live_server.url + path)
        assert_accessible(page)
        assert page.evaluate("document.documentElement.scrollWidth") <= width, path


def test_a_phone_finds_the_procedure_fee_and_documents_from_the_top_page_in_one_tap(live_server, demo_content,
                                                                                   page_at):
    page = page_at(375)
    page.goto(live_server.url + "/")
    page.get_by_role("main").get_by_role("link", name="保有個人データに関する事項・開示等のご請求").click()
    assert page.url == live_server.url + "/privacy/"
    assert page.get_by_role("heading", name="開示等のご請求の手続").is_visible()
    assert page.get_by_role("heading", name="手数料とお支払方法").is_visible()
    assert page.get_by_role("heading", name="本人確認書類（写し1点）").is_visible()
    assert page.get_by_role("link", name="開示等請求書（PDF）").first.is_visible()
