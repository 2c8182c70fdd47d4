"""One-click unsubscribe (RFC 8058): no login, no session, no CSRF token; one event however often."""

import datetime
import uuid

import pytest
import time_machine
from django.core import mail
from django.test import Client

from consents.models import ConsentEvent, Preference, Source
from consents.services import preferences_update
from consents.unsubscribe import unsubscribe_url
from notices.models import Company
from tests.factories import PolicyholderFactory


@pytest.fixture
def subscriber(life):
    """A customer who opted in to 楽天生命's email newsletter in the preference center."""
    holder = PolicyholderFactory()
    opt_in(holder, life)
    mail.outbox.clear()
    return holder


def opt_in(holder, company):
    changes = {(company.pk, "email"): True}
    preferences_update(policyholder=holder, changes=changes, source=Source.PORTAL, idempotency_key=uuid.uuid4().hex)


def link_path(holder, company, campaign="2026-autumn"):
    return unsubscribe_url(policyholder=holder, company=company, campaign=campaign).split("://", 1)[1].split("/", 1)[1]


def one_click(path, **kwargs):
    # A mailbox provider's POST: its own client, no cookie, no CSRF token.
    client = Client(enforce_csrf_checks=True)
    return client.post("/" + path, data={"List-Unsubscribe": "One-Click"}, **kwargs)


def test_the_link_shows_a_japanese_confirmation_page_without_login(client, subscriber, life):
    response = client.get("/" + link_path(subscriber, life))
    assert response.status_code == 200
    page = response.content.decode()
    assert "メールマガジンの配信停止" in page and life.legal_name in page
    assert 'name="List-Unsubscribe" value="One-Click"' in page
    assert subscriber.name not in page  # a forwarded email shows nobody's name
    assert not response.cookies and "cookie" not in response.get("Vary", "").lower()
    assert not ConsentEvent.objects.filter(source=Source.UNSUBSCRIBE).exists()


def test_one_click_records_one_event_however_often_it_is_repeated(subscriber, life):
    path = link_path(subscriber, life)
    responses = [one_click(path, headers={"User-Agent": "GoogleMailUnsubscribe"}) for _ in range(3)]
    assert [r.status_code for r in responses] == [200, 200, 200]
    assert "配信を停止しました" in responses[0].content.decode()
    assert not any(r.cookies for r in responses)
    events = ConsentEvent.objects.filter(source=Source.UNSUBSCRIBE)
    assert events.count() == 1
    event = events.get()
    assert (event.company, event.channel.code, event.old_value, event.new_value) == (life, "email", True, False)
    assert event.user_agent == "GoogleMailUnsubscribe"
    assert Preference.objects.get(policyholder=subscriber, company=life, channel__code="email").allowed is False
    # The receipt names the change and the way it was made.
    assert len(mail.outbox) == 1
    assert event.receipt.number in responses[0].content.decode()
    assert "確認のメールをお送りします" in responses[0].content.decode()
    assert "ワンクリック配信停止" in mail.outbox[0].body


def test_the_button_on_the_page_unsubscribes_too(client, subscriber, life):
    path = "/" + link_path(subscriber, life)
    client.get(path)
    response = client.post(path, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert ConsentEvent.objects.filter(source=Source.UNSUBSCRIBE).count() == 1


def test_after_opting_in_again_the_same_link_unsubscribes_again(subscriber, life):
    path = link_path(subscriber, life)
    one_click(path)
    opt_in(subscriber, life)
    one_click(path)
    assert ConsentEvent.objects.filter(source=Source.UNSUBSCRIBE).count() == 2
    assert Preference.objects.get(policyholder=subscriber, company=life, channel__code="email").allowed is False


def test_a_customer_who_never_opted_in_is_told_nothing_changed(life):
    holder = PolicyholderFactory()
    response = one_click(link_path(holder, life))
    assert response.status_code == 200
    assert "変更はありません" in response.content.decode()
    assert not ConsentEvent.objects.exists() and not mail.outbox


def test_no_confirmation_email_is_promised_without_an_address(life):
    holder = PolicyholderFactory(email="")
    opt_in(holder, life)
    response = one_click(link_path(holder, life))
    assert "受付番号" in response.content.decode()
    assert "確認のメール" not in response.content.decode()


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_tampered_link_gets_a_japanese_400_page_and_changes_nothing(client, subscriber, life, method):
    path = link_path(subscriber, life)
    token = path.split("/")[1]
    tampered = path.replace(token, ("A" if token[0] != "A" else "B") + token[1:])
    response = getattr(client, method)("/" + tampered, {"List-Unsubscribe": "One-Click"} if method == "post" else {})
    assert response.status_code == 400
    page = response.content.decode()
    assert '<html lang="ja">' in page and "この配信停止リンクは正しくありません" in page
    assert not ConsentEvent.objects.filter(source=Source.UNSUBSCRIBE).exists()


def test_an_opt_out_never_expires(subscriber, life):
    """The signature is the authority: a two-year-old email's link still stops the newsletter."""
    with time_machine.travel(datetime.datetime.now(tz=datetime.UTC) - datetime.timedelta(days=2 * 366)):
        path = link_path(subscriber, life)
    response = one_click(path)
    assert response.status_code == 200
    assert Preference.objects.get(policyholder=subscriber, company=life, channel__code="email").allowed is False


def test_a_valid_one_click_is_recorded_while_redis_is_down(subscriber, life):
    from unittest import mock

    import redis

    path = link_path(subscriber, life)
    with mock.patch("core.ratelimit.count_hit", side_effect=redis.ConnectionError("down")):
        response = one_click(path)
    assert response.status_code == 200
    assert ConsentEvent.objects.filter(source=Source.UNSUBSCRIBE).count() == 1


def test_a_forged_link_while_redis_is_down_is_still_refused(subscriber, life):
    from unittest import mock

    import redis

    client = Client()
    client.raise_request_exception = False
    with mock.patch("core.ratelimit.count_hit", side_effect=redis.ConnectionError("down")):
        response = client.post("/unsubscribe/forged-token/", {"List-Unsubscribe": "One-Click"})
    assert response.status_code in (400, 503)
    assert not ConsentEvent.objects.filter(source=Source.UNSUBSCRIBE).exists()


def test_a_post_without_one_click_gets_400(subscriber, life):
    response = Client().post("/" + link_path(subscriber, life), {"unsubscribe": "yes"})
    assert response.status_code == 400
    assert not ConsentEvent.objects.filter(source=Source.UNSUBSCRIBE).exists()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("width", [375, 1280])
def test_the_unsubscribe_pages_pass_axe(live_server, demo_content, page_at, assert_accessible, width):
    life = Company.objects.get(short_name="楽天生命")
    holder = PolicyholderFactory()
    opt_in(holder, life)
    page = page_at(width)
    page.goto(f"{live_server.url}/{link_path(holder, life)}")
    assert page.locator("html").get_attribute("lang") == "ja"
    assert_accessible(page)
    page.get_by_role("button", name="配信を停止する").click()
    assert page.get_by_role("heading", level=1).inner_text() == "配信を停止しました"
    assert_accessible(page)
    page.goto(f"{live_server.url}/unsubscribe/broken/")
    assert page.get_by_role("heading", level=1).inner_text() == "このリンクはご利用いただけません"
    assert_accessible(page)
    assert ConsentEvent.objects.filter(source=Source.UNSUBSCRIBE).count() == 1


def test_it_stores_the_client_ip_that_trusted_proxy_count_names(subscriber, life, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    response = one_click(
        link_path(subscriber, life), REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="192.0.2.1, 203.0.113.9"
    )
    assert response.status_code == 200
    assert ConsentEvent.objects.get(source=Source.UNSUBSCRIBE).ip_address == "203.0.113.9"


@pytest.mark.parametrize("method", ["put", "delete", "patch"])
def test_it_refuses_another_method_with_a_japanese_405(client, subscriber, life, method):
    response = getattr(client, method)("/" + link_path(subscriber, life))
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD, POST"
    assert "画面のボタンやリンクから操作してください" in response.content.decode()
    assert not ConsentEvent.objects.filter(source=Source.UNSUBSCRIBE).exists()


def test_one_link_is_refused_after_ten_requests_in_fifteen_minutes(subscriber, life):
    path = link_path(subscriber, life)
    statuses = [one_click(path).status_code for _ in range(12)]
    assert statuses == [200] * 10 + [429] * 2
    assert ConsentEvent.objects.filter(source=Source.UNSUBSCRIBE).count() == 1
    refused = one_click(path)
    assert "数分待ってから" in refused.content.decode() and refused["Retry-After"] == "900"


def test_an_address_sending_links_that_are_not_ours_is_refused_after_sixty_a_minute(subscriber, life):
    forged = [one_click(f"unsubscribe/forged-{n}/").status_code for n in range(61)]
    assert forged == [400] * 60 + [429]
    # A mailbox provider's pool sends many customers' unsubscribes from one address: valid links from
    # it are still honoured.
    assert one_click(link_path(subscriber, life)).status_code == 200
    assert ConsentEvent.objects.filter(source=Source.UNSUBSCRIBE).count() == 1
    # Another address is not affected by the first one's forgeries.
    assert one_click("unsubscribe/forged-x/", REMOTE_ADDR="192.0.2.10").status_code == 400
