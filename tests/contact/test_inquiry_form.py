"""/contact/form/: anyone writes without logging in; a 受付番号 and an acknowledgment; bots are kept out by
a signed time check, a hidden field and rate limits, without a third-party CAPTCHA."""

import re
import time

import pytest
import time_machine
from django.core import mail

from contact import antispam
from desk.models import CustomerRequest

pytestmark = pytest.mark.django_db


def shown_form(client) -> dict:
    page = client.get("/contact/form/")
    assert page.status_code == 200
    ticket = re.search(r'name="ticket" value="([^"]+)"', page.content.decode()).group(1)
    return {"name": "山田 太郎", "email": "taro@example.net", "company": "", "message": "DMの送付元を知りたい。",
            "ticket": ticket, "website": ""}


def later(seconds):
    return time_machine.travel(time.time() + seconds, tick=False)


def test_an_inquiry_gets_a_number_and_an_acknowledgment(client, life):
    data = shown_form(client) | {"company": str(life.pk)}
    with later(10):
        response = client.post("/contact/form/", data)
        # Read while the clock is still there: the acknowledgment is due from the time it was queued.
        (message,) = mail.outbox
    assert response.status_code == 200
    inquiry = CustomerRequest.objects.get()
    assert (inquiry.kind, inquiry.policyholder, inquiry.company, inquiry.email) == (
        "inquiry", None, life, "taro@example.net")
    assert inquiry.number in response.content.decode() and "お問合せを受け付けました" in response.content.decode()
    assert message.to == ["taro@example.net"] and inquiry.number in message.subject


def test_the_same_form_sent_again_does_not_make_a_second_inquiry(client):
    data = shown_form(client)
    with later(10):
        first = client.post("/contact/form/", data)
        again = client.post("/contact/form/", data)
        assert CustomerRequest.objects.count() == 1 and len(mail.outbox) == 1
    number = CustomerRequest.objects.get().number
    assert number in first.content.decode() and number in again.content.decode()


def test_a_form_sent_within_seconds_is_refused_and_shown_again_with_what_was_written(client):
    data = shown_form(client)
    response = client.post("/contact/form/", data)
    assert response.status_code == 400
    text = response.content.decode()
    assert "送信までが短すぎる" in text and "DMの送付元を知りたい。" in text
    assert not CustomerRequest.objects.exists() and not mail.outbox
    # The page carries a new ticket: sent a little later, it goes through.
    data["ticket"] = re.search(r'name="ticket" value="([^"]+)"', text).group(1)
    with later(5):
        assert client.post("/contact/form/", data).status_code == 200
    assert CustomerRequest.objects.count() == 1


def test_a_form_left_open_for_hours_is_refused(client):
    data = shown_form(client)
    with later(antispam.MAX_SECONDS + 60):
        response = client.post("/contact/form/", data)
    assert response.status_code == 400 and "3時間以上" in response.content.decode()
    assert not CustomerRequest.objects.exists()


@pytest.mark.parametrize("ticket", ["", "forged", antispam.ticket_issue(now=0).replace(":", ";")])
def test_a_missing_or_forged_ticket_is_refused(client, ticket):
    data = shown_form(client) | {"ticket": ticket}
    with later(10):
        response = client.post("/contact/form/", data)
    assert response.status_code == 400 and "有効期限が切れています" in response.content.decode()
    assert not CustomerRequest.objects.exists()


def test_a_bot_that_fills_the_hidden_field_is_refused(client):
    data = shown_form(client) | {"website": "http://spam.example"}
    with later(10):
        response = client.post("/contact/form/", data)
    assert response.status_code == 400 and "受け付けられませんでした" in response.content.decode()
    assert not CustomerRequest.objects.exists() and not mail.outbox


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("email", "not-an-address", "name@example.com"),
        ("name", "", "お名前を入力してください。"),
        ("message", "", "お問合せ内容をご記入ください。"),
        ("message", "あ" * 4001, "4000文字以内"),
        ("company", "999999", "会社は一覧から選んでください。"),
    ],
)
def test_bad_input_is_refused_in_japanese(client, field, value, message):
    data = shown_form(client) | {field: value}
    with later(10):
        response = client.post("/contact/form/", data)
    assert response.status_code == 400 and message in response.content.decode()
    assert not CustomerRequest.objects.exists()


def test_one_network_is_limited(client):
    for n in range(antispam.INQUIRY_IP_LIMIT.limit):
        data = shown_form(client) | {"email": f"user{n}@example.net"}
        with later(10):
            assert client.post("/contact/form/", data).status_code == 200
    data = shown_form(client)
    with later(10):
        response = client.post("/contact/form/", data)
    assert response.status_code == 429 and response["Retry-After"] == "3600"
    assert "1時間" in response.content.decode()
    assert CustomerRequest.objects.count() == antispam.INQUIRY_IP_LIMIT.limit


def test_one_address_is_limited(client):
    for n in range(antispam.INQUIRY_ADDRESS_LIMIT.limit):
        data = shown_form(client) | {"message": f"質問{n}"}
        with later(10):
            client.post("/contact/form/", data, REMOTE_ADDR=f"192.0.2.{n + 1}")
    data = shown_form(client)
    with later(10):
        response = client.post("/contact/form/", data, REMOTE_ADDR="192.0.2.99")
    assert response.status_code == 429
    assert CustomerRequest.objects.count() == antispam.INQUIRY_ADDRESS_LIMIT.limit


def test_the_form_is_never_cached(client):
    response = client.get("/contact/form/")
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


def test_the_acknowledgment_repeats_nothing_typed_and_names_no_one(client, life):
    spam = "当選 http://spam.example/0"
    data = shown_form(client) | {"name": spam, "message": "今すぐ http://spam.example/1 へ", "company": str(life.pk)}
    with later(10):
        assert client.post("/contact/form/", data).status_code == 200
        (message,) = mail.outbox
    inquiry = CustomerRequest.objects.get()
    text = message.subject + message.body
    assert message.to == ["taro@example.net"]
    assert "お問合せを受け付けました" in text and inquiry.number in message.subject and inquiry.number in message.body
    for typed in ("spam.example", "当選", "今すぐ", "様", "楽天生命"):
        assert typed not in text, typed
    # Staff still see what was written.
    assert (inquiry.contact_name, inquiry.details) == (spam, "今すぐ http://spam.example/1 へ")


@pytest.mark.parametrize("name", ["山田\r\n太郎", "山田\n太郎", "山田\t太郎", "山田\x1b[31m", "\u202e郎太 田山"])
def test_a_name_with_control_characters_is_refused(client, name):
    data = shown_form(client) | {"name": name}
    with later(10):
        response = client.post("/contact/form/", data)
    assert response.status_code == 400
    assert "お名前は改行や制御文字を含めず、1行でご入力ください。" in response.content.decode()
    assert not CustomerRequest.objects.exists() and not mail.outbox


def test_a_message_keeps_its_line_breaks_but_no_other_control_character(client):
    first, second = shown_form(client), shown_form(client)
    with later(10):
        ok = client.post("/contact/form/", first | {"message": "1行目\r\n2行目\tです"})
        refused = client.post("/contact/form/", second | {"message": "警告\x07です"})
    assert ok.status_code == 200 and refused.status_code == 400
    assert "制御文字が含まれています" in refused.content.decode()


@pytest.mark.django_db(transaction=True)  # real commits
def test_an_inquiry_whose_commit_lost_its_answer_is_not_reported_as_lost(client):
    from unittest import mock

    from django.db import OperationalError, connection

    commit, calls = connection.commit, []

    def commit_then_fail():
        commit()
        if not calls:
            calls.append(1)
            raise OperationalError("server closed the connection unexpectedly")

    client.raise_request_exception = False
    data = shown_form(client)
    with later(10), mock.patch.object(connection, "commit", side_effect=commit_then_fail):
        response = client.post("/contact/form/", data)
    assert response.status_code == 503
    assert "保存されたか確認できませんでした" in response.content.decode()
    assert "保存されていません" not in response.content.decode()
    inquiry = CustomerRequest.objects.get()  # it was committed, with its acknowledgment
    assert inquiry.acknowledgment is not None
    with later(20):
        again = client.post("/contact/form/", data)
    assert again.status_code == 200 and inquiry.number in again.content.decode()
    assert CustomerRequest.objects.count() == 1


def _purpose_before_the_button(html: str, button: str) -> str:
    """The purpose-of-use paragraph that stands right before the form's submit button (APPI Art. 21(2))."""
    form = html[html.index("<form"):html.index("</form>")]
    match = re.search(r'<p class="purpose-of-use">(.*?)</p>\s*<p><button type="submit">' + button, form, flags=re.S)
    assert match, "no purpose of use beside the submit button"
    return match.group(1)


def test_the_form_states_its_purpose_of_use_beside_the_button_with_the_link(client):
    purpose = _purpose_before_the_button(client.get("/contact/form/").content.decode(), "お問合せを送信する")
    assert "このお問合せへの回答とその記録のためにのみ利用します。" in purpose
    assert '<a href="/privacy/">個人情報の取扱い（保有個人データに関する事項）</a>' in purpose
    # Shown again when the form comes back with errors.
    refused = client.post("/contact/form/", shown_form(client) | {"email": ""})
    assert refused.status_code == 400
    purpose = _purpose_before_the_button(refused.content.decode(), "お問合せを送信する")
    assert "回答とその記録のためにのみ利用します" in purpose
