"""django-otp's admin for TOTP devices (how superusers give staff an authenticator app), registered
again so that the id of a device that does not exist is a 404: django-otp's QR code pages answer a
500 for it."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django_otp.plugins.otp_totp.admin import TOTPDeviceAdmin
from django_otp.plugins.otp_totp.models import TOTPDevice

# Importing django-otp's module above registered its admin, whichever app autodiscover reached first.
admin.site.unregister(TOTPDevice)


@admin.register(TOTPDevice)
class StaffTOTPDeviceAdmin(TOTPDeviceAdmin):
    def _device_must_exist(self, request, pk):
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        if not TOTPDevice.objects.filter(pk=pk).exists():
            raise Http404

    def config_view(self, request, pk):
        self._device_must_exist(request, pk)
        return super().config_view(request, pk)

    def qrcode_view(self, request, pk):
        self._device_must_exist(request, pk)
        return super().qrcode_view(request, pk)
