import threading
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection

from consents.models import Channel, ConsentEvent, Preference, Receipt, Source
from consents.services import preferences_update
from notices.models import Company
from tests.factories import PolicyholderFactory


def update(policyholder, changes, **kwargs):
    kwargs.setdefault("source", Source.PORTAL)
    kwargs.setdefault("idempotency_key", uuid.uuid4().hex)
    return preferences_update(policyholder=policyholder, changes=changes, **kwargs)


def test_it_writes_only_the_cells_that_change(life):
    policyholder = PolicyholderFactory()
    changes = {(life.pk, "direct_mail"): False, (life.pk, "phone"): True, (life.pk, "email"): False}
    result = update(policyholder, changes)
    assert [(e.channel.code, e.old_value, e.new_value) for e in result.events] == [("direct_mail", True, False)]
    assert Preference.objects.get().allowed is False
    assert Preference.objects.get().last_event == result.events[0]
    assert result.events[0].notice_version.effective_date.isoformat() == "2019-06-03"


def test_email_is_off_until_the_customer_opts_in(life):
    policyholder = PolicyholderFactory()
    assert Channel.objects.get(code="email").default_allowed is False
    result = update(policyholder, {(life.pk, "email"): True})
    assert [(e.old_value, e.new_value) for e in result.events] == [(False, True)]


def test_nothing_changed_makes_no_receipt(life):
    policyholder = PolicyholderFactory()
    result = update(policyholder, {(life.pk, "web_ads"): True})
    assert result.receipt is None
    assert not ConsentEvent.objects.exists() and not Receipt.objects.exists()


def test_the_same_submission_twice_makes_one_set_of_events(life, nonlife):
    policyholder = PolicyholderFactory()
    changes = {(life.pk, "direct_mail"): False, (nonlife.pk, "phone"): False}
    first = update(policyholder, changes, idempotency_key="k-1")
    second = update(policyholder, changes, idempotency_key="k-1")
    assert second.repeated and second.receipt == first.receipt
    assert ConsentEvent.objects.count() == 2
    assert Receipt.objects.count() == 1


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({(999_999, "direct_mail"): False}, "Unknown company"),
        ({("LIFE", "fax"): False}, "Unknown"),
        ({("LIFE", "direct_mail"): "off"}, "on or off"),
    ],
)
def test_bad_changes_write_nothing(life, changes, message):
    policyholder = PolicyholderFactory()
    changes = {(life.pk if c == "LIFE" else c, ch): v for (c, ch), v in changes.items()}
    with pytest.raises(ValidationError):
        update(policyholder, {**changes, (life.pk, "phone"): False})
    assert not ConsentEvent.objects.exists() and not Preference.objects.exists() and not Receipt.objects.exists()


def test_a_non_marketing_company_is_refused(demo_content):
    holding = Company.objects.get(markets_to_customers=False)
    with pytest.raises(ValidationError):
        update(PolicyholderFactory(), {(holding.pk, "phone"): False})


def test_staff_changes_need_a_reason(life, django_user_model):
    staff = django_user_model.objects.create_user("support", password="x" * 12)
    with pytest.raises(ValidationError):
        update(PolicyholderFactory(), {(life.pk, "phone"): False}, source=Source.STAFF, actor=staff, reason=" ")
    result = update(
        PolicyholderFactory(), {(life.pk, "phone"): False}, source=Source.STAFF, actor=staff, reason="電話での申出"
    )
    assert result.events[0].reason == "電話での申出" and result.events[0].actor == staff


def test_events_chain_per_policyholder(life):
    policyholder = PolicyholderFactory()
    first = update(policyholder, {(life.pk, "phone"): False}).events[0]
    second = update(policyholder, {(life.pk, "phone"): True}).events[0]
    other = update(PolicyholderFactory(), {(life.pk, "phone"): False}).events[0]
    assert second.previous_hash == first.hash
    assert other.previous_hash == "0" * 64


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_twenty_concurrent_requests_all_land(demo_content):
    life = Company.objects.get(short_name="楽天生命")
    policyholder = PolicyholderFactory()
    channels = ["web_ads", "direct_mail", "email", "phone"]
    results, errors = [], []
    barrier = threading.Barrier(20)

    def worker(n):
        try:
            barrier.wait()
            # Each thread flips a different pattern, so most requests really change something.
            changes = {(life.pk, ch): bool((n >> i) & 1) for i, ch in enumerate(channels)}
            results.append(update(policyholder, changes, idempotency_key=f"thread-{n}"))
        except Exception as error:  # noqa: BLE001 - collected and asserted below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    landed = [r for r in results if r.receipt]
    for result in landed:
        assert set(result.receipt.events.values_list("id", flat=True)) == {e.id for e in result.events}
    assert ConsentEvent.objects.count() == sum(len(r.events) for r in landed)
    for preference in Preference.objects.filter(policyholder=policyholder):
        last = ConsentEvent.objects.filter(
            policyholder=policyholder, company=preference.company, channel=preference.channel
        ).latest("id")
        assert preference.allowed == last.new_value and preference.last_event == last
    call_command("verify_consent_chain", verbosity=0)


@pytest.mark.parametrize("address", ["2001:DB8:0:0:0:0:0:1", "::ffff:192.0.2.1", "192.0.2.1"])
def test_the_chain_verifies_whatever_form_the_ip_address_came_in(life, address):
    event = update(PolicyholderFactory(), {(life.pk, "phone"): False}, ip_address=address).events[0]
    event.refresh_from_db()
    call_command("verify_consent_chain", verbosity=0)


def test_a_malformed_ip_address_is_refused_before_anything_is_written(life):
    with pytest.raises(ValidationError):
        update(PolicyholderFactory(), {(life.pk, "phone"): False}, ip_address="not-an-ip")
    assert not ConsentEvent.objects.exists() and not Receipt.objects.exists()


def test_a_repeated_receipt_number_is_drawn_again(life, monkeypatch):
    draws = iter(["AAAAAAAA", "AAAAAAAA", "BBBBBBBB"])
    monkeypatch.setattr("consents.services.secrets.token_hex", lambda n: next(draws))
    first = update(PolicyholderFactory(), {(life.pk, "phone"): False}).receipt
    second = update(PolicyholderFactory(), {(life.pk, "phone"): False}).receipt
    assert first.number.endswith("-AAAAAAAA") and second.number.endswith("-BBBBBBBB")
