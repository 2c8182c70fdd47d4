import io
from base64 import b32encode

import segno
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice


class Command(BaseCommand):
    help = (
        "Register an authenticator app (TOTP) for a staff user and print the QR code and otpauth:// URI to "
        "add to it. How the first administrator gets a second factor on a new installation; a user who already has "
        "one needs --replace (a lost phone), which removes the old ones."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="authenticator", help="the device's name in the admin")
        parser.add_argument("--replace", action="store_true", help="remove the user's other TOTP devices")

    @transaction.atomic
    def handle(self, *args, username, name, replace, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user named {username!r}.")
        if not (user.is_staff and user.is_active):
            raise CommandError(f"{username!r} is not an active staff user: the admin would not let them in.")
        existing = TOTPDevice.objects.devices_for_user(user, confirmed=None)
        if existing.exists() and not replace:
            raise CommandError(f"{username!r} already has a TOTP device; use --replace to replace it.")
        existing.delete()
        device = TOTPDevice.objects.create(user=user, name=name, confirmed=True)
        qr_code = io.StringIO()
        segno.make(device.config_url, error="m").terminal(out=qr_code, compact=True)
        self.stdout.write(f"Scan this with {username}'s authenticator app:")
        self.stdout.write(qr_code.getvalue())
        self.stdout.write(device.config_url)
        self.stdout.write(f"Secret key, to type in instead: {b32encode(device.bin_key).decode()}")
        self.stdout.write("Anyone with this key can make codes: do not save or send it anywhere else.")
