"""An admin login without a second factor is refused in production settings: a real gunicorn server
with DJANGO_ENV=production (ADMIN_REQUIRE_OTP left to its default), behind the TLS proxy's headers."""

import time

from django.contrib.auth import get_user_model
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.stack import WebClient

PASSWORD = "a-long-production-password-2026"
REFUSED = "スタッフアカウントの正しいユーザー名、パスワード、確認コードを入力してください"


def admin_login(browser, server, otp_token: str):
    return browser.submit(
        server.url("/admin/login/?next=/admin/"), {"username": "kanri", "password": PASSWORD, "otp_token": otp_token}
    )


def assert_refused(browser, server, response):
    assert response.status_code == 200, response.text[:500]
    assert response.url.endswith("/admin/login/?next=/admin/") and REFUSED in response.text
    index = browser.get(server.url("/admin/"), follow=False)
    assert index.status_code == 302 and index.headers["Location"].startswith("/admin/login/")


def test_an_admin_login_needs_the_code_of_a_registered_authenticator_app(stack):
    admin = get_user_model().objects.create_superuser("kanri", "kanri@example.com", PASSWORD)
    server = stack.server(production=True, task_worker=False)  # no email is sent here
    browser = WebClient(https=True)
    assert "確認コード" in browser.get(server.url("/admin/login/")).text

    # The right password and a code, but no app registered for the account.
    assert_refused(browser, server, admin_login(browser, server, "123456"))

    device = TOTPDevice.objects.create(user=admin, name="iPhone", confirmed=True)
    assert_refused(browser, server, admin_login(browser, server, ""))
    wrong = (totp(device.bin_key) + 500_000) % 1_000_000
    assert_refused(browser, server, admin_login(browser, server, f"{wrong:06d}"))

    # django-otp makes the device wait a second after a wrong code.
    time.sleep(1.5)
    index = admin_login(browser, server, f"{totp(device.bin_key):06d}")
    assert index.status_code == 200 and index.url.endswith("/admin/"), index.text[:500]
    assert "プライバシーポータル管理" in index.text and "ログアウト" in index.text
