"""The notice records (who was told of a notice version, and their answers) are evidence like the consent
events: whoever can write the database but holds neither the chain key nor the checkpoint directory cannot
change them unseen."""

import datetime
import json

import pytest
from django.core.management import CommandError, call_command

from consents.chain import GENESIS, notice_record_hash
from consents.models import NoticeRecord
from consents.services import notice_record_append
from tests.factories import PolicyholderFactory, published_version

Kind, Source = NoticeRecord.Kind, NoticeRecord.Source


@pytest.fixture
def records(db):
    version = published_version(effective_date=datetime.date(2030, 4, 1))
    holders = PolicyholderFactory.create_batch(3)
    for n, holder in enumerate(holders):
        notice_record_append(policyholder=holder, notice_version=version, kind=Kind.INFORMED_EMAIL,
                             source=Source.CAMPAIGN, campaign_id=1)
        notice_record_append(policyholder=holder, notice_version=version, kind=Kind.CONSENTED if n else Kind.DECLINED,
                             source=Source.PORTAL, idempotency_key=f"answer-{n}", ip_address="192.0.2.1")
    return holders


def checkpoint():
    call_command("consent_checkpoint", "--settle-seconds", "0")


def refused(match: str):
    with pytest.raises(CommandError, match=match) as error:
        call_command("verify_consent_chain")
    assert error.value.returncode == 1


def test_untouched_records_verify_and_match_their_checkpoint(records, capsys):
    checkpoint()
    call_command("verify_consent_chain")
    out = capsys.readouterr().out
    assert "OK: 6 notice records in 3 chains verify." in out
    assert "its 6 notice records in 3 chains up to record" in out


def test_a_declined_answer_turned_into_consent_is_caught(records):
    record = NoticeRecord.objects.get(kind=Kind.DECLINED)
    NoticeRecord.objects.filter(pk=record.pk).update(kind=Kind.CONSENTED)
    refused(f"Notice record {record.pk} .*does not match its hash")


def test_a_backdated_notification_is_caught(records):
    record = NoticeRecord.objects.filter(kind=Kind.INFORMED_EMAIL).first()
    NoticeRecord.objects.filter(pk=record.pk).update(created_at=record.created_at - datetime.timedelta(days=30))
    refused(f"Notice record {record.pk} .*does not match its hash")


def test_a_removed_record_is_caught_by_the_next_in_its_chain(records):
    first = NoticeRecord.objects.filter(policyholder=records[1]).order_by("id").first()
    first.delete()
    refused("does not follow the previous record of its chain")


def test_records_recomputed_with_a_guessed_key_are_caught(records, settings):
    holder = records[0]
    settings.CONSENT_CHAIN_KEYS = {**settings.CONSENT_CHAIN_KEYS, "guess": b"g" * 40}
    previous = GENESIS
    for record in NoticeRecord.objects.filter(policyholder=holder).order_by("id"):
        record.kind = Kind.CONSENTED if record.kind == Kind.DECLINED else record.kind
        record.previous_hash, record.key_id = previous, "dev"
        settings.CONSENT_CHAIN_KEYS["dev"], real = b"g" * 40, settings.CONSENT_CHAIN_KEYS["dev"]
        record.hash = notice_record_hash(record)
        settings.CONSENT_CHAIN_KEYS["dev"] = real
        NoticeRecord.objects.filter(pk=record.pk).update(kind=record.kind, previous_hash=previous, hash=record.hash)
        previous = record.hash
    refused("does not match its hash")


def test_records_without_a_key_id_are_caught(records):
    record = NoticeRecord.objects.order_by("id").first()
    # The database refuses an empty key id outright; a forger would have to drop the constraint first.
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        NoticeRecord.objects.filter(pk=record.pk).update(key_id="")


def test_an_erased_chain_of_records_is_caught_by_the_checkpoint(records):
    checkpoint()
    NoticeRecord.objects.filter(policyholder=records[2]).delete()
    refused("do not match the checkpoint .*it recorded 6 records in 3 chains, the database now holds 4 in 2")


def test_the_newest_record_removed_is_caught_by_the_checkpoint(records):
    checkpoint()
    NoticeRecord.objects.order_by("-id").first().delete()
    refused("notice records up to record .* do not match the checkpoint")


def test_records_written_after_the_checkpoint_keep_verifying(records, capsys):
    checkpoint()
    version = NoticeRecord.objects.first().notice_version
    notice_record_append(policyholder=records[0], notice_version=version, kind=Kind.CONSENTED, source=Source.PORTAL)
    call_command("verify_consent_chain")
    assert "OK: 7 notice records in 3 chains verify." in capsys.readouterr().out


def test_a_checkpoint_written_before_notice_records_still_reads(records, settings, capsys):
    """A format 1 checkpoint (events only) stays valid; it just does not anchor notice records."""
    from consents.chain import keyed_digest

    checkpoint()
    [path] = settings.CONSENT_CHECKPOINT_DIR.glob("checkpoint-*.json")
    data = json.loads(path.read_text())
    del data["notice_records"], data["signature"]
    data["format"] = 1
    data["signature"] = keyed_digest(data["key_id"], data)
    path.chmod(0o644)
    path.write_text(json.dumps(data))
    call_command("verify_consent_chain")
    out = capsys.readouterr().out
    assert "matches." in out and "its 6 notice records" not in out


def test_a_checkpoint_whose_record_count_was_changed_is_caught(records, settings):
    checkpoint()
    [path] = settings.CONSENT_CHECKPOINT_DIR.glob("checkpoint-*.json")
    data = json.loads(path.read_text())
    data["notice_records"]["records"] -= 1
    path.chmod(0o644)
    path.write_text(json.dumps(data))
    refused("does not match its signature")
