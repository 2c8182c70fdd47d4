"""Suppressions override preferences: a hard bounce stops email until a 承認者 lifts it."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone

from consents.models import Suppression
from consents.services import preferences_update
from consents.suppressions import suppression_lift, suppression_place
from tests.consents.conftest import log_in
from tests.factories import PolicyholderFactory
from tests.personas import approver, support

CHECK = "/api/v1/contact-permission"


def check(api, holder, company, channel):
    query = {"customer": holder.customer_number, "company": company.pk, "channel": channel}
    return api("get", CHECK, data=query).json()


def bounce(api, holder, company):
    at = (timezone.now() - datetime.timedelta(minutes=3)).isoformat()
    body = {"changes": [{
        "key": f"bounce-{holder.pk}", "customer": holder.customer_number, "company": company.pk, "channel": "email",
        "suppression": "hard_bounce", "occurred_at": at, "capture": "email_platform", "reason": "550 5.1.1",
    }]}
    response = api("post", "/api/v1/preference-changes", data=body, content_type="application/json")
    assert response.status_code == 200, response.json()
    return Suppression.objects.get(pk=response.json()["results"][0]["suppression_id"])


def test_a_hard_bounce_stops_email_only_until_an_approver_lifts_it(api, client, life):
    holder = PolicyholderFactory(email="taro@example.com")
    preferences_update(policyholder=holder, changes={(life.pk, "email"): True}, source="portal", idempotency_key="a")
    assert check(api, holder, life, "email")["allowed"] is True
    placed = bounce(api, holder, life)

    answer = check(api, holder, life, "email")
    assert answer["allowed"] is False
    assert answer["decided_by"]["kind"] == "suppressed" and answer["decided_by"]["suppression"] == "hard_bounce"
    assert check(api, holder, life, "direct_mail")["allowed"] is True  # email only

    # The customer ticks 受け取る again: the bounce still stops email.
    preferences_update(policyholder=holder, changes={(life.pk, "email"): False}, source="portal", idempotency_key="b")
    preferences_update(policyholder=holder, changes={(life.pk, "email"): True}, source="portal", idempotency_key="c")
    assert check(api, holder, life, "email")["allowed"] is False

    # A 顧客対応 may not lift it; a 承認者 lifts it with a reason, in the admin.
    client.force_login(support())
    url = f"/admin/consents/suppression/{placed.pk}/lift/"
    assert client.post(url, {"reason": "宛先を確認した"}).status_code == 403
    client.force_login(approver())
    assert client.post(url, {"reason": ""}).status_code == 400
    assert check(api, holder, life, "email")["allowed"] is False
    response = client.post(url, {"reason": "お客さまがメールボックスを復旧されたことを電話で確認"})
    assert response.status_code == 302
    assert check(api, holder, life, "email")["allowed"] is True
    lift = Suppression.objects.get(lifts=placed)
    assert lift.reason.startswith("お客さまが") and lift.actor.username == "approver"
    call_command("verify_consent_chain")


def test_a_bounce_at_an_old_address_no_longer_applies_after_the_address_changes(api, life):
    holder = PolicyholderFactory(email="old@example.com")
    preferences_update(policyholder=holder, changes={(life.pk, "email"): True}, source="portal", idempotency_key="a")
    bounce(api, holder, life)
    assert check(api, holder, life, "email")["allowed"] is False
    holder.email = "new@example.com"
    holder.save()
    assert check(api, holder, life, "email")["allowed"] is True


def test_a_death_stops_every_channel(api, life):
    holder = PolicyholderFactory()
    suppression_place(policyholder=holder, kind="deceased", reason="ご家族からの連絡", source="staff")
    for channel in ("direct_mail", "phone", "web_ads", "email"):
        answer = check(api, holder, life, channel)
        assert answer["allowed"] is False and answer["decided_by"]["suppression"] == "deceased"


def test_only_an_approver_lifts_and_only_once(life):
    holder = PolicyholderFactory()
    placed = suppression_place(policyholder=holder, kind="litigation_hold", reason="訴訟", source="staff").suppression
    with pytest.raises(ValidationError):
        suppression_lift(suppression=placed, actor=support(), reason="終結")
    boss = approver()
    suppression_lift(suppression=placed, actor=boss, reason="終結")
    with pytest.raises(ValidationError):
        suppression_lift(suppression=placed, actor=boss, reason="again")


def test_the_preference_center_tells_the_customer_what_they_can_fix(client, api, life):
    holder = PolicyholderFactory(email="hanako@example.com")
    bounce(api, holder, life)
    log_in(client, holder)
    page = client.get("/my/preferences/").content.decode()
    assert "hanako@example.com" in page and "お問合せ窓口" in page
    # A litigation hold is not the customer's to fix: not shown.
    other = PolicyholderFactory()
    suppression_place(policyholder=other, kind="litigation_hold", reason="訴訟", source="staff")
    log_in(client, other)
    assert "訴訟" not in client.get("/my/preferences/").content.decode()


def test_an_edited_suppression_fails_verification(life):
    holder = PolicyholderFactory()
    placed = suppression_place(policyholder=holder, kind="deceased", reason="連絡", source="staff").suppression
    Suppression.objects.filter(pk=placed.pk).update(reason="改ざん")
    with pytest.raises(Exception, match=f"Suppression {placed.pk}"):
        call_command("verify_consent_chain")


def test_a_removed_lift_is_caught_by_the_checkpoint(life, capsys):
    """Whoever can write the tables removes a lift (the stop comes back) and recomputes nothing: the newest row
    of a chain can go unnoticed by the hashes alone, not by the checkpoint."""
    holder = PolicyholderFactory()
    placed = suppression_place(policyholder=holder, kind="litigation_hold", reason="訴訟", source="staff").suppression
    lift = suppression_lift(suppression=placed, actor=approver(), reason="終結")
    call_command("consent_checkpoint", "--settle-seconds", "0")
    call_command("verify_consent_chain")
    assert "2 suppressions in 1 chains up to" in capsys.readouterr().out
    Suppression.objects.filter(pk=lift.pk).delete()
    with pytest.raises(Exception, match="suppressions up to .* do not match the checkpoint"):
        call_command("verify_consent_chain")


def test_the_do_not_contact_export_lists_suppressed_customers(api, life):
    opted_in, bounced, other = PolicyholderFactory(), PolicyholderFactory(), PolicyholderFactory()
    for n, holder in enumerate((opted_in, bounced)):
        preferences_update(policyholder=holder, changes={(life.pk, "email"): True}, source="portal",
                           idempotency_key=f"k{n}")
    first = api("get", "/api/v1/do-not-contact", data={"company": life.pk, "channel": "email"},
                headers={"Accept": "application/x-ndjson"})
    cursor = first["X-Next-Cursor"]
    listed = {line.split('"')[3] for line in b"".join(first.streaming_content).decode().splitlines()}
    assert other.customer_number in listed and bounced.customer_number not in listed
    bounce(api, bounced, life)
    full = b"".join(api("get", "/api/v1/do-not-contact", data={"company": life.pk, "channel": "email"})
                    .streaming_content).decode()
    assert f"{bounced.customer_number},false" in full and opted_in.customer_number not in full
    # Incremental, from the cursor issued before the bounce: the bounced customer comes, not to be contacted.
    since = b"".join(api("get", "/api/v1/do-not-contact", data={"company": life.pk, "channel": "email",
                                                                 "since": cursor}).streaming_content).decode()
    assert f"{bounced.customer_number},false" in since
