from contextlib import closing

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from consents.chain import GENESIS, event_hash
from consents.models import ConsentEvent


class Command(BaseCommand):
    help = (
        "Recomputes every policyholder's chain of consent events and names the first event that does "
        "not match. Exit status 1 when one does not."
    )

    def handle(self, *args, **options):
        # One transaction for a consistent view; closing() ends the server-side cursor even on failure.
        with transaction.atomic(), closing(self.events()) as events:
            checked, chains = self.verify(events)
        self.stdout.write(f"OK: {checked} events in {chains} chains verify.")

    def events(self):
        return (
            ConsentEvent.objects.order_by("policyholder_id", "id")
            .select_related("channel", "receipt")
            .iterator(chunk_size=5000)
        )

    def verify(self, events) -> tuple[int, int]:
        checked = chains = 0
        current_policyholder = None
        expected_previous = GENESIS
        for event in events:
            if event.policyholder_id != current_policyholder:
                current_policyholder = event.policyholder_id
                expected_previous = GENESIS
                chains += 1
            recomputed = event_hash(event, channel_code=event.channel.code, receipt_number=event.receipt.number)
            if event.previous_hash != expected_previous:
                raise CommandError(
                    f"Event {event.pk} (policyholder {event.policyholder_id}, receipt {event.receipt.number}) "
                    "does not follow the previous event of its chain: an event before it was changed or removed."
                )
            if event.hash != recomputed:
                raise CommandError(
                    f"Event {event.pk} (policyholder {event.policyholder_id}, receipt {event.receipt.number}) "
                    "does not match its hash: it was changed after it was written."
                )
            expected_previous = event.hash
            checked += 1
        return checked, chains
