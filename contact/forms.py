from django import forms
from django.utils.translation import gettext_lazy as _

from customers.forms import FullWidthTolerantEmailField
from desk.forms import DETAILS_LIMIT
from notices.fields import JointUserChoiceField

from .validators import validate_no_control_characters, validate_text_controls


class InquiryForm(forms.Form):
    name = forms.CharField(
        label=_("Name"), max_length=100, error_messages={"required": _("Enter your name.")},
        # Django strips the ends; a line break inside stays, and is refused.
        validators=[validate_no_control_characters],
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = FullWidthTolerantEmailField(
        label=_("Email address for our answer"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "inputmode": "email"}),
        error_messages={
            "required": _("Enter your email address."),
            "invalid": _("Enter the email address in the form name@example.com."),
        },
    )
    company = JointUserChoiceField(
        label=_("Company"),
        required=False,
        empty_label=_("All group companies / not sure"),
        error_messages={"invalid_choice": _("Choose the company from the list.")},
    )
    message = forms.CharField(
        label=_("Your inquiry"),
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=DETAILS_LIMIT,
        validators=[validate_text_controls],
        error_messages={
            "required": _("Write your inquiry."),
            "max_length": _("Write your inquiry in %(limit_value)d characters or fewer."),
        },
    )
    ticket = forms.CharField(widget=forms.HiddenInput, required=False)
    # People never see this field (it is off screen and hidden from screen readers); bots fill it in.
    website = forms.CharField(required=False, label=_("Leave this field empty"))

    def __init__(self, *args, ticket: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ticket"].initial = ticket
