"""Wherever a customer is told to contact the お問合せ窓口, they can reach /contact/: the footer of every page,
every error page, every email, and the sentences that name the window."""

import re
import uuid
from unittest import mock

import pytest
from django.conf import settings
from django.core import mail
from django.db import OperationalError
from django.test import Client, RequestFactory

from consents.models import Source
from consents.services import preferences_update
from consents.unsubscribe import unsubscribe_url
from core.ratelimit import too_many_requests
from notices.models import Company
from privacy_portal.views import server_error
from tests.factories import PolicyholderFactory

pytestmark = pytest.mark.django_db

LINK = '<a href="/contact/">お問合せ窓口</a>'
CONTACT_URL = settings.SITE_URL + "/contact/"


def footer(html: str) -> str:
    return re.search(r'<footer class="site-footer">(.*?)</footer>', html, re.S).group(1)


@pytest.mark.parametrize("path", ["/", "/notices/group-joint-use/", "/faq/", "/companies/", "/contact/", "/login/"])
def test_the_footer_of_every_page_links_the_windows(client, demo_content, path):
    response = client.get(path)
    assert response.status_code == 200
    assert LINK in footer(response.content.decode())


def test_the_footer_of_a_logged_in_page_links_the_windows(client, demo_content):
    from tests.consents.conftest import log_in

    log_in(client, PolicyholderFactory())
    response = client.get("/my/preferences/")
    assert response.status_code == 200
    assert LINK in footer(response.content.decode())


def error_links(html: str) -> str:
    return re.search(r'<ul class="error-links">(.*?)</ul>', html, re.S).group(1)


def test_the_400_page_links_the_windows(client, demo_content):
    response = client.get("/faq/", {"q": "あ" * 101})
    assert response.status_code == 400
    assert LINK in error_links(response.content.decode())


def test_the_403_page_links_the_windows(db):
    response = Client(enforce_csrf_checks=True).post("/login/", {"email": "hanako@example.com"})
    assert response.status_code == 403
    assert LINK in error_links(response.content.decode())


def test_the_404_page_links_the_windows(client, db):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert LINK in error_links(response.content.decode())


def test_the_429_page_links_the_windows(db):
    response = too_many_requests(RequestFactory().get("/login/"), retry_after=60)
    assert response.status_code == 429
    assert LINK in error_links(response.content.decode())


def test_the_500_page_links_the_windows(db):
    try:
        raise ValueError("a bug")
    except ValueError:
        response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    assert LINK in response.content.decode()


def test_the_503_page_links_the_windows(client, demo_content):
    client.raise_request_exception = False
    with mock.patch("django.db.backends.utils.CursorWrapper.execute", side_effect=OperationalError("gone")):
        response = client.get("/faq/?q=ペット")
    assert response.status_code == 503
    assert LINK in error_links(response.content.decode())


def test_the_login_email_ends_with_the_windows_address(demo_content):
    PolicyholderFactory(email="hanako@example.com")
    Client().post("/login/", {"email": "hanako@example.com"})
    (message,) = mail.outbox
    assert f"お問合せ窓口：{CONTACT_URL}\n" in message.body


def test_the_receipt_email_ends_with_the_windows_address(life):
    preferences_update(
        policyholder=PolicyholderFactory(), changes={(life.pk, "direct_mail"): False}, source=Source.PORTAL,
        idempotency_key=uuid.uuid4().hex,
    )
    (message,) = mail.outbox
    assert "お心当たりのない場合は、お手数ですがお問合せ窓口までご連絡ください。" in message.body
    assert f"お問合せ窓口：{CONTACT_URL}\n" in message.body


def test_an_unsubscribe_link_that_can_no_longer_be_used_links_the_windows(client, demo_content):
    holding = Company.objects.get(role=Company.Role.HOLDING)  # markets to no one: the link finds no company
    url = unsubscribe_url(policyholder=PolicyholderFactory(), company=holding, campaign="test")
    response = client.get(url.removeprefix(settings.SITE_URL))
    assert response.status_code == 400
    assert f"お手数ですが、{LINK}までご連絡ください。" in response.content.decode()


def test_the_login_page_links_the_windows_for_a_missing_address(client, db):
    html = client.get("/login/").content.decode()
    assert '変更した場合は、<a href="/contact/">ご契約の保険会社</a>にお問合せください。' in html


def test_the_demo_notice_links_the_windows_and_reads_as_the_source(client, demo_content):
    html = client.get("/notices/shotan-group-joint-use/").content.decode()
    assert re.search(r'ご参照いただくか、<a href="/contact/"[^>]*>お問合せ窓口</a>よりお問合せください。', html)


def test_the_disclosure_email_and_package_name_the_windows(life):
    from disclosure.services import disclosure_package_request
    from tests.disclosure.conftest import opened

    policyholder = PolicyholderFactory(email="hanako@example.com")
    package = disclosure_package_request(policyholder)
    (message,) = mail.outbox
    assert f"お問合せ窓口：{CONTACT_URL}\n" in message.body
    contents = opened(package)
    assert f"お問合せ窓口：{CONTACT_URL}\r\n" in contents.text("README.txt")
    assert f'<a href="{CONTACT_URL}">お問合せ窓口</a>までご連絡ください。' in contents.text("report.html")
