from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from customers.importing import policyholders_import

SAMPLE = Path(__file__).resolve().parents[2] / "fixtures" / "policyholders_sample.csv"


class Command(BaseCommand):
    help = (
        "Loads the demo policyholders and policies (example.com addresses) from the sample import file and "
        "prints how to log in as one. Needs the demo companies (load_demo_content). Running it again changes nothing."
    )

    def handle(self, *args, **options):
        if settings.PRODUCTION:
            raise CommandError("Demo policyholders are never loaded in production.")
        result = policyholders_import(data=SAMPLE.read_bytes())
        if result.errors:
            raise CommandError("\n".join(str(error) for error in result.errors))
        if options["verbosity"]:
            self.stdout.write(
                f"Demo policyholders: {result.created} new, {result.updated + result.unchanged} already there.\n"
                f"Customer login: open {settings.SITE_URL}/login/ and enter hanako@example.com; the login link is "
                "printed here in the console (the development email backend)."
            )
