"""Form fields the public forms share: the group companies a customer may name are the joint users of the
joint-use notice in force, never a company that one editor has just created in the admin."""

from django import forms

from .models import Company
from .selectors import joint_users_in_force


class JointUserChoiceField(forms.ModelChoiceField):
    """One of the joint users the joint-use version in force names (Asia/Tokyo), by legal name, in display
    order. The list is read for each form, so a version that takes effect at midnight changes it then."""

    def __init__(self, **kwargs):
        super().__init__(queryset=Company.objects.none(), **kwargs)

    def __deepcopy__(self, memo):
        # Each form copies its fields: the copy gets the joint users in force now.
        field = super().__deepcopy__(memo)
        field.queryset = joint_users_in_force().order_by("display_order", "id")
        return field

    def label_from_instance(self, obj):
        return obj.legal_name
