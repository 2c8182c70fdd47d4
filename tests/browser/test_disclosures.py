"""A customer told by email that their disclosure package is ready logs in, finds it on /my/disclosures/ and
downloads exactly the file that was built; another customer's package, and one past its period, are
Japanese refusals. axe-core finds nothing on these pages, on a phone or a desktop."""

import hashlib
import re
from pathlib import Path

import pytest
from django.core import mail
from django.utils import timezone

from disclosure.models import DisclosurePackage
from disclosure.services import disclosure_package_request
from notices.models import Company
from tests.conftest import run_due_jobs
from tests.consents.conftest import emailed_link
from tests.disclosure.conftest import change
from tests.factories import PolicyholderFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def hanako(hanako):
    """With a history: a change to her settings at 楽天生命."""
    change(hanako, Company.objects.get(short_name="楽天生命"))
    return hanako


@pytest.mark.parametrize("width", [375, 1280])
def test_the_customer_downloads_the_package_the_email_announced(live_server, hanako, page_at, assert_accessible, width):
    def check(page):
        assert_accessible(page)
        assert page.evaluate("document.documentElement.scrollWidth") <= width, page.url

    package = disclosure_package_request(hanako, request_number="R-20261130-0001")
    run_due_jobs()  # a worker's pass builds it and emails her
    package.refresh_from_db()
    assert re.search(r"https?://\S+/my/disclosures/\n", mail.outbox[-1].body)

    page = page_at(width)
    page.goto(live_server.url + "/my/disclosures/")  # from the email: the login comes first
    page.wait_for_url("**/login/?required=1")
    page.get_by_label("メールアドレス").fill("hanako@example.com")
    page.get_by_role("button", name="ログイン用リンクを送る").click()
    page.wait_for_url("**/login/sent/")
    page.goto(live_server.url + emailed_link(mail.outbox[-1]))
    page.get_by_role("button", name="ログイン", exact=True).click()
    page.wait_for_url("**/my/disclosures/")  # back where the email's link pointed
    assert page.get_by_role("heading", level=1).inner_text() == "開示資料"
    check(page)
    row = page.get_by_role("row").filter(has_text="R-20261130-0001")
    assert "ダウンロードできます" in row.inner_text() and package.sha256 in row.inner_text()

    with page.expect_download() as download_info:
        row.get_by_role("link", name=re.compile("ダウンロード")).click()
    download = download_info.value
    assert hashlib.sha256(Path(download.path()).read_bytes()).hexdigest() == package.sha256
    built = timezone.localtime(package.built_at)
    assert download.suggested_filename == f"disclosure-{hanako.customer_number}-{built:%Y%m%d}.zip"
    assert package.downloads.count() == 1

    other = disclosure_package_request(PolicyholderFactory(email="taro@example.com"))
    response = page.goto(live_server.url + f"/my/disclosures/{other.pk}/download/")
    assert response.status == 404 and "このアドレスの開示資料はありません" in page.get_by_role("alert").inner_text()
    check(page)

    DisclosurePackage.objects.filter(pk=package.pk).update(expires_at=timezone.now())
    response = page.goto(live_server.url + f"/my/disclosures/{package.pk}/download/")
    assert response.status == 410 and "ダウンロード期間" in page.get_by_role("alert").inner_text()
    check(page)
    page.goto(live_server.url + "/my/disclosures/")
    assert "ダウンロード期間終了" in page.get_by_role("row").filter(has_text="R-20261130-0001").inner_text()
    check(page)
