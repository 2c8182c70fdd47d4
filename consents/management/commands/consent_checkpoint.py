import datetime

from django.core.management.base import BaseCommand
from django.db import transaction

from consents.checkpoints import SETTLE, checkpoint_compute, checkpoint_write
from core.dbtimeouts import lift_statement_timeout


class Command(BaseCommand):
    help = (
        "Writes a signed checkpoint of the consent chain (a Merkle root over every policyholder's chain head and "
        "event count, and the same over the notice records, HMAC-signed with CONSENT_CHAIN_KEY) to a new read-only "
        "file in CONSENT_CHECKPOINT_DIR. "
        "Run it daily (cron or a systemd timer) as a user that may write that directory."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--settle-seconds", type=int, default=int(SETTLE.total_seconds()),
            help="Leave events younger than this to the next checkpoint (default 300: saves still committing).",
        )

    def handle(self, *args, settle_seconds: int, **options):
        with transaction.atomic():  # one consistent view of every chain
            lift_statement_timeout()
            checkpoint = checkpoint_compute(settle=datetime.timedelta(seconds=settle_seconds))
        path = checkpoint_write(checkpoint)
        records = checkpoint["notice_records"]
        self.stdout.write(
            f"Checkpoint {path}: {checkpoint['events']} events in {checkpoint['chains']} chains up to event "
            f"{checkpoint['last_event_id']}, root {checkpoint['root']}; {records['records']} notice records in "
            f"{records['chains']} chains up to record {records['last_id']}, root {records['root']}."
        )
