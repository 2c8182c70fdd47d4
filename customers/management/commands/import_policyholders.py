from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from customers.importing import COLUMNS, policyholders_import


class Command(BaseCommand):
    help = (
        "Imports policyholders and policies from an insurer's CSV file (UTF-8 or CP932), upserting by customer "
        f"number. Header: {','.join(COLUMNS)}. One row per policy. All rows or none: any error lists its row and "
        "column and exits with status 1. Sample: demo/fixtures/policyholders_sample.csv"
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="The CSV file.")
        parser.add_argument("--dry-run", action="store_true", help="Check and count, but save nothing.")
        parser.add_argument(
            "--encoding", choices=["utf-8-sig", "cp932"], help="Skip detection: UTF-8 (BOM optional) or CP932."
        )

    def handle(self, *args, file: Path, dry_run=False, encoding=None, **options):
        try:
            data = file.read_bytes()
        except OSError as error:
            raise CommandError(_("The file could not be opened: %(error)s") % {"error": error}) from None
        result = policyholders_import(data=data, dry_run=dry_run, encoding=encoding)
        if result.errors:
            for error in result.errors:
                self.stderr.write(str(error))
            raise CommandError(_("Nothing was imported: %(count)s errors.") % {"count": len(result.errors)})
        summary = _(
            "Customers: %(created)s new, %(updated)s updated, %(unchanged)s unchanged. "
            "Policies: %(policies_created)s new, %(policies_updated)s updated."
        ) % vars(result)
        if dry_run:
            summary += " " + _("(Dry run: nothing was saved.)")
        self.stdout.write(summary)
