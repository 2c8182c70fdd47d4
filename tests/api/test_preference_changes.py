"""POST /api/v1/preference-changes: changes customers made elsewhere, with when they said them."""

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from consents.models import ConsentEvent, Preference, Receipt, Suppression
from relay.models import InboundChange
from tests.api.conftest import change
from tests.factories import PolicyholderFactory

URL = "/api/v1/preference-changes"


def item(holder, company, *, key, at, allowed=False, channel="direct_mail", capture="paper", **extra):
    return {
        "key": key, "customer": holder.customer_number, "company": company.pk, "channel": channel,
        "allowed": allowed, "occurred_at": at.isoformat(), "capture": capture, **extra,
    }


def send(call, *changes):
    return call("post", URL, data={"changes": list(changes)}, content_type="application/json")


def nothing_written():
    return not InboundChange.objects.exists() and not ConsentEvent.objects.exists() and not Receipt.objects.exists()


@pytest.fixture
def holder(db):
    return PolicyholderFactory()


def test_a_paper_card_is_recorded_with_when_the_customer_signed_it(call, life, holder):
    signed = timezone.now() - datetime.timedelta(days=3)
    response = send(call, item(holder, life, key="card-1", at=signed, evidence="SCAN-0001", operator="代理店A"))
    assert response.status_code == 200, response.json()
    result = response.json()["results"][0]
    assert result["status"] == "applied" and result["repeated"] is False
    event = ConsentEvent.objects.get(pk=result["event_id"])
    assert (event.new_value, event.applied, event.capture, event.evidence) == (False, True, "paper", "SCAN-0001")
    assert abs(event.occurred_at - signed) < datetime.timedelta(seconds=1)
    assert event.created_at > event.occurred_at
    assert Preference.objects.get(policyholder=holder, company=life, channel__code="direct_mail").allowed is False
    assert result["receipt"] == event.receipt.number


def test_an_older_paper_opt_in_does_not_undo_a_later_web_opt_out(call, life, holder):
    """The card was signed on t1, the customer opted out on the web on t2 > t1, the card is keyed in after."""
    t1 = timezone.now() - datetime.timedelta(days=20)
    web = change(holder, {(life.pk, "direct_mail"): False})  # t2: now
    response = send(call, item(holder, life, key="card-2", at=t1, allowed=True))
    result = response.json()["results"][0]
    assert result["status"] == "superseded"
    cell = Preference.objects.get(policyholder=holder, company=life, channel__code="direct_mail")
    assert cell.allowed is False and cell.last_event == web.events[0]
    events = list(ConsentEvent.objects.filter(policyholder=holder).order_by("id"))
    assert len(events) == 2 and events[1].applied is False and events[1].new_value is True
    call_command("verify_consent_chain")


def test_the_reverse_arrival_gives_the_same_final_state(call, life, holder):
    t1 = timezone.now() - datetime.timedelta(days=20)
    t2 = timezone.now() - datetime.timedelta(days=10)
    send(call, item(holder, life, key="web", at=t2, allowed=False, capture="call_center"))
    send(call, item(holder, life, key="card", at=t1, allowed=True))
    assert Preference.objects.get(policyholder=holder, company=life, channel__code="direct_mail").allowed is False
    # And in the order they happened: the same.
    other = PolicyholderFactory()
    send(call, item(other, life, key="card-o", at=t1, allowed=True))
    send(call, item(other, life, key="web-o", at=t2, allowed=False, capture="call_center"))
    assert Preference.objects.get(policyholder=other, company=life, channel__code="direct_mail").allowed is False
    call_command("verify_consent_chain")


def test_the_same_key_again_answers_with_the_first_result(call, life, holder):
    at = timezone.now() - datetime.timedelta(hours=1)
    first = send(call, item(holder, life, key="k1", at=at)).json()["results"][0]
    again = send(call, item(holder, life, key="k1", at=at)).json()["results"][0]
    assert again["repeated"] is True and again["event_id"] == first["event_id"]
    assert ConsentEvent.objects.count() == 1


def test_the_same_key_with_another_change_is_refused(call, life, holder):
    at = timezone.now() - datetime.timedelta(hours=1)
    send(call, item(holder, life, key="k1", at=at, allowed=False))
    response = send(call, item(holder, life, key="k1", at=at, allowed=True))
    assert response.status_code == 409
    assert response.json()["type"].endswith("key-reused")
    assert ConsentEvent.objects.count() == 1


def test_an_unknown_customer_refuses_the_whole_batch(call, life, holder):
    at = timezone.now() - datetime.timedelta(hours=1)
    ghost = {**item(holder, life, key="b", at=at), "customer": "ZZ999999"}
    response = send(call, item(holder, life, key="a", at=at), ghost)
    assert response.status_code == 422
    problem = response.json()
    assert problem["errors"] == [{"location": "body.changes.1", "type": "unknown-customer"}]
    assert "ZZ999999" in problem["detail"]
    assert nothing_written()


def test_a_company_outside_the_clients_scope_is_refused(call, life, nonlife, holder):
    at = timezone.now() - datetime.timedelta(hours=1)
    response = send(call, item(holder, life, key="a", at=at), item(holder, nonlife, key="b", at=at))
    assert response.status_code == 403
    assert nothing_written()


def test_a_channel_that_does_not_exist_is_refused(call, life, holder):
    at = timezone.now() - datetime.timedelta(hours=1)
    response = send(call, item(holder, life, key="a", at=at, channel="fax"))
    assert response.status_code == 422
    assert response.json()["errors"][0]["location"].endswith("changes.0.channel")
    assert nothing_written()


@pytest.mark.parametrize(("offset", "allowed"), [(datetime.timedelta(minutes=10), False),
                                                  (datetime.timedelta(days=-91), True)])
def test_a_time_in_the_future_or_an_opt_in_too_long_ago_is_refused(call, life, holder, offset, allowed):
    response = send(call, item(holder, life, key="a", at=timezone.now() + offset, allowed=allowed))
    assert response.status_code == 422
    assert response.json()["type"].endswith("invalid-occurred-at")
    assert "occurred_at" in response.json()["detail"]
    assert nothing_written()


def test_a_time_without_its_offset_is_refused(call, life, holder):
    at = (timezone.now() - datetime.timedelta(hours=1)).replace(tzinfo=None)
    response = send(call, {**item(holder, life, key="a", at=timezone.now()), "occurred_at": at.isoformat()})
    assert response.status_code == 422
    assert nothing_written()


def test_a_hard_bounce_arrives_as_a_suppression(call, life, holder):
    at = timezone.now() - datetime.timedelta(minutes=5)
    bounce = {**item(holder, life, key="bounce-1", at=at, capture="email_platform", channel="email"),
              "allowed": None, "suppression": "hard_bounce", "reason": "550 5.1.1 user unknown"}
    response = send(call, bounce)
    assert response.status_code == 200, response.json()
    result = response.json()["results"][0]
    assert result["status"] == "suppressed"
    row = Suppression.objects.get(pk=result["suppression_id"])
    assert (row.kind, row.channel.code, row.address) == ("hard_bounce", "email", holder.email.casefold())


def test_a_change_with_both_allowed_and_suppression_is_refused(call, life, holder):
    at = timezone.now() - datetime.timedelta(minutes=5)
    response = send(call, {**item(holder, life, key="x", at=at), "suppression": "complaint"})
    assert response.status_code == 422
    assert nothing_written()


def test_the_receipt_its_email_and_the_history_show_both_times(call, client, life, holder):
    from django.core import mail

    from consents.models import Receipt
    from tests.consents.conftest import log_in

    t1 = timezone.localtime() - datetime.timedelta(days=20)
    change(holder, {(life.pk, "direct_mail"): False})
    number = send(call, item(holder, life, key="card", at=t1, allowed=True)).json()["results"][0]["receipt"]
    receipt = Receipt.objects.get(number=number)
    log_in(client, holder)
    page = client.get(f"/my/receipts/{number}/").content.decode()
    said = f"{t1.month}月{t1.day}日"
    assert said in page and "書面" in page and "記録のみ" in page
    assert f"{receipt.created_at.astimezone(t1.tzinfo).day}日" in page
    history = client.get("/my/history/").content.decode()
    assert said in history and "記録のみ" in history
    body = [m.body for m in mail.outbox if number in m.body][-1]
    assert f"お申出日時：{t1:%Y}年{t1.month}月{t1.day}日" in body and "記録のみ" in body


def test_an_opt_out_is_never_too_old_to_honour(call, life, holder):
    """A reply card that took months to arrive still stops the mail (特定電子メール法 Art. 3(3))."""
    response = send(call, item(holder, life, key="late", at=timezone.now() - datetime.timedelta(days=200)))
    assert response.status_code == 200, response.json()
    assert Preference.objects.get(policyholder=holder, company=life, channel__code="direct_mail").allowed is False


@pytest.mark.parametrize("channel", ["direct_mail", "phone"])
def test_a_bounce_for_another_channel_is_refused_naming_its_item(call, life, holder, channel):
    at = timezone.now() - datetime.timedelta(minutes=5)
    good = item(holder, life, key="ok", at=at)
    bounce = {**item(holder, life, key="bounce", at=at, channel=channel), "allowed": None,
              "suppression": "hard_bounce"}
    response = send(call, good, bounce)
    assert response.status_code == 422
    assert response.json()["errors"][0]["location"] == "body.changes.1"
    assert nothing_written() and not Suppression.objects.exists()


def test_a_bounce_for_a_customer_without_an_address_is_a_422_and_nothing_is_written(call, life, db):
    holder = PolicyholderFactory(email="")
    at = timezone.now() - datetime.timedelta(minutes=5)
    good = item(holder, life, key="ok", at=at)
    bounce = {**item(holder, life, key="bounce", at=at, channel="email"), "allowed": None,
              "suppression": "hard_bounce"}
    response = send(call, good, bounce)
    assert response.status_code == 422, response.json()
    assert response.json()["errors"][0]["location"] == "body.changes.1"
    assert nothing_written() and not Suppression.objects.exists()
