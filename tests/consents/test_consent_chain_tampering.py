"""Whoever can write the database but holds neither the chain key nor the checkpoint directory
cannot change the consent evidence unseen: each way of rewriting it is caught by verify_consent_chain."""

import hashlib
import json
import uuid

import pytest
from django.core.management import CommandError, call_command

from consents.chain import GENESIS, event_hash
from consents.models import ConsentEvent, Preference, Receipt, Source
from consents.services import preferences_update
from tests.factories import PolicyholderFactory

OLD_KEY = "k2025:" + "o" * 40


@pytest.fixture
def customers(life):
    holders = PolicyholderFactory.create_batch(3)
    for holder in holders:
        for value in (False, True, False):
            preferences_update(
                policyholder=holder, changes={(life.pk, "phone"): value, (life.pk, "direct_mail"): value},
                source=Source.PORTAL, idempotency_key=uuid.uuid4().hex,
            )
    return holders


def checkpoint():
    call_command("consent_checkpoint", "--settle-seconds", "0")


def verify(capsys=None) -> str:
    call_command("verify_consent_chain")
    return capsys.readouterr().out if capsys else ""


def refused(match: str):
    with pytest.raises(CommandError, match=match) as error:
        call_command("verify_consent_chain")
    assert error.value.returncode == 1


def restore_preferences(holder) -> None:
    """What a careful forger does after removing events: each cell points at its newest remaining one."""
    Preference.objects.filter(policyholder=holder).delete()
    for event in ConsentEvent.objects.filter(policyholder=holder).order_by("id"):
        Preference.objects.update_or_create(
            policyholder=holder, company_id=event.company_id, channel_id=event.channel_id,
            defaults={"allowed": event.new_value, "last_event": event, "updated_at": event.created_at},
        )


def recompute_unkeyed(holder) -> None:
    """Rewrite a chain's hashes with the published scheme, as anyone could without the key."""
    previous = GENESIS
    for event in ConsentEvent.objects.filter(policyholder=holder).select_related("channel", "receipt").order_by("id"):
        event.previous_hash, event.key_id = previous, ""
        event.hash = event_hash(event, channel_code=event.channel.code, receipt_number=event.receipt.number)
        ConsentEvent.objects.filter(pk=event.pk).update(previous_hash=previous, key_id="", hash=event.hash)
        previous = event.hash


def test_an_untouched_chain_matches_its_checkpoint(customers, capsys):
    checkpoint()
    out = verify(capsys)
    assert "OK: 18 events in 3 chains verify" in out
    assert "(18 events in 3 chains up to event" in out and "matches" in out


def test_an_edited_event_is_caught(customers):
    event = ConsentEvent.objects.order_by("id")[4]
    ConsentEvent.objects.filter(pk=event.pk).update(new_value=not event.new_value)
    refused(f"Event {event.pk} .*does not match its hash")


def test_an_event_edited_and_the_later_hashes_recomputed_without_the_key_is_caught(customers):
    holder = customers[1]
    first = ConsentEvent.objects.filter(policyholder=holder).order_by("id").first()
    ConsentEvent.objects.filter(pk=first.pk).update(reason="お客さまのご依頼")
    recompute_unkeyed(holder)
    refused("unkeyed hash but was written after keyed hashes began")


def test_hashes_recomputed_with_a_guessed_key_are_caught(customers, settings):
    holder = customers[0]
    first = ConsentEvent.objects.filter(policyholder=holder).order_by("id").first()
    ConsentEvent.objects.filter(pk=first.pk).update(new_value=not first.new_value)
    with settings_key(settings, "dev:" + "g" * 40):
        previous = GENESIS
        for event in ConsentEvent.objects.filter(policyholder=holder).select_related("channel", "receipt").order_by(
            "id"
        ):
            event.previous_hash = previous
            event.hash = event_hash(event, channel_code=event.channel.code, receipt_number=event.receipt.number)
            ConsentEvent.objects.filter(pk=event.pk).update(previous_hash=previous, hash=event.hash)
            previous = event.hash
    refused(f"Event {first.pk} .*does not match its hash")


def test_the_newest_receipt_removed_with_its_events_and_preferences_rolled_back_is_caught(customers):
    checkpoint()
    holder = customers[2]
    receipt = Receipt.objects.filter(policyholder=holder).order_by("-created_at", "-id").first()
    Preference.objects.filter(policyholder=holder).delete()
    ConsentEvent.objects.filter(receipt=receipt).delete()
    receipt.delete()
    restore_preferences(holder)
    refused("do not match the checkpoint .*it recorded 18 events in 3 chains, the database now holds 16 in 3")


def test_an_erased_history_is_caught(customers):
    checkpoint()
    holder = customers[0]
    Preference.objects.filter(policyholder=holder).delete()
    ConsentEvent.objects.filter(policyholder=holder).delete()
    Receipt.objects.filter(policyholder=holder).delete()
    refused("the database now holds 12 in 2")


def test_a_truncated_chain_is_caught(customers):
    checkpoint()
    holder = customers[1]
    newest = ConsentEvent.objects.filter(policyholder=holder).order_by("-id")[:3]
    ids = [event.pk for event in newest]
    Preference.objects.filter(policyholder=holder).delete()
    ConsentEvent.objects.filter(pk__in=ids).delete()
    restore_preferences(holder)
    refused("do not match the checkpoint")


def test_legacy_events_recomputed_after_a_checkpoint_are_caught(customers):
    """Events from before keyed hashes verify with the old scheme; the checkpoint anchors them."""
    for holder in customers:
        recompute_unkeyed(holder)
    checkpoint()
    verify()
    holder = customers[2]
    first = ConsentEvent.objects.filter(policyholder=holder).order_by("id").first()
    ConsentEvent.objects.filter(pk=first.pk).update(user_agent="Mozilla/5.0 (forged)")
    recompute_unkeyed(holder)
    refused("do not match the checkpoint")


def test_a_changed_checkpoint_file_is_caught(customers, settings):
    checkpoint()
    [path] = settings.CONSENT_CHECKPOINT_DIR.glob("checkpoint-*.json")
    data = json.loads(path.read_text())
    data["events"] -= 1
    path.chmod(0o644)
    path.write_text(json.dumps(data))
    refused("does not match its signature")


def test_a_checkpoint_is_never_overwritten_and_is_read_only(customers, settings):
    checkpoint()
    checkpoint()
    paths = list(settings.CONSENT_CHECKPOINT_DIR.glob("checkpoint-*.json"))
    assert len(paths) == 2
    assert all(path.stat().st_mode & 0o222 == 0 for path in paths)


def test_events_written_after_the_checkpoint_keep_verifying(customers, life, capsys):
    checkpoint()
    preferences_update(
        policyholder=customers[0], changes={(life.pk, "phone"): True}, source=Source.PORTAL,
        idempotency_key=uuid.uuid4().hex,
    )
    assert "OK: 19 events in 3 chains verify" in verify(capsys)


class settings_key:
    def __init__(self, settings, value):
        key_id, _, secret = value.partition(":")
        self.settings, self.key_id, self.secret = settings, key_id, secret.encode()

    def __enter__(self):
        self.saved = (self.settings.CONSENT_CHAIN_KEY_ID, self.settings.CONSENT_CHAIN_KEYS)
        self.settings.CONSENT_CHAIN_KEY_ID = self.key_id
        self.settings.CONSENT_CHAIN_KEYS = {self.key_id: self.secret}

    def __exit__(self, *exc):
        self.settings.CONSENT_CHAIN_KEY_ID, self.settings.CONSENT_CHAIN_KEYS = self.saved


def test_a_rotated_key_keeps_older_events_verifying_while_it_is_a_fallback(life, settings, capsys):
    holder = PolicyholderFactory()
    with settings_key(settings, OLD_KEY):
        preferences_update(policyholder=holder, changes={(life.pk, "phone"): False}, source=Source.PORTAL,
                           idempotency_key=uuid.uuid4().hex)
    old_id, old_secret = OLD_KEY.split(":")
    settings.CONSENT_CHAIN_KEYS = {**settings.CONSENT_CHAIN_KEYS, old_id: old_secret.encode()}
    preferences_update(policyholder=holder, changes={(life.pk, "phone"): True}, source=Source.PORTAL,
                       idempotency_key=uuid.uuid4().hex)
    assert list(ConsentEvent.objects.order_by("id").values_list("key_id", flat=True)) == ["k2025", "dev"]
    assert "OK: 2 events in 1 chains verify" in verify(capsys)
    del settings.CONSENT_CHAIN_KEYS[old_id]
    refused("keyed with key id k2025, which is not configured")


def test_the_hash_is_keyed(customers):
    event = ConsentEvent.objects.select_related("channel", "receipt").first()
    event.key_id = ""
    unkeyed = event_hash(event, channel_code=event.channel.code, receipt_number=event.receipt.number)
    stored = ConsentEvent.objects.get(pk=event.pk)
    assert stored.key_id == "dev" and stored.hash != unkeyed
    assert stored.hash != hashlib.sha256(unkeyed.encode()).hexdigest()
