"""/my/disclosures/ and the download: the owner only, after login, within the download period, each
download recorded; anything else a Japanese 4xx that tells nothing of other customers."""

import datetime

import pytest
import time_machine
from django.test import Client

from disclosure.build import package_path
from disclosure.models import DisclosureDownload, DisclosurePackage
from disclosure.services import disclosure_package_request
from tests.conftest import run_due_jobs
from tests.consents.conftest import log_in
from tests.factories import PolicyholderFactory

from .conftest import change, opened

BUILT = "2026-11-30 10:00 +0900"


@pytest.fixture
def package(policyholder, life):
    change(policyholder, life)
    with time_machine.travel(BUILT, tick=False):
        package = disclosure_package_request(policyholder, request_number="R-0001")
        run_due_jobs()  # a worker's pass builds it then
    package.refresh_from_db()
    return package


def test_the_list_shows_the_customers_packages_with_their_link_and_hash(customer, package):
    page = customer.get("/my/disclosures/").content.decode()
    assert "開示資料" in page and "R-0001" in page
    assert f"/my/disclosures/{package.pk}/download/" in page
    assert package.sha256 in page
    assert "2026年12月30日（令和8年12月30日） 10:00" in page  # the download period's end


def test_the_list_says_the_file_holds_the_portals_records_not_the_companies(customer, package):
    page = customer.get("/my/disclosures/").content.decode()
    assert "このプライバシーポータルがお客さまについて記録している個人データ" in page
    assert "健康状態に関する情報など）は、このファイルには含まれません" in page
    assert "当社グループが保有する" not in page and "そのすべて" not in page


def test_the_list_shows_nothing_of_other_customers(client, package):
    other = log_in(client, PolicyholderFactory())
    page = other.get("/my/disclosures/").content.decode()
    assert "R-0001" not in page and "開示資料はまだありません" in page


def test_the_owner_downloads_the_zip_and_the_download_is_recorded(client, package, policyholder):
    with time_machine.travel("2026-12-01 09:00 +0900", tick=False):
        customer = log_in(client, policyholder)
        response = customer.get(
            f"/my/disclosures/{package.pk}/download/", HTTP_USER_AGENT="Mozilla/5.0 Test", REMOTE_ADDR="198.51.100.7"
        )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert "attachment" in response["Content-Disposition"]
    assert f"disclosure-{policyholder.customer_number}-20261130.zip" in response["Content-Disposition"]
    assert "no-store" in response["Cache-Control"] or "no-cache" in response["Cache-Control"]
    body = b"".join(response.streaming_content)
    assert body == package_path(package.file_name).read_bytes()
    download = DisclosureDownload.objects.get()
    assert (download.package, download.policyholder) == (package, policyholder)
    assert (download.ip_address, download.user_agent) == ("198.51.100.7", "Mozilla/5.0 Test")
    assert download.downloaded_at == datetime.datetime.fromisoformat("2026-12-01 09:00 +09:00")


def test_a_later_package_lists_the_earlier_download(customer, package, policyholder):
    b"".join(customer.get(f"/my/disclosures/{package.pk}/download/").streaming_content)
    later = opened(disclosure_package_request(policyholder))
    assert [row["開示資料ID"] for row in later.csv("disclosure_downloads")] == [str(package.pk)]


def test_another_customers_package_is_not_found_and_nothing_is_recorded(client, package):
    other = log_in(client, PolicyholderFactory())
    response = other.get(f"/my/disclosures/{package.pk}/download/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "このアドレスの開示資料はありません" in page
    assert "R-0001" not in page and package.sha256 not in page
    assert not DisclosureDownload.objects.exists()


@pytest.mark.parametrize("path", [
    "/my/disclosures/999999/download/",
    "/my/disclosures/abc/download/",
    "/my/disclosures/-1/download/",
    "/my/disclosures/99999999999999999999999/download/",
])
def test_bad_ids_are_a_japanese_404(customer, package, path):
    response = customer.get(path)
    assert response.status_code == 404
    assert "見つかりません" in response.content.decode() or "ありません" in response.content.decode()
    assert not DisclosureDownload.objects.exists()


def test_a_visitor_who_is_not_logged_in_is_sent_to_the_login_page(package):
    response = Client().get(f"/my/disclosures/{package.pk}/download/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")
    assert not DisclosureDownload.objects.exists()


def test_after_the_download_period_the_page_says_it_expired_with_a_410(client, policyholder, package):
    with time_machine.travel("2026-12-30 10:00:01 +0900", tick=False):
        customer = log_in(client, policyholder)
        response = customer.get(f"/my/disclosures/{package.pk}/download/")
        listing = customer.get("/my/disclosures/").content.decode()
    assert response.status_code == 410
    page = response.content.decode()
    assert "ダウンロード期間は終了しました" in page and "2026年12月30日（令和8年12月30日）" in page
    assert not DisclosureDownload.objects.exists()
    assert "ダウンロード期間終了" in listing and f"/my/disclosures/{package.pk}/download/" not in listing


def test_the_last_moment_of_the_period_still_downloads(client, policyholder, package):
    with time_machine.travel("2026-12-30 09:59:59 +0900", tick=False):
        customer = log_in(client, policyholder)
        assert customer.get(f"/my/disclosures/{package.pk}/download/").status_code == 200


def test_a_package_still_being_prepared_is_a_409_saying_so(customer, policyholder):
    package = disclosure_package_request(policyholder)  # queued: no worker's pass has built it yet
    response = customer.get(f"/my/disclosures/{package.pk}/download/")
    assert response.status_code == 409
    assert "準備中" in response.content.decode()
    assert "準備中" in customer.get("/my/disclosures/").content.decode()


def test_a_missing_file_is_a_japanese_410_not_a_500(customer, package):
    package_path(package.file_name).unlink()
    response = customer.get(f"/my/disclosures/{package.pk}/download/")
    assert response.status_code == 410
    assert "ファイルが見つかりません" in response.content.decode()


def test_post_is_refused_in_japanese(customer, package):
    response = customer.post(f"/my/disclosures/{package.pk}/download/")
    assert response.status_code == 405
    assert not DisclosureDownload.objects.exists()


def test_a_head_request_is_not_recorded_as_a_download(customer, package):
    assert customer.head(f"/my/disclosures/{package.pk}/download/").status_code == 200
    assert not DisclosureDownload.objects.exists()
    assert DisclosurePackage.objects.get().status == "ready"
