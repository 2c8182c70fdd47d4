"""Superusers register authenticator apps for other staff in the admin (django-otp's TOTP device admin)."""

import pytest
from django.contrib.auth import get_user_model
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests import personas

pytestmark = pytest.mark.django_db


def test_a_superuser_shows_a_staff_member_the_qr_code_of_a_new_device(client):
    client.force_login(get_user_model().objects.create_superuser("admin", "admin@example.com", personas.PASSWORD))
    assert client.get("/admin/otp_totp/totpdevice/add/").status_code == 200
    device = TOTPDevice.objects.create(user=personas.editor(), name="iPhone", confirmed=True)

    config = client.get(f"/admin/otp_totp/totpdevice/{device.pk}/config/")
    assert config.status_code == 200 and device.config_url.replace("&", "&amp;") in config.content.decode()
    # segno is installed for this: without it the image is a 503.
    qr_code = client.get(f"/admin/otp_totp/totpdevice/{device.pk}/qrcode/")
    assert qr_code.status_code == 200 and qr_code["Content-Type"] == "image/svg+xml"


def test_other_staff_cannot_see_anyones_device(client):
    editor = personas.editor()
    device = TOTPDevice.objects.create(user=editor, name="iPhone", confirmed=True)
    client.force_login(editor)
    assert client.get(f"/admin/otp_totp/totpdevice/{device.pk}/config/").status_code == 403
    assert client.get("/admin/otp_totp/totpdevice/").status_code == 403


def test_a_device_that_does_not_exist_is_a_404(client):
    client.force_login(get_user_model().objects.create_superuser("admin", "admin@example.com", personas.PASSWORD))
    for view in ("config", "qrcode"):
        response = client.get(f"/admin/otp_totp/totpdevice/999/{view}/")
        assert response.status_code == 404 and "ページが見つかりません" in response.content.decode()


def test_the_key_of_an_app_already_used_to_log_in_is_never_shown_again(client):
    from django.utils import timezone

    client.force_login(get_user_model().objects.create_superuser("admin", "admin@example.com", personas.PASSWORD))
    device = TOTPDevice.objects.create(user=personas.editor(), name="iPhone", confirmed=True)
    device.set_last_used_timestamp()
    assert device.last_used_at <= timezone.now()

    for view in ("config", "qrcode"):
        assert client.get(f"/admin/otp_totp/totpdevice/{device.pk}/{view}/").status_code == 403
    change = client.get(f"/admin/otp_totp/totpdevice/{device.pk}/change/")
    assert change.status_code == 200
    html = change.content.decode()
    assert device.key not in html and 'name="key"' not in html and "/config/" not in html
