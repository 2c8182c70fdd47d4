"""django-otp's admin for TOTP devices (how superusers give staff an authenticator app), registered
again so that:
- the id of a device that does not exist is a 404 (django-otp's QR code pages answer a 500 for it);
- the key of an app that has been used to log in is never shown again, on its QR code pages or its
  change form: it is for registering the app once, not for another superuser to copy later."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django_otp.plugins.otp_totp.admin import TOTPDeviceAdmin
from django_otp.plugins.otp_totp.models import TOTPDevice

# Importing django-otp's module above registered its admin, whichever app autodiscover reached first.
admin.site.unregister(TOTPDevice)

SECRET_FIELDS = {"key", "qrcode_link"}


@admin.register(TOTPDevice)
class StaffTOTPDeviceAdmin(TOTPDeviceAdmin):
    def _device_may_be_shown(self, request, pk):
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        device = TOTPDevice.objects.filter(pk=pk).first()
        if device is None:
            raise Http404
        if device.last_used_at is not None:
            raise PermissionDenied

    def config_view(self, request, pk):
        self._device_may_be_shown(request, pk)
        return super().config_view(request, pk)

    def qrcode_view(self, request, pk):
        self._device_may_be_shown(request, pk)
        return super().qrcode_view(request, pk)

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or obj.last_used_at is None:
            return fieldsets
        return [
            (name, {**options, "fields": [field for field in options["fields"] if field not in SECRET_FIELDS]})
            for name, options in fieldsets
            if set(options["fields"]) - SECRET_FIELDS
        ]

    def get_list_display(self, request):
        return [column for column in super().get_list_display(request) if column != "qrcode_link"]
