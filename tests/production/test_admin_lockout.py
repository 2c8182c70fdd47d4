"""Failed admin logins are counted in the database that every app server shares: five, wherever
they land, lock the username out from that address."""

from django.contrib.auth import get_user_model

from tests.stack import WebClient

PASSWORD = "a-long-production-password-2026"


def attempt(browser, server, password):
    return browser.submit(server.url("/admin/login/"), {"username": "kanri", "password": password, "otp_token": ""})


def test_failures_on_two_servers_add_up_to_a_lockout(stack):
    get_user_model().objects.create_user("kanri", password=PASSWORD, is_staff=True)
    # No email is sent here: no task worker.
    first = stack.server(production=True, task_worker=False)
    second = stack.server(production=True, task_worker=False)
    browser = WebClient(https=True)
    statuses = []
    for n in range(5):
        server = (first, second)[n % 2]
        response = attempt(browser, server, "wrong")
        statuses.append(response.status_code)
    assert statuses == [200] * 4 + [429]
    assert "ログインに続けて失敗しました" in response.text and response.headers["Retry-After"] == "1800"

    # The right password is refused on the other server too.
    locked = attempt(browser, second, PASSWORD)
    assert locked.status_code == 429

    # What the operator ships from the servers' logs names the lockout, not the person.
    logs = first.log() + second.log()
    assert "AXES: Locking out path=/admin/login/" in logs and "kanri" not in logs
