"""The JSON log format (core/logging.py): which fields a line holds, and LOG_FORMAT."""

import datetime
import json
import logging
import sys

import pytest
from django.db import IntegrityError

from core.logging import JsonFormatter, MaskClientFilter, PlainFormatter
from tests.commands import PRODUCTION, manage


class Request:
    def __repr__(self):
        return "<WSGIRequest: GET '/api/v1/contact-permission?customer=C000123456'>"


def record(message="Not Found: %s", args=("/api/v1/contact-permission",), **extra):
    made = logging.LogRecord("django.request", logging.WARNING, __file__, 1, message, args, None)
    made.__dict__.update(extra)
    return made


def test_it_writes_the_named_fields_and_nothing_a_caller_passed_besides():
    line = json.loads(
        JsonFormatter().format(
            record(request=Request(), status_code=404, email="hanako@example.com", customer="楽天 花子")
        )
    )
    assert line.keys() == {"time", "level", "logger", "message", "request_id", "status_code"}
    assert (line["level"], line["logger"], line["message"], line["status_code"]) == (
        "WARNING",
        "django.request",
        "Not Found: /api/v1/contact-permission",
        404,
    )
    assert line["request_id"] is None  # outside a request


def test_its_time_is_iso_8601_with_the_zone():
    made = record()
    line = json.loads(JsonFormatter().format(made))
    written = datetime.datetime.fromisoformat(line["time"])
    assert written.utcoffset() == datetime.timedelta(0)
    assert abs(written.timestamp() - made.created) < 0.001


def test_it_keeps_the_traceback_and_japanese_readable():
    try:
        raise ValueError("失敗")
    except ValueError:
        made = logging.LogRecord("x", logging.ERROR, __file__, 1, "保存できません", (), sys.exc_info())
    text = JsonFormatter().format(made)
    assert "\n" not in text and "保存できません" in text
    assert "ValueError: 失敗" in json.loads(text)["exc_info"]


@pytest.mark.parametrize("formatter", [JsonFormatter(), PlainFormatter()], ids=["json", "plain"])
def test_a_database_errors_traceback_keeps_the_constraint_but_not_the_row(formatter):
    # As psycopg words a failed unique and check constraint.
    messages = (
        'duplicate key value violates unique constraint "consents_policyholder_email_key"\n'
        "DETAIL:  Key (email)=(hanako@example.com) already exists.",
        'new row violates check constraint "kana_katakana"\nDETAIL:  Failing row contains (7, C000123456, 楽天 花子).',
    )
    for message in messages:
        try:
            raise IntegrityError(message)
        except IntegrityError:
            made = logging.LogRecord("django.request", logging.ERROR, __file__, 1, "Internal Server Error", (), None)
            made.exc_info = sys.exc_info()
        text = formatter.format(made)
        assert "violates" in text and "DETAIL: …" in text
        for value in ("hanako@example.com", "C000123456", "楽天 花子"):
            assert value not in text


@pytest.mark.parametrize(
    ("message", "masked"),
    [
        (
            "Invalid request from ip=203.0.113.7: Invalid HTTP request line: 'GET /x?customer=C000123456 HTTP/1.1'",
            "Invalid request from ip=…: Invalid HTTP request line: 'GET /x?… HTTP/1.1'",
        ),
        (
            "Invalid request from ip=2001:db8::7: Invalid HTTP Version",
            "Invalid request from ip=…: Invalid HTTP Version",
        ),
        ("Error handling request GET /faq/?q=hanako@example.com", "Error handling request GET /faq/?…"),
        ("Listening at: http://127.0.0.1:8000 (4242)", "Listening at: http://127.0.0.1:8000 (4242)"),
    ],
)
def test_it_masks_the_client_and_query_string_in_gunicorns_own_lines(message, masked):
    made = logging.LogRecord("gunicorn.error", logging.WARNING, __file__, 1, message, (), None)
    assert MaskClientFilter().filter(made) is True
    assert made.getMessage() == masked


def log_a_line(**env):
    code = "import logging; logging.getLogger('privacy_portal.test').warning('保存しました')"
    return manage("shell", "-c", code, **env)


def test_production_logs_json_by_default():
    result = log_a_line(**PRODUCTION)
    line = json.loads(result.stderr.strip().splitlines()[-1])
    assert (line["logger"], line["message"]) == ("privacy_portal.test", "保存しました")


def test_development_logs_plain_text_unless_told_json():
    plain = log_a_line().stderr.strip().splitlines()[-1]
    assert plain.endswith("WARNING privacy_portal.test [-] 保存しました")
    line = json.loads(log_a_line(LOG_FORMAT="json").stderr.strip().splitlines()[-1])
    assert line["message"] == "保存しました"


def test_an_unknown_log_format_refuses_to_start():
    result = manage("check", LOG_FORMAT="xml")
    assert result.returncode != 0 and "LOG_FORMAT" in result.stderr


def test_a_host_not_allowed_is_logged_as_a_warning_and_answered_400(client, db, caplog):
    import logging

    with caplog.at_level(logging.INFO):
        response = client.get("/", HTTP_HOST="evil.example")
    assert response.status_code == 400
    records = [r for r in caplog.records if r.name == "django.security.DisallowedHost"]
    assert records and {r.levelname for r in records} == {"WARNING"}
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
