from contextlib import closing

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import Min, OuterRef, Subquery

from consents.chain import GENESIS, LEGACY_KEY_ID, MerkleRoot, UnknownChainKey, event_hash, notice_record_hash
from consents.checkpoints import CheckpointError, checkpoint_paths, checkpoint_read
from consents.models import ConsentEvent, NoticeRecord, Preference
from core.dbtimeouts import lift_statement_timeout


class Command(BaseCommand):
    help = (
        "Recomputes every policyholder's chain of consent events and names the first event that does "
        "not match; then checks that every current preference is the new value of the newest event of its "
        "cell and names the first that is not; then compares the chains with the latest signed checkpoint(s) in "
        "CONSENT_CHECKPOINT_DIR, which show a removed receipt, an erased history or recomputed hashes. The "
        "chains of notice records (who was told of a notice version, and their answers) are checked the same way. "
        "Exit status 1 when one does not match."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--checkpoints", type=int, default=1, help="How many of the latest checkpoints to compare with (default 1)."
        )

    def handle(self, *args, checkpoints: int, **options):
        try:
            self.checkpoints = [checkpoint_read(path) for path in checkpoint_paths()[-checkpoints:]]
        except CheckpointError as error:
            raise CommandError(f"Checkpoint {error}") from None
        # One transaction for a consistent view; closing() ends the server-side cursor even on failure.
        with transaction.atomic():
            lift_statement_timeout()
            self.first_keyed = ConsentEvent.objects.exclude(key_id=LEGACY_KEY_ID).aggregate(first=Min("id"))["first"]
            with closing(self.events()) as events:
                checked, chains = self.verify(events)
            with closing(self.preferences()) as preferences:
                preferences_checked = self.verify_preferences(preferences)
            with closing(self.notice_records()) as records:
                records_checked, record_chains = self.verify_notice_records(records)
        self.stdout.write(
            f"OK: {checked} events in {chains} chains verify; {preferences_checked} preferences match them."
        )
        self.stdout.write(f"OK: {records_checked} notice records in {record_chains} chains verify.")
        for checkpoint in self.checkpoints:
            self.stdout.write(
                f"OK: the checkpoint {checkpoint.path.name} ({checkpoint.events} events in {checkpoint.chains} "
                f"chains up to event {checkpoint.last_event_id}) matches."
            )
            if checkpoint.notice_records:
                anchor = checkpoint.notice_records
                self.stdout.write(
                    f"OK: its {anchor.records} notice records in {anchor.chains} chains up to record "
                    f"{anchor.last_id} match."
                )
        if not self.checkpoints:
            self.stdout.write("No checkpoint to compare with: run consent_checkpoint daily (README).")

    def events(self):
        return (
            ConsentEvent.objects.order_by("policyholder_id", "id")
            .select_related("channel", "receipt")
            .iterator(chunk_size=5000)
        )

    def preferences(self):
        """One query: each preference with its decisive event and the newest event of its cell."""
        newest = (
            ConsentEvent.objects.filter(
                policyholder_id=OuterRef("policyholder_id"),
                company_id=OuterRef("company_id"),
                channel_id=OuterRef("channel_id"),
            )
            .order_by("-id")
            .values("id")[:1]
        )
        return (
            Preference.objects.annotate(newest_event_id=Subquery(newest))
            .order_by("id")
            .values_list(
                "id",
                "policyholder_id",
                "company_id",
                "channel_id",
                "allowed",
                "last_event_id",
                "last_event__policyholder_id",
                "last_event__company_id",
                "last_event__channel_id",
                "last_event__new_value",
                "newest_event_id",
            )
            .iterator(chunk_size=5000)
        )

    def verify_preferences(self, preferences) -> int:
        """The API and the export read preferences, not events: each must be what its cell's events say."""
        checked = 0
        for (pk, holder, company, channel, allowed, event, event_holder, event_company, event_channel,
             new_value, newest) in preferences:
            name = f"Preference {pk} (policyholder {holder}, company {company}, channel {channel}, allowed={allowed})"
            if (event_holder, event_company, event_channel) != (holder, company, channel):
                raise CommandError(f"{name} is decided by event {event}, which belongs to another cell.")
            if event != newest:
                raise CommandError(f"{name} is decided by event {event}, but the newest event of its cell is {newest}.")
            if allowed != new_value:
                raise CommandError(f"{name} does not match the new value ({new_value}) of its event {event}.")
            checked += 1
        return checked

    def verify(self, events) -> tuple[int, int]:
        checked = chains = 0
        current_policyholder = None
        expected_previous = GENESIS
        # Per checkpoint: the tree being rebuilt, and this chain's count and head up to its last event id.
        anchors = [[checkpoint, MerkleRoot(), 0, None] for checkpoint in self.checkpoints]
        for event in events:
            if event.policyholder_id != current_policyholder:
                self.close_chain(current_policyholder, anchors)
                current_policyholder = event.policyholder_id
                expected_previous = GENESIS
                chains += 1
            name = f"Event {event.pk} (policyholder {event.policyholder_id}, receipt {event.receipt.number})"
            if event.key_id == LEGACY_KEY_ID and self.first_keyed is not None and event.pk > self.first_keyed:
                raise CommandError(
                    f"{name} has an unkeyed hash but was written after keyed hashes began (event {self.first_keyed}): "
                    "it was added or recomputed without the chain key."
                )
            try:
                recomputed = event_hash(event, channel_code=event.channel.code, receipt_number=event.receipt.number)
            except UnknownChainKey as error:
                raise CommandError(
                    f"{name} is keyed with key id {error}, which is not configured (CONSENT_CHAIN_KEY, "
                    "CONSENT_CHAIN_KEY_FALLBACKS)."
                ) from None
            if event.previous_hash != expected_previous:
                raise CommandError(
                    f"{name} does not follow the previous event of its chain: an event before it was changed or "
                    "removed."
                )
            if event.hash != recomputed:
                raise CommandError(f"{name} does not match its hash: it was changed after it was written.")
            for anchor in anchors:
                if event.pk <= anchor[0].last_event_id:
                    anchor[2] += 1
                    anchor[3] = event.hash
            expected_previous = event.hash
            checked += 1
        self.close_chain(current_policyholder, anchors)
        for checkpoint, tree, _count, _head in anchors:
            if (tree.root(), tree.chains, tree.events) != (checkpoint.root, checkpoint.chains, checkpoint.events):
                raise CommandError(
                    f"The events up to event {checkpoint.last_event_id} do not match the checkpoint "
                    f"{checkpoint.path.name}: it recorded {checkpoint.events} events in {checkpoint.chains} chains, "
                    f"the database now holds {tree.events} in {tree.chains}. Events it covered were changed, "
                    "removed or recomputed, or a customer's history was erased."
                )
        return checked, chains

    def notice_records(self):
        return NoticeRecord.objects.order_by("policyholder_id", "id").iterator(chunk_size=5000)

    def verify_notice_records(self, records) -> tuple[int, int]:
        """The second chain of each policyholder: who was told of which notice version, and their answers."""
        checked = chains = 0
        current_policyholder = None
        expected_previous = GENESIS
        anchors = [
            [checkpoint.notice_records, MerkleRoot(), 0, None, checkpoint.path.name]
            for checkpoint in self.checkpoints
            if checkpoint.notice_records is not None
        ]
        for record in records:
            if record.policyholder_id != current_policyholder:
                self.close_chain(current_policyholder, anchors)
                current_policyholder = record.policyholder_id
                expected_previous = GENESIS
                chains += 1
            name = (
                f"Notice record {record.pk} (policyholder {record.policyholder_id}, notice version "
                f"{record.notice_version_id}, {record.kind})"
            )
            if record.key_id == LEGACY_KEY_ID:
                raise CommandError(f"{name} has no hash key id: it was added or recomputed without the chain key.")
            try:
                recomputed = notice_record_hash(record)
            except UnknownChainKey as error:
                raise CommandError(
                    f"{name} is keyed with key id {error}, which is not configured (CONSENT_CHAIN_KEY, "
                    "CONSENT_CHAIN_KEY_FALLBACKS)."
                ) from None
            if record.previous_hash != expected_previous:
                raise CommandError(
                    f"{name} does not follow the previous record of its chain: a record before it was changed or "
                    "removed."
                )
            if record.hash != recomputed:
                raise CommandError(f"{name} does not match its hash: it was changed after it was written.")
            for anchor in anchors:
                if record.pk <= anchor[0].last_id:
                    anchor[2] += 1
                    anchor[3] = record.hash
            expected_previous = record.hash
            checked += 1
        self.close_chain(current_policyholder, anchors)
        for anchor, tree, _count, _head, name in anchors:
            if (tree.root(), tree.chains, tree.events) != (anchor.root, anchor.chains, anchor.records):
                raise CommandError(
                    f"The notice records up to record {anchor.last_id} do not match the checkpoint {name}: it "
                    f"recorded {anchor.records} records in {anchor.chains} chains, the database now holds "
                    f"{tree.events} in {tree.chains}. Records it covered were changed, removed or recomputed."
                )
        return checked, chains

    @staticmethod
    def close_chain(policyholder_id, anchors) -> None:
        for anchor in anchors:
            if anchor[2]:
                anchor[1].add(policyholder_id, anchor[2], anchor[3])
            anchor[2], anchor[3] = 0, None
