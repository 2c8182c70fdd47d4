"""Staff (顧客対応) see packages and downloads in the admin, read-only, and can build a given-up one again."""

import pytest

from disclosure.models import DisclosureDownload, DisclosurePackage
from disclosure.services import disclosure_download_record, disclosure_package_request
from tests import personas
from tests.conftest import run_due_jobs


@pytest.fixture
def package(policyholder):
    package = disclosure_package_request(policyholder, request_number="R-42")
    run_due_jobs()  # a worker's pass builds it
    package.refresh_from_db()
    disclosure_download_record(package=package, policyholder=policyholder, ip_address="192.0.2.1", user_agent="UA")
    return package


@pytest.fixture
def support_client(db, client):
    client.force_login(personas.support())
    return client


def test_support_staff_see_packages_and_their_downloads(support_client, package, policyholder):
    page = support_client.get("/admin/disclosure/disclosurepackage/").content.decode()
    assert "R-42" in page and policyholder.customer_number in page and "ダウンロードできます" in page
    detail = support_client.get(f"/admin/disclosure/disclosurepackage/{package.pk}/change/").content.decode()
    assert package.sha256 in detail and "192.0.2.1" in detail
    downloads = support_client.get("/admin/disclosure/disclosuredownload/").content.decode()
    assert "192.0.2.1" in downloads


def test_nobody_changes_or_deletes_them_in_the_admin(client, django_user_model, package):
    client.force_login(django_user_model.objects.create_superuser("root", "root@example.com", "root-password-123"))
    response = client.post(f"/admin/disclosure/disclosurepackage/{package.pk}/change/", {"status": "failed"})
    assert response.status_code == 403
    assert client.post(f"/admin/disclosure/disclosurepackage/{package.pk}/delete/", {"post": "yes"}).status_code == 403
    download = DisclosureDownload.objects.get()
    response = client.post(f"/admin/disclosure/disclosuredownload/{download.pk}/delete/", {"post": "yes"})
    assert response.status_code == 403
    assert client.get("/admin/disclosure/disclosurepackage/add/").status_code == 403
    package.refresh_from_db()
    assert package.status == "ready" and DisclosureDownload.objects.count() == 1


def test_support_staff_build_a_given_up_package_again(support_client, policyholder):
    package = disclosure_package_request(policyholder)
    DisclosurePackage.objects.filter(pk=package.pk).update(
        status="failed", attempts=10, last_error="OSError", next_attempt_at=None
    )
    assert run_due_jobs() == 0  # given up: no worker tries it on its own
    page = support_client.get("/admin/disclosure/disclosurepackage/", {"status__exact": "failed"}).content.decode()
    assert policyholder.customer_number in page and "OSError" in page
    response = support_client.post(
        "/admin/disclosure/disclosurepackage/", {"action": "retry_given_up", "_selected_action": [package.pk]},
        follow=True,
    )
    assert "1件を再試行します" in response.content.decode()
    package.refresh_from_db()
    assert (package.status, package.attempts, package.last_error) == ("queued", 0, "")
    run_due_jobs()
    package.refresh_from_db()
    assert (package.status, package.attempts) == ("ready", 1)


def test_a_package_that_is_not_given_up_is_left_as_it_is(support_client, package):
    response = support_client.post(
        "/admin/disclosure/disclosurepackage/", {"action": "retry_given_up", "_selected_action": [package.pk]},
        follow=True,
    )
    assert "1件は中止されていない（待機中または完了）ため、そのままにしました。" in response.content.decode()
    package.refresh_from_db()
    assert package.status == "ready"


def test_staff_without_the_permission_cannot_see_or_retry(db, client, policyholder):
    client.force_login(personas.editor())
    package = disclosure_package_request(policyholder)
    DisclosurePackage.objects.filter(pk=package.pk).update(status="failed")
    assert client.get("/admin/disclosure/disclosurepackage/").status_code == 403
    client.post(
        "/admin/disclosure/disclosurepackage/", {"action": "retry_given_up", "_selected_action": [package.pk]}
    )
    assert DisclosurePackage.objects.get().status == "failed"
