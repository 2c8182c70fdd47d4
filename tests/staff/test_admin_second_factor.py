"""With ADMIN_REQUIRE_OTP the admin asks for a 確認コード from the staff member's authenticator app."""

import datetime
import re

import pytest
import time_machine
from django.core.management import call_command
from django.test import override_settings
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from demo.management.commands.load_demo_content import DEMO_PASSWORD
from tests import personas

pytestmark = pytest.mark.django_db

REFUSED = "スタッフアカウントの正しいユーザー名、パスワード、確認コードを入力してください"


def code(device, *, steps_ahead=0):
    return f"{totp(device.bin_key, step=device.step, drift=steps_ahead):06d}"


def log_in(client, username, password, otp_token=None):
    data = {"username": username, "password": password}
    if otp_token is not None:
        data["otp_token"] = otp_token
    return client.post("/admin/login/?next=/admin/", data, REMOTE_ADDR="192.0.2.20")


def logged_in(client):
    return "_auth_user_id" in client.session


@pytest.fixture
def editor_with_app():
    editor = personas.editor()
    return editor, TOTPDevice.objects.create(user=editor, name="iPhone", confirmed=True)


@override_settings(ADMIN_REQUIRE_OTP=True)
def test_the_login_page_asks_for_the_code(client):
    html = client.get("/admin/login/").content.decode()
    assert "確認コード" in html and 'autocomplete="one-time-code"' in html
    assert "認証アプリに表示される6桁の数字です" in html


@override_settings(ADMIN_REQUIRE_OTP=True)
def test_a_password_alone_is_refused(client, editor_with_app):
    response = log_in(client, "editor", personas.PASSWORD)
    assert response.status_code == 200 and REFUSED in response.content.decode()
    assert not logged_in(client)
    assert client.get("/admin/").status_code == 302


@override_settings(ADMIN_REQUIRE_OTP=True)
def test_a_wrong_code_is_refused_with_the_same_message_as_a_wrong_password(client, editor_with_app):
    _, device = editor_with_app
    wrong_code = log_in(client, "editor", personas.PASSWORD, code(device, steps_ahead=5))
    wrong_password = log_in(client, "editor", "wrong-password", code(device))
    assert wrong_code.status_code == wrong_password.status_code == 200
    assert REFUSED in wrong_code.content.decode() and REFUSED in wrong_password.content.decode()
    code_input = re.search(r'<input[^>]*name="otp_token"[^>]*>', wrong_code.content.decode()).group(0)
    assert "value=" not in code_input  # a refused code is not shown again
    assert not logged_in(client)


@override_settings(ADMIN_REQUIRE_OTP=True)
def test_the_right_code_opens_the_admin(client, editor_with_app):
    _, device = editor_with_app
    response = log_in(client, "editor", personas.PASSWORD, code(device))
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200
    device.refresh_from_db()
    assert device.last_used_at is not None


@override_settings(ADMIN_REQUIRE_OTP=True)
def test_a_code_works_once(client, editor_with_app):
    _, device = editor_with_app
    used = code(device)
    assert log_in(client, "editor", personas.PASSWORD, used).status_code == 302
    client.logout()
    assert REFUSED in log_in(client, "editor", personas.PASSWORD, used).content.decode()


@override_settings(ADMIN_REQUIRE_OTP=True)
def test_after_a_wrong_code_the_app_waits_a_moment(client, editor_with_app):
    _, device = editor_with_app
    now = datetime.datetime.now(datetime.UTC)
    with time_machine.travel(now, tick=False):
        log_in(client, "editor", personas.PASSWORD, code(device, steps_ahead=5))
        # django-otp throttles the device: 1 second after one wrong code, doubling with each.
        assert REFUSED in log_in(client, "editor", personas.PASSWORD, code(device)).content.decode()
    with time_machine.travel(now + datetime.timedelta(seconds=2), tick=False):
        assert log_in(client, "editor", personas.PASSWORD, code(device)).status_code == 302


@override_settings(ADMIN_REQUIRE_OTP=True)
def test_full_width_digits_and_spaces_are_accepted(client, editor_with_app):
    _, device = editor_with_app
    typed = code(device)
    typed = (typed[:3] + " " + typed[3:]).translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    assert log_in(client, "editor", personas.PASSWORD, typed).status_code == 302


@override_settings(ADMIN_REQUIRE_OTP=True)
def test_a_staff_member_without_an_app_is_refused(client):
    personas.editor()
    assert REFUSED in log_in(client, "editor", personas.PASSWORD, "123456").content.decode()
    assert not logged_in(client)


@override_settings(ADMIN_REQUIRE_OTP=True)
def test_an_unconfirmed_app_or_another_users_app_does_not_count(client, editor_with_app):
    _, editors_device = editor_with_app
    approver = personas.approver()
    unconfirmed = TOTPDevice.objects.create(user=approver, name="new", confirmed=False)
    for typed in (code(unconfirmed), code(editors_device)):
        assert REFUSED in log_in(client, "approver", personas.PASSWORD, typed).content.decode()
    assert not logged_in(client)


@override_settings(ADMIN_REQUIRE_OTP=True)
def test_a_session_that_logged_in_with_a_password_alone_is_not_let_in(client, editor_with_app):
    editor, _ = editor_with_app
    client.force_login(editor)
    index = client.get("/admin/")
    assert index.status_code == 302 and index["Location"].startswith("/admin/login/")
    assert client.get("/admin/notices/notice/").status_code == 302
    login_page = client.get(index["Location"])
    assert login_page.status_code == 200 and "確認コード" in login_page.content.decode()


@override_settings(ADMIN_REQUIRE_OTP=True)
def test_wrong_codes_count_towards_the_lockout(client, editor_with_app):
    _, device = editor_with_app
    statuses = [log_in(client, "editor", personas.PASSWORD, "000000").status_code for _ in range(5)]
    assert statuses == [200] * 4 + [429]
    # Locked out: not even the right code gets in now.
    response = log_in(client, "editor", personas.PASSWORD, code(device))
    assert response.status_code == 429 and not logged_in(client)


@override_settings(ADMIN_REQUIRE_OTP=True)
def test_odd_codes_are_refused_not_an_error(client, editor_with_app):
    for typed in ["", "12345", "1234567890123", "abcdef", "x" * 5000, "１２３\x00456", "-12345", "+123456"]:
        response = log_in(client, "editor", personas.PASSWORD, typed)
        assert response.status_code in (200, 429), typed
        assert not logged_in(client)


def test_without_the_setting_the_demo_admin_logs_in_with_its_password(client):
    # As `make run` serves it: DJANGO_ENV unset, so ADMIN_REQUIRE_OTP is off.
    call_command("load_demo_content", verbosity=0)
    html = client.get("/admin/login/").content.decode()
    assert "確認コード" not in html
    response = log_in(client, "admin", DEMO_PASSWORD)
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200
