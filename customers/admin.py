"""What the admins of customers' rows share. Policyholders themselves are looked up in the preference
center's admin (consents/admin.py), where staff see and change their preferences."""

from django.contrib import admin
from django.utils.translation import gettext_lazy


class CustomerNumberColumn:
    """`customer_number` for list_display: the customer number of the row's policyholder, sortable."""

    @admin.display(description=gettext_lazy("customer number"), ordering="policyholder__customer_number")
    def customer_number(self, obj):
        return obj.policyholder.customer_number if obj.policyholder else "-"
