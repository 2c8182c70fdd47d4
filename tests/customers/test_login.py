import hashlib
import re

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django_tasks_db.models import DBTaskResult

from core.clientaddress import client_ip
from customers.models import LoginToken
from outbox.models import OutgoingEmail
from tests.conftest import run_queued_tasks
from tests.consents.conftest import emailed_link
from tests.factories import PolicyholderFactory


def request_link(client, email, ip="192.0.2.1", **extra):
    return client.post("/login/", {"email": email}, REMOTE_ADDR=ip, **extra)


def test_it_shows_a_japanese_form(client, db):
    response = client.get("/login/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "メールアドレス" in html and "ログイン用リンクを送る" in html
    assert "no-store" in response["Cache-Control"]


def test_it_states_its_purpose_of_use_beside_the_button_with_the_link(client, db):
    html = client.get("/login/").content.decode()
    form = html[html.index("<form"):html.index("</form>")]
    match = re.search(r'<p class="purpose-of-use">(.*?)</p>\s*<p><button type="submit">ログイン用リンクを送る', form,
                      flags=re.S)
    assert match, "no purpose of use beside the submit button"
    assert "ログイン用リンクのお送りと不正なログインの防止のためにのみ利用します。" in match.group(1)
    assert '<a href="/privacy/">' in match.group(1)


def test_a_known_and_an_unknown_address_get_identical_answers(policyholder):
    known = request_link(Client(), "hanako@example.com")
    unknown = request_link(Client(), "nobody@example.com")
    assert (known.status_code, known["Location"]) == (unknown.status_code, unknown["Location"]) == (302, "/login/sent/")
    assert known.cookies.keys() == unknown.cookies.keys()
    assert Client().get(known["Location"]).content == Client().get(unknown["Location"]).content
    assert [m.to for m in mail.outbox] == [["hanako@example.com"]]


def test_it_emails_a_japanese_link_valid_for_15_minutes(policyholder):
    with time_machine.travel("2026-04-01 10:00 +0900", tick=False):
        request_link(Client(), "HANAKO@example.com ")
    message = mail.outbox[0]
    assert "ログイン用リンク" in message.subject
    assert "楽天 花子 様" in message.body
    assert "2026年4月1日（令和8年4月1日） 10:15 まで（15分間）" in message.body
    assert emailed_link(message).startswith("/login/link/")


def test_it_stores_only_a_hash_of_the_token(policyholder):
    request_link(Client(), "hanako@example.com")
    token = emailed_link().split("/")[-2]
    stored = LoginToken.objects.get()
    assert token not in stored.token_hash
    assert stored.token_hash == hashlib.sha256(token.encode()).hexdigest()


def test_the_sixth_request_for_one_address_is_refused(policyholder):
    for n in range(5):
        assert request_link(Client(), "hanako@example.com", ip=f"192.0.2.{n}").status_code == 302
    response = request_link(Client(), "hanako@example.com", ip="192.0.2.99")
    assert response.status_code == 429
    assert "15分ほど待って" in response.content.decode()
    assert response["Retry-After"] == "900"
    assert len(mail.outbox) == 5


@pytest.mark.parametrize("variant", ["HANAKO@EXAMPLE.COM", "Hanako@Example.com", " hanako@example.com "])
def test_other_spellings_of_the_address_share_its_limit(policyholder, variant):
    for n in range(5):
        request_link(Client(), "hanako@example.com", ip=f"192.0.2.{n}")
    assert request_link(Client(), variant, ip="192.0.2.99").status_code == 429
    assert len(mail.outbox) == 5


def test_spellings_the_database_folds_count_on_the_policyholder_they_find(policyholder):
    # PostgreSQL's case-insensitive match finds hanako@ for "ſ" (long s) and "ı" (dotless i) spellings,
    # which Python's lower() leaves alone: counted apart, each would get five more emails.
    policyholder.email = "suzuki.ichiro@example.com"
    policyholder.save()
    for n in range(5):
        request_link(Client(), "suzuki.ichiro@example.com", ip=f"192.0.2.{n}")
    variants = ["ſuzuki.ichiro@example.com", "suzuki.ıchiro@example.com", "ſuzuki.ıchıro@example.com"]
    for n, variant in enumerate(variants):
        request_link(Client(), variant, ip=f"198.51.100.{n}")
    assert len(mail.outbox) == 5


def test_an_unknown_address_is_limited_the_same_way(db):
    statuses = [request_link(Client(), "nobody@example.com", ip=f"192.0.2.{n}").status_code for n in range(6)]
    assert statuses == [302] * 5 + [429]


def test_the_limit_ends_with_its_window(policyholder):
    with time_machine.travel("2026-04-01 10:00 +0900") as clock:
        for _ in range(6):
            request_link(Client(), "hanako@example.com")
        clock.shift(15 * 60 + 1)
        assert request_link(Client(), "hanako@example.com").status_code == 302


def test_one_ip_is_limited_across_addresses(db):
    statuses = [request_link(Client(), f"person{n}@example.com").status_code for n in range(21)]
    assert statuses == [302] * 20 + [429]


def test_invalid_requests_count_against_the_ip(db):
    for _ in range(20):
        request_link(Client(), "not-an-address")
    assert request_link(Client(), "person@example.com").status_code == 429


@pytest.mark.parametrize(("proxies", "expected"), [(0, 302), (1, 429)])
def test_x_forwarded_for_counts_only_behind_a_trusted_proxy(db, settings, proxies, expected):
    settings.TRUSTED_PROXY_COUNT = proxies
    for n in range(20):
        request_link(Client(), f"p{n}@example.com", ip=f"10.0.0.{n}", HTTP_X_FORWARDED_FOR="198.51.100.7")
    response = request_link(Client(), "last@example.com", ip="10.0.0.99", HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert response.status_code == expected


@pytest.mark.parametrize("email", ["", "hanako", "hanako@@example.com"])
def test_a_bad_address_gets_a_japanese_message(db, client, email):
    response = request_link(client, email)
    assert response.status_code == 400
    assert "メールアドレス" in response.content.decode()
    assert not mail.outbox and not LoginToken.objects.exists()


def test_a_missing_csrf_token_gets_a_japanese_403(policyholder):
    response = request_link(Client(enforce_csrf_checks=True), "hanako@example.com")
    assert response.status_code == 403
    assert "送信を受け付けられませんでした" in response.content.decode()
    assert not mail.outbox


def test_a_mail_outage_gives_the_same_answer_and_the_link_follows(database_tasks, policyholder, settings, caplog):
    settings.EMAIL_BACKEND = "tests.consents.conftest.BrokenEmailBackend"
    with time_machine.travel("2026-04-01 10:00 +0900", tick=False) as clock:
        response = request_link(Client(), "hanako@example.com")
        assert (response.status_code, response["Location"]) == (302, "/login/sent/")
        run_queued_tasks()
        email = OutgoingEmail.objects.get()
        assert (email.kind, email.status, email.last_error) == ("login_link", "queued", "ConnectionRefusedError")
        # The link was committed with the email, before the attempt: the retry carries the same one.
        (link,) = LoginToken.objects.all()
        settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
        clock.shift(30)
        run_queued_tasks()
        assert "2026年4月1日（令和8年4月1日） 10:15 まで" in mail.outbox[0].body  # 15 minutes from the request
    assert LoginToken.objects.get() == link and len(mail.outbox) == 1
    assert link.token_hash == hashlib.sha256(emailed_link().split("/")[-2].encode()).hexdigest()


def test_the_request_does_the_same_work_for_a_known_and_an_unknown_address(database_tasks, policyholder):
    def statements(address, ip):
        with CaptureQueriesContext(connection) as queries:
            assert request_link(Client(), address, ip=ip).status_code == 302
        return [query["sql"].split("VALUES")[0] for query in queries]

    known, unknown = statements("hanako@example.com", "192.0.2.1"), statements("nobody@example.com", "192.0.2.2")
    assert known == unknown
    assert not any("customers_policyholder" in sql for sql in known)  # the lookup is the worker's
    tasks = DBTaskResult.objects.order_by("enqueued_at")
    assert [t.task_path for t in tasks] == ["customers.tasks.login_link_send"] * 2
    run_queued_tasks()
    assert [m.to for m in mail.outbox] == [["hanako@example.com"]]


def test_a_malformed_forwarded_address_is_not_trusted(db, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="'; DROP TABLE--")
    assert client_ip(request) is None
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.9, 198.51.100.7")
    assert client_ip(request) == "198.51.100.7"


def test_it_logs_a_mail_outage_without_the_address_or_a_traceback(database_tasks, policyholder, settings, caplog):
    settings.EMAIL_BACKEND = "tests.outbox.test_sending.RefusingEmailBackend"
    request_link(Client(), "hanako@example.com")
    run_queued_tasks()
    email = OutgoingEmail.objects.get()
    assert f"outgoing email {email.pk} failed, attempt 1: SMTPRecipientsRefused" in caplog.text
    assert "hanako@example.com" not in caplog.text
    assert "Traceback" not in caplog.text and not any(record.exc_info for record in caplog.records)


def test_the_lookup_uses_the_unique_email_index(policyholder):
    """A scan of the table grows with the policyholders and would be paid on every login: the lookup must be
    the expression the unique index is built on."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from customers.login import login_policyholder

    if connection.vendor != "postgresql":
        pytest.skip("the query plan is PostgreSQL's")
    with CaptureQueriesContext(connection) as queries:
        assert login_policyholder("Hanako@EXAMPLE.com ") == policyholder
    [query] = queries.captured_queries
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + query["sql"])
        plan = "\n".join(row[0] for row in cursor.fetchall())
    # An index scan bounded by the address, not a walk of the whole index filtered row by row.
    assert "policyholder_email_key_unique" in plan and "Index Cond" in plan and "Filter" not in plan, plan


@pytest.mark.parametrize("registered", [True, False])
def test_a_dotless_i_spelling_is_another_address_whether_or_not_one_is_registered(life, registered):
    """If ıchiro@ shared the limit of a registered ichiro@ but not of an unregistered one, five requests
    and a sixth would tell whether an address is registered."""
    if registered:
        PolicyholderFactory(email="ichiro@example.com")
    for n in range(5):
        assert request_link(Client(), "ichiro@example.com", ip=f"192.0.2.{n}").status_code == 302
    assert request_link(Client(), "\u0131chiro@example.com", ip="192.0.2.50").status_code == 302
    assert request_link(Client(), "ICHIRO@example.com", ip="192.0.2.51").status_code == 429
    assert len(mail.outbox) == (5 if registered else 0)


def test_a_full_width_address_is_read_as_the_ascii_one(policyholder):
    response = request_link(Client(), "ｈａｎａｋｏ＠ｅｘａｍｐｌｅ．ｃｏｍ")
    assert response.status_code == 302 and response["Location"] == "/login/sent/"
    assert [m.to for m in mail.outbox] == [["hanako@example.com"]]


def test_the_link_does_not_depend_on_the_sending_transaction_and_a_second_copy_carries_it_too(
    database_tasks, policyholder, settings
):
    from unittest import mock

    from core.jobs import GiveUp, job_run_one
    from outbox.sending import OUTBOX, _send

    def send_then_die(message, *args, **kwargs):
        # The mail server took the message; then the worker's transaction is lost before its commit.
        mail.outbox.append(message)
        raise ConnectionResetError("the worker died before its commit")

    with mock.patch("django.core.mail.EmailMessage.send", send_then_die):
        request_link(Client(), "hanako@example.com")
        run_queued_tasks()
    first = emailed_link()
    email = OutgoingEmail.objects.get()
    assert email.status == "queued"  # not marked sent: it will be sent again
    # The link in the inbox works already: it was committed before the email was sent.
    assert LoginToken.objects.filter(used_at=None).count() == 1
    # The second copy carries the same link.
    OutgoingEmail.objects.filter(pk=email.pk).update(next_attempt_at=email.queued_at)
    assert job_run_one(OUTBOX, pk=email.pk)
    assert len(mail.outbox) == 2 and emailed_link() == first
    assert Client().post(first).status_code == 302
    # Once used, a late copy is not sent at all.
    OutgoingEmail.objects.filter(pk=email.pk).update(status="queued")
    email.refresh_from_db()
    with pytest.raises(GiveUp):
        _send(email)


def test_the_login_task_keeps_no_address_once_it_ran(database_tasks, policyholder):
    request_link(Client(), "hanako@example.com")
    request_link(Client(), "nobody@example.com", ip="192.0.2.2")
    assert all("@example.com" in str(t.args_kwargs) for t in DBTaskResult.objects.all())
    run_queued_tasks()
    assert [m.to for m in mail.outbox] == [["hanako@example.com"]]
    records = DBTaskResult.objects.all()
    assert [r.status for r in records] == ["SUCCESSFUL"] * 2
    assert all(r.args_kwargs == {"args": [], "kwargs": {}} for r in records)
