"""Two app servers behind one load balancer share nothing but PostgreSQL and Redis: a customer logged
in on one is logged in on the other, and the login rate limit counts requests to both."""

from consents.models import ConsentEvent, Preference, Receipt
from tests.stack import WebClient, form_values


def test_a_customer_logs_in_on_one_server_and_saves_on_the_other(stack, hanako, life):
    first, second = stack.server(), stack.server()
    browser = WebClient()
    browser.log_in(first, hanako.email, stack.mailbox)

    saved = browser.submit(second.url("/my/preferences/"), {f"pref-{life.pk}-email": "on"})

    assert saved.status_code == 200, saved.text[:500]
    receipt = Receipt.objects.get(policyholder=hanako)
    assert saved.url.endswith(f"/my/receipts/{receipt.number}/")
    assert Preference.objects.get(policyholder=hanako, company=life, channel__code="email").allowed is True
    assert ConsentEvent.objects.filter(policyholder=hanako).count() == 1
    # The first server shows what was saved on the second: its history lists the receipt.
    history = browser.get(first.url("/my/history/"))
    assert history.status_code == 200 and receipt.number in history.text


def test_logging_out_on_one_server_ends_the_session_on_the_other(stack, hanako):
    first, second = stack.server(), stack.server()
    browser = WebClient()
    browser.log_in(first, hanako.email, stack.mailbox)
    page = browser.get(second.url("/my/"))
    assert page.status_code == 200
    session_cookie = dict(browser.cookies)

    logged_out = browser.post(second.url("/logout/"), form_values(page.text))
    assert logged_out.url.endswith("/logout/done/")
    # Even replayed, the old session cookie is refused by the first server too.
    browser.cookies = session_cookie
    refused = browser.get(first.url("/my/"), follow=False)
    assert refused.status_code == 302 and "/login/" in refused.headers["Location"]


def test_the_login_rate_limit_counts_requests_to_both_servers(stack, hanako):
    first, second = stack.server(), stack.server()
    browser = WebClient()
    statuses = []
    for attempt in range(7):
        server = (first, second)[attempt % 2]
        statuses.append(browser.submit(server.url("/login/"), {"email": hanako.email}, follow=False).status_code)
    # Five requests per address per 15 minutes, wherever they land.
    assert statuses == [302] * 5 + [429] * 2
    stack.wait_for_tasks()
    assert len(stack.mailbox.bodies_to(hanako.email)) == 5
