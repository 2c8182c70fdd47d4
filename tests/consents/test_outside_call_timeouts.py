"""Every outside call gives up before gunicorn's 30-second worker timeout, and the customer is told
truthfully whether the change was saved: a mail server that never answers, a row lock held elsewhere."""

import socket
import threading
import time

import psycopg
import pytest
from django.core import mail
from django.db import connection
from django.test import Client, override_settings

from consents.models import ConsentEvent, Receipt
from customers.models import Policyholder
from tests.commands import PRODUCTION, last_line, manage

from .test_preferences import matrix_post

GUNICORN_TIMEOUT = 30


@pytest.fixture
def silent_smtp():
    """A mail server that accepts connections and never says a word."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    accepted = []

    def accept():
        while True:
            try:
                accepted.append(server.accept()[0])
            except OSError:
                return

    threading.Thread(target=accept, daemon=True).start()
    smtp = {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend", "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": server.getsockname()[1], "EMAIL_USE_TLS": False, "EMAIL_TIMEOUT": 1,
    }
    yield smtp
    server.close()
    for client in accepted:
        client.close()


def test_the_email_timeout_comes_from_the_environment_and_is_below_the_worker_timeout():
    code = "from django.conf import settings; print(settings.EMAIL_TIMEOUT)"
    assert 0 < int(last_line(manage("shell", "-c", code))) < GUNICORN_TIMEOUT
    assert last_line(manage("shell", "-c", code, EMAIL_TIMEOUT="4")) == "4"


def test_postgresql_statements_and_lock_waits_end_below_the_worker_timeout():
    code = (
        "from django.conf import settings; print(settings.DATABASES['default']['OPTIONS']['options'])"
    )
    options = last_line(manage("shell", "-c", code, DATABASE_URL="postgres://u@127.0.0.1:5432/x", **PRODUCTION))
    settings = dict(part.split("=") for part in options.split("-c ") if part.strip())
    statement_ms, lock_ms = int(settings["statement_timeout"].strip()), int(settings["lock_timeout"].strip())
    assert 0 < lock_ms < statement_ms < GUNICORN_TIMEOUT * 1000


def test_the_connection_applies_them(db):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's timeouts")
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        assert cursor.fetchone()[0] != "0"
        cursor.execute("SHOW lock_timeout")
        assert cursor.fetchone()[0] != "0"


def test_a_login_request_to_a_silent_mail_server_answers_in_time(policyholder, silent_smtp):
    began = time.monotonic()
    with override_settings(**silent_smtp):
        response = Client().post("/login/", {"email": "hanako@example.com"}, REMOTE_ADDR="192.0.2.1")
    assert response.status_code == 302 and response["Location"] == "/login/sent/"
    assert time.monotonic() - began < 5
    assert not mail.outbox


def test_a_save_with_a_silent_mail_server_shows_its_receipt(customer, life, silent_smtp):
    began = time.monotonic()
    with override_settings(**silent_smtp):
        response = customer.post("/my/preferences/", matrix_post(life, direct_mail="off"))
    assert time.monotonic() - began < 5
    receipt = Receipt.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/my/receipts/{receipt.number}/"


@pytest.mark.django_db(transaction=True)  # the other connection must see the committed row
def test_a_save_behind_a_row_lock_is_a_503_that_says_nothing_was_saved(customer, life):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's lock_timeout")
    customer.raise_request_exception = False
    holder = Policyholder.objects.get()
    settings = connection.settings_dict
    with psycopg.connect(
        host=settings["HOST"] or "127.0.0.1", port=settings["PORT"] or 5432, user=settings["USER"],
        dbname=settings["NAME"], password=settings["PASSWORD"] or None,
    ) as other:
        other.execute(f"SELECT 1 FROM {Policyholder._meta.db_table} WHERE id = %s FOR UPDATE", [holder.pk])
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = '300ms'")  # the configured one, shortened for the test
        try:
            response = customer.post("/my/preferences/", matrix_post(life, direct_mail="off"))
        finally:
            other.rollback()
            with connection.cursor() as cursor:
                cursor.execute("RESET lock_timeout")
    assert response.status_code == 503
    assert "送信された内容は保存されていません" in response.content.decode()
    assert not Receipt.objects.exists() and not ConsentEvent.objects.exists()
