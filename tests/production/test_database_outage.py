"""PostgreSQL goes away under a running server (production settings, persistent connections) and
comes back: cached public pages keep serving, everything else is a Japanese 503 (never a 500), a save
says nothing was saved and indeed nothing half-written remains, and the same processes recover."""

import json
import threading
import time
from pathlib import Path

import psycopg
import pytest
from django.core.management import call_command
from django.db import connection

from consents.models import ConsentEvent, Preference, Receipt, Source
from consents.services import preferences_update
from tests.factories import ApiClientFactory
from tests.stack import CuttableProxy, WebClient, database_url, form_values

NOT_SAVED = "送信された内容は保存されていません"
UNAVAILABLE = "システムが一時的にご利用いただけない状態です"


@pytest.fixture
def outage(stack):
    """(server, proxy): a production server whose only way to PostgreSQL is a proxy the test can cut."""
    proxy = CuttableProxy(target_port=int(connection.settings_dict["PORT"] or 5432)).start()
    server = stack.server(production=True, database_port=proxy.port)
    yield server, proxy
    proxy.restore()


def worker_pids(server) -> set[int]:
    pid = server.process.pid
    return {int(child) for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()}


def email_field(company) -> str:
    return f"pref-{company.pk}-email"


def test_an_outage_is_a_japanese_503_and_the_same_server_recovers(stack, outage, hanako, life):
    server, proxy = outage
    api_client = ApiClientFactory(companies=[life])
    api = {"Authorization": f"Bearer {api_client.token}"}
    check = server.url(f"/api/v1/contact-permission?customer={hanako.customer_number}&company={life.pk}&channel=email")
    browser = WebClient(https=True)
    browser.log_in(server, hanako.email, stack.mailbox)
    notice = browser.get(server.url("/notices/group-joint-use/"))
    form = browser.get(server.url("/my/preferences/"))
    assert notice.status_code == form.status_code == 200
    workers = worker_pids(server)

    proxy.cut()

    # The notice was rendered before the outage: it is served from the page cache, whole.
    cached = browser.get(server.url("/notices/group-joint-use/"))
    assert cached.status_code == 200 and cached.text == notice.text
    assert browser.get(server.url("/healthz")).status_code == 200
    ready = browser.get(server.url("/readyz"))
    assert ready.status_code == 503 and ready.json() == {"status": "unavailable", "database": "error", "cache": "ok"}
    for path in ("/my/", "/my/history/", "/faq/?q=ペット"):
        page = browser.get(server.url(path))
        assert page.status_code == 503, (path, page.status_code)
        assert UNAVAILABLE in page.text and '<html lang="ja">' in page.text
        assert page.headers["Retry-After"] == "30"
    saved = browser.post(server.url("/my/preferences/"), {**form_values(form.text), email_field(life): "on"})
    assert saved.status_code == 503 and NOT_SAVED in saved.text
    answer = browser.get(check, headers=api)
    assert answer.status_code == 503
    assert answer.headers["Content-Type"] == "application/problem+json"
    assert answer.json()["type"] == "urn:privacy-portal:problem:unavailable"

    proxy.restore()

    # The same gunicorn and the same workers, none restarted: a worker whose connection broke opens a
    # new one on its next request.
    for _ in range(8):
        assert browser.get(server.url("/readyz")).status_code == 200
        assert browser.get(server.url("/my/")).status_code == 200
    assert server.process.poll() is None and worker_pids(server) == workers
    assert browser.get(check, headers=api).status_code == 200
    done = browser.submit(server.url("/my/preferences/"), {email_field(life): "on"})
    assert done.status_code == 200 and "/my/receipts/" in done.url
    assert Preference.objects.get(policyholder=hanako, company=life, channel__code="email").allowed is True
    # The save refused during the outage left nothing: one receipt, one event, from after recovery.
    assert Receipt.objects.filter(policyholder=hanako).count() == 1
    assert ConsentEvent.objects.filter(policyholder=hanako).count() == 1
    # Nothing was a 500, and no traceback reached the log (production writes one JSON object a line).
    lines = [json.loads(line) for line in server.log().splitlines()]
    assert [line for line in lines if line.get("status") == 500 or line.get("exc_info")] == []
    assert {line["status"] for line in lines if line["logger"] == "privacy_portal.requests"} >= {200, 302, 503}


def wait_for_a_save_waiting_on_the_lock():
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND wait_event_type = 'Lock' AND query LIKE %s",
                ["INSERT INTO %consents_preference%ON CONFLICT%"],  # the save's one upsert of the changed cells
            )
            if cursor.fetchone()[0]:
                return
        time.sleep(0.05)
    pytest.fail("the save never reached the preference row")


def test_a_connection_lost_in_the_middle_of_a_save_leaves_nothing_half_written(stack, outage, hanako, life):
    server, proxy = outage
    preferences_update(
        policyholder=hanako, changes={(life.pk, "email"): True}, source=Source.PORTAL, idempotency_key="first"
    )
    browser = WebClient(https=True)
    browser.log_in(server, hanako.email, stack.mailbox)
    form = browser.get(server.url("/my/preferences/"))
    data = {**form_values(form.text), email_field(life): "off"}
    answers = []

    # Hold the row the save must update, so the server's transaction stops half-way: its receipt and
    # event inserted, the preference not yet updated. Then the connection goes.
    with psycopg.connect(database_url(connection.settings_dict)) as blocker:
        blocker.execute("SELECT id FROM consents_preference WHERE policyholder_id = %s FOR UPDATE", [hanako.pk])
        save = threading.Thread(
            target=lambda: answers.append(browser.post(server.url("/my/preferences/"), data)), daemon=True
        )
        save.start()
        wait_for_a_save_waiting_on_the_lock()
        proxy.cut()
        blocker.rollback()
    save.join(timeout=30)

    assert answers and answers[0].status_code == 503 and NOT_SAVED in answers[0].text
    assert Preference.objects.get(policyholder=hanako, company=life, channel__code="email").allowed is True
    assert list(Receipt.objects.filter(policyholder=hanako).values_list("idempotency_key", flat=True)) == ["first"]
    assert ConsentEvent.objects.filter(policyholder=hanako).count() == 1
    call_command("verify_consent_chain", verbosity=0)

    proxy.restore()
    # The customer presses the button again (the same form): this time it is saved, once.
    retried = browser.post(server.url("/my/preferences/"), data)
    assert retried.status_code == 200 and "/my/receipts/" in retried.url
    assert Preference.objects.get(policyholder=hanako, company=life, channel__code="email").allowed is False
    assert ConsentEvent.objects.filter(policyholder=hanako).count() == 2
