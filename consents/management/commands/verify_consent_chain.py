from contextlib import closing

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import OuterRef, Subquery

from consents.chain import GENESIS, event_hash
from consents.models import ConsentEvent, Preference
from core.dbtimeouts import lift_statement_timeout


class Command(BaseCommand):
    help = (
        "Recomputes every policyholder's chain of consent events and names the first event that does "
        "not match; then checks that every current preference is the new value of the newest event of its "
        "cell and names the first that is not. Exit status 1 when one does not match."
    )

    def handle(self, *args, **options):
        # One transaction for a consistent view; closing() ends the server-side cursor even on failure.
        with transaction.atomic():
            lift_statement_timeout()
            with closing(self.events()) as events:
                checked, chains = self.verify(events)
            with closing(self.preferences()) as preferences:
                preferences_checked = self.verify_preferences(preferences)
        self.stdout.write(
            f"OK: {checked} events in {chains} chains verify; {preferences_checked} preferences match them."
        )

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
