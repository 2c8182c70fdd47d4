from django.core.management.base import BaseCommand, CommandError

from staff.services import UnknownPermissionError, roles_sync


class Command(BaseCommand):
    help = (
        "Sets the staff roles' groups to exactly the permissions of staff/roles.py, removing any other. "
        "migrate does this too, after every run."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Print what would change; change nothing.")

    def handle(self, *args, dry_run=False, **options):
        try:
            changes = roles_sync(dry_run=dry_run)
        except UnknownPermissionError as error:
            raise CommandError(str(error)) from error
        for change in changes:
            self.stdout.write("\n".join(change.lines(dry_run=dry_run)))
        if not changes:
            self.stdout.write("The staff roles already match staff/roles.py.")
