from contextlib import closing
from dataclasses import dataclass, field

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import Min, OuterRef, Subquery

from consents.chain import (
    GENESIS,
    LEGACY_KEY_ID,
    MerkleRoot,
    UnknownChainKey,
    event_hash,
    notice_record_hash,
    suppression_hash,
)
from consents.checkpoints import CheckpointError, checkpoint_paths, checkpoint_read
from consents.models import ConsentEvent, NoticeRecord, Preference, Suppression
from core.dbtimeouts import lift_statement_timeout


@dataclass
class Anchor:
    """A checkpoint's view while the chains are walked: the tree being rebuilt from what it covers (items up to
    `last_id`), and the current chain's count and head within that."""

    last_id: int
    tree: MerkleRoot = field(default_factory=MerkleRoot)
    count: int = 0
    head: str | None = None


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
            with closing(Suppression.objects.order_by("policyholder_id", "id").iterator(chunk_size=5000)) as rows:
                suppressions_checked, suppression_chains = self.verify_suppressions(rows)
        self.stdout.write(
            f"OK: {checked} events in {chains} chains verify; {preferences_checked} preferences match them."
        )
        self.stdout.write(f"OK: {records_checked} notice records in {record_chains} chains verify.")
        self.stdout.write(f"OK: {suppressions_checked} suppressions in {suppression_chains} chains verify.")
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
            if checkpoint.suppressions:
                anchor = checkpoint.suppressions
                self.stdout.write(
                    f"OK: its {anchor.records} suppressions in {anchor.chains} chains up to {anchor.last_id} match."
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
                applied=True,
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
                raise CommandError(
                    f"{name} is decided by event {event}, but the newest applied event of its cell is {newest}."
                )
            if allowed != new_value:
                raise CommandError(f"{name} does not match the new value ({new_value}) of its event {event}.")
            checked += 1
        return checked

    def walk(self, items, *, noun: str, name, recompute, unkeyed, anchors) -> tuple[int, int]:
        """Recompute each policyholder's chain of `items` (ordered by policyholder, then id), counting into
        each checkpoint's anchor what it covers; refuse at the first item that does not match.

        `name(item)` names it in a refusal, `recompute(item)` is its keyed hash, `unkeyed(item)` says why
        its key id is refused (or None)."""
        checked = chains = 0
        current_policyholder = None
        expected_previous = GENESIS
        for item in items:
            if item.policyholder_id != current_policyholder:
                self.close_chain(current_policyholder, anchors)
                current_policyholder = item.policyholder_id
                expected_previous = GENESIS
                chains += 1
            label = name(item)
            refusal = unkeyed(item)
            if refusal:
                raise CommandError(f"{label} {refusal}")
            try:
                recomputed = recompute(item)
            except UnknownChainKey as error:
                raise CommandError(
                    f"{label} is keyed with key id {error}, which is not configured (CONSENT_CHAIN_KEY, "
                    "CONSENT_CHAIN_KEY_FALLBACKS)."
                ) from None
            if item.previous_hash != expected_previous:
                raise CommandError(
                    f"{label} does not follow the previous {noun} of its chain: one before it was changed or removed."
                )
            if item.hash != recomputed:
                raise CommandError(f"{label} does not match its hash: it was changed after it was written.")
            for anchor in anchors:
                if item.pk <= anchor.last_id:
                    anchor.count += 1
                    anchor.head = item.hash
            expected_previous = item.hash
            checked += 1
        self.close_chain(current_policyholder, anchors)
        return checked, chains

    def verify(self, events) -> tuple[int, int]:
        anchors = [Anchor(checkpoint.last_event_id) for checkpoint in self.checkpoints]

        def unkeyed(event):
            if event.key_id == LEGACY_KEY_ID and self.first_keyed is not None and event.pk > self.first_keyed:
                return (
                    f"has an unkeyed hash but was written after keyed hashes began (event {self.first_keyed}): "
                    "it was added or recomputed without the chain key."
                )
            return None

        checked, chains = self.walk(
            events,
            noun="event",
            name=lambda event: (
                f"Event {event.pk} (policyholder {event.policyholder_id}, receipt {event.receipt.number})"
            ),
            recompute=lambda event: event_hash(
                event, channel_code=event.channel.code, receipt_number=event.receipt.number
            ),
            unkeyed=unkeyed,
            anchors=anchors,
        )
        for checkpoint, anchor in zip(self.checkpoints, anchors, strict=True):
            tree = anchor.tree
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
        covered = [checkpoint for checkpoint in self.checkpoints if checkpoint.notice_records is not None]
        anchors = [Anchor(checkpoint.notice_records.last_id) for checkpoint in covered]
        checked, chains = self.walk(
            records,
            noun="record",
            name=lambda record: (
                f"Notice record {record.pk} (policyholder {record.policyholder_id}, notice version "
                f"{record.notice_version_id}, {record.kind})"
            ),
            recompute=notice_record_hash,
            unkeyed=lambda record: (
                "has no hash key id: it was added or recomputed without the chain key."
                if record.key_id == LEGACY_KEY_ID else None
            ),
            anchors=anchors,
        )
        for checkpoint, anchor in zip(covered, anchors, strict=True):
            expected, tree = checkpoint.notice_records, anchor.tree
            if (tree.root(), tree.chains, tree.events) != (expected.root, expected.chains, expected.records):
                raise CommandError(
                    f"The notice records up to record {expected.last_id} do not match the checkpoint "
                    f"{checkpoint.path.name}: it recorded {expected.records} records in {expected.chains} chains, "
                    f"the database now holds {tree.events} in {tree.chains}. Records it covered were changed, "
                    "removed or recomputed."
                )
        return checked, chains

    def verify_suppressions(self, rows) -> tuple[int, int]:
        """The third chain of each policyholder: stops on contact (a bounce, a death…) and their lifts."""
        covered = [checkpoint for checkpoint in self.checkpoints if checkpoint.suppressions is not None]
        anchors = [Anchor(checkpoint.suppressions.last_id) for checkpoint in covered]
        checked, chains = self.walk(
            rows,
            noun="suppression",
            name=lambda row: f"Suppression {row.pk} (policyholder {row.policyholder_id}, {row.action} {row.kind})",
            recompute=suppression_hash,
            unkeyed=lambda row: (
                "has no hash key id: it was added or recomputed without the chain key."
                if row.key_id == LEGACY_KEY_ID else None
            ),
            anchors=anchors,
        )
        for checkpoint, anchor in zip(covered, anchors, strict=True):
            expected, tree = checkpoint.suppressions, anchor.tree
            if (tree.root(), tree.chains, tree.events) != (expected.root, expected.chains, expected.records):
                raise CommandError(
                    f"The suppressions up to {expected.last_id} do not match the checkpoint {checkpoint.path.name}: "
                    f"it recorded {expected.records} in {expected.chains} chains, the database now holds "
                    f"{tree.events} in {tree.chains}. Suppressions it covered were changed, removed or recomputed."
                )
        return checked, chains

    @staticmethod
    def close_chain(policyholder_id, anchors) -> None:
        for anchor in anchors:
            if anchor.count:
                anchor.tree.add(policyholder_id, anchor.count, anchor.head)
            anchor.count, anchor.head = 0, None
