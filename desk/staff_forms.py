"""The staff desk's forms for the steps of a request: pause, fee receipt, identity check, each company's
records, and the answer's draft. Each only reads the input; the rules are the services'."""

from django import forms
from django.utils.translation import gettext_lazy as _

from consents.selectors import matrix_axes

from .fee_receipts import AMOUNT_LIMIT
from .forms import ReplyForm, checked_upload
from .identity_checks import BLACKED_OUT_LIMIT
from .models import FeeReceipt, IdentityCheck, RequestPause
from .pauses import MESSAGE_LIMIT

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PauseForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Reason for the pause (the customer sees it)"), choices=RequestPause.Reason.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose the reason for the pause; the customer sees it."),
                        "invalid_choice": _("Choose the reason for the pause; the customer sees it.")},
    )
    message = forms.CharField(
        label=_("What exactly we need (shown to the customer)"), widget=forms.Textarea(attrs={"rows": 3}),
        required=False, max_length=MESSAGE_LIMIT,
    )


class FeeReceiptForm(forms.Form):
    amount = forms.IntegerField(label=_("Amount received (yen)"), min_value=1, max_value=AMOUNT_LIMIT)
    method = forms.ChoiceField(label=_("How it was paid"), choices=FeeReceipt.METHODS)
    received_on = forms.DateField(label=_("Received on"), widget=DATE_INPUT)


class IdentityCheckForm(forms.Form):
    document = forms.ChoiceField(label=_("Document checked"), choices=IdentityCheck.Document.choices)
    issued_on = forms.DateField(
        label=_("Issued on"), required=False, widget=DATE_INPUT,
        help_text=_("Required for a seal registration certificate, a family register or a certificate of "
                    "guardianship: they count only when recent."),
    )
    blacked_out = forms.CharField(
        label=_("What was blacked out"), required=False, max_length=BLACKED_OUT_LIMIT,
        help_text=_("E.g. the health insurance card's symbol, number and QR code; the My Number card is copied "
                    "on its front only."),
    )


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "application/pdf,image/jpeg,image/png"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, (list, tuple)):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


class CompanyTaskForm(forms.Form):
    task = forms.IntegerField(widget=forms.HiddenInput)
    not_held = forms.BooleanField(label=_("This company holds no personal data about the customer"),
                                  required=False)
    files = MultipleFileField(label=_("The company's records (PDF, JPEG or PNG, up to 10 MB each)"),
                              required=False)

    def clean_files(self):
        return [checked_upload(upload) for upload in self.cleaned_data.get("files") or []]


def marketing_choices() -> list[tuple[str, str]]:
    companies, channels = matrix_axes()
    return [(f"{company.pk}:{channel.code}", f"{company.short_name} ／ {channel}") for company in companies
            for channel in channels]


class DraftForm(ReplyForm):
    """The answer's draft; for a 利用停止 or 第三者提供の停止, the marketing cells it stops when sent."""

    marketing_cells = forms.MultipleChoiceField(
        label=_("Marketing to stop when the answer is sent"), required=False, widget=forms.CheckboxSelectMultiple,
        help_text=_("Only for an accepted request to stop use or provision: the company and channel cells set to "
                    "'do not receive' through the preference service. The approver sees them."),
        error_messages={"invalid_choice": _("Choose the companies and channels from the table.")},
    )

    def __init__(self, *args, marketing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if marketing:
            self.fields["marketing_cells"].choices = marketing_choices()
        else:
            del self.fields["marketing_cells"]

    def cleaned_cells(self) -> list[list]:
        cells = []
        for value in self.cleaned_data.get("marketing_cells") or []:
            company_id, code = value.split(":", 1)
            cells.append([int(company_id), code])
        return cells
