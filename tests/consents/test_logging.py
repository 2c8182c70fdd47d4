"""No live login or unsubscribe token in the logs (core/logging.py)."""

import logging

from core.logging import MaskTokensFilter

TOKEN = "eyJwIjoxLCJjIjoyLCJtIjoiYSJ9:1vXyZ_abc-DEF"


def request_record(path):
    # As django.utils.log.log_response makes it for a 4xx.
    return logging.LogRecord("django.request", logging.WARNING, __file__, 1, "Bad Request: %s", (path,), None)


def test_it_masks_the_token_of_a_login_link_and_an_unsubscribe_link():
    for path, masked in [
        (f"/login/link/{TOKEN}/", "/login/link/…/"),
        (f"/unsubscribe/{TOKEN}/", "/unsubscribe/…/"),
    ]:
        record = request_record(path)
        assert MaskTokensFilter().filter(record) is True
        assert record.getMessage() == f"Bad Request: {masked}"
        assert TOKEN not in record.getMessage()


def test_it_leaves_other_paths_and_messages_alone():
    record = request_record("/my/preferences/")
    MaskTokensFilter().filter(record)
    assert record.getMessage() == "Bad Request: /my/preferences/"
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "GET /login/link/%s/ 400", (TOKEN,), None)
    MaskTokensFilter().filter(record)
    assert record.getMessage() == "GET /login/link/…/ 400"  # a path split between message and args


def test_it_is_configured_for_django_request(caplog):
    logging.getLogger("django.request").warning("Not Found: %s", f"/unsubscribe/{TOKEN}/")
    assert TOKEN not in caplog.text and "Not Found: /unsubscribe/…/" in caplog.text
    console = logging.getLogger().handlers
    assert any(isinstance(f, MaskTokensFilter) for handler in console for f in handler.filters)


def test_it_keeps_the_token_of_a_refused_link_out_of_the_log(client, db, caplog):
    assert client.get(f"/unsubscribe/{TOKEN}/").status_code == 400
    assert client.post(f"/login/link/{TOKEN}/").status_code == 400
    assert "Bad Request: /unsubscribe/<str:token>/" in caplog.text
    assert TOKEN not in caplog.text


def test_a_refused_path_is_logged_as_its_url_pattern(customer, client, caplog):
    # A path can hold what identifies a customer: a receipt number, an address typed into the bar.
    assert customer.get("/my/receipts/R20260401-000123/").status_code == 404
    assert client.get("/hanako@example.com/").status_code == 404
    assert client.get("/notices/no-such-notice/2019-06-03/").status_code == 404
    assert "R20260401-000123" not in caplog.text and "Not Found: /my/receipts/<str:number>/" in caplog.text
    assert "hanako@example.com" not in caplog.text and "no-such-notice" not in caplog.text
    assert "Not Found: -" in caplog.text  # no pattern matched
    assert "Not Found: /notices/<slug:slug>/<isodate:date>/" in caplog.text


def test_a_path_with_japanese_is_logged_as_its_url_pattern_too(customer, client, caplog):
    # Django escapes non-ASCII in its log arguments (\u5c71…): the path must still be recognised.
    assert client.get("/山本優/").status_code == 404
    assert customer.get("/my/receipts/山本優/").status_code == 404
    assert "\\u5c71" not in caplog.text and "山本" not in caplog.text and "%E5" not in caplog.text
    assert "Not Found: /my/receipts/<str:number>/" in caplog.text
