import hashlib
import uuid

from django import forms
from django.utils.translation import gettext_lazy as _

from consents.models import Capture, Channel, Suppression
from notices.models import Company

ALLOW, DENY = "allow", "deny"
MAX_SCAN_BYTES = 10 * 1024 * 1024
MAX_CSV_BYTES = 20 * 1024 * 1024


def _what_choices():
    return [
        (DENY, _("Do not receive (opt out)")),
        (ALLOW, _("Receive (opt in)")),
        *[(f"suppression:{value}", label) for value, label in Suppression.Kind.choices],
    ]


class InboundRecordForm(forms.Form):
    """A 顧客対応 records what a customer said by phone, on paper or at a branch, with its proof."""

    customer_number = forms.CharField(label=_("customer number"), max_length=20)
    company = forms.ModelChoiceField(label=_("company"), queryset=Company.objects.all())
    channel = forms.ModelChoiceField(
        label=_("channel"), queryset=Channel.objects.all(), required=False,
        help_text=_("Required for a preference; for a suppression, empty stops every channel."),
    )
    what = forms.ChoiceField(label=_("what the customer said"), choices=_what_choices)
    occurred_at = forms.DateTimeField(
        label=_("said by the customer at"), help_text=_("Japan time, for example 2026-11-01 10:15."),
    )
    capture = forms.ChoiceField(label=_("said through"), choices=Capture.choices)
    evidence = forms.CharField(
        label=_("evidence reference"), max_length=200, required=False,
        help_text=_("A call-recording id or a document id. Give it, or upload a scan."),
    )
    scan = forms.FileField(label=_("scan"), required=False)
    reason = forms.CharField(label=_("reason"), max_length=200)
    # A second click (or a reload) of the same form finds the first record instead of recording twice.
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=64, initial=lambda: uuid.uuid4().hex)

    def clean_customer_number(self):
        return self.cleaned_data["customer_number"].strip().upper()

    def clean_scan(self):
        scan = self.cleaned_data.get("scan")
        if scan and scan.size > MAX_SCAN_BYTES:
            raise forms.ValidationError(_("A scan may be up to 10 MB."))
        return scan

    def clean(self):
        data = super().clean()
        if not data.get("evidence") and not data.get("scan"):
            raise forms.ValidationError(_("Give the evidence reference or upload a scan."))
        what = data.get("what", "")
        if what in (ALLOW, DENY) and not data.get("channel"):
            self.add_error("channel", _("A preference needs its channel."))
        return data

    def evidence_reference(self) -> str:
        """The evidence as the chain records it: the reference given, or the scan's SHA-256 (the file is kept)."""
        scan = self.cleaned_data.get("scan")
        if not scan:
            return self.cleaned_data["evidence"]
        digest = hashlib.sha256()
        for chunk in scan.chunks():
            digest.update(chunk)
        scan.seek(0)
        reference = f"scan-sha256:{digest.hexdigest()}"
        given = self.cleaned_data["evidence"]
        return f"{given} {reference}"[:200] if given else reference


class InboundImportForm(forms.Form):
    file = forms.FileField(label=_("CSV file"))
    encoding = forms.ChoiceField(
        label=_("character encoding"), required=False,
        choices=[("", _("Detect (UTF-8 or Shift_JIS)")), ("utf-8-sig", "UTF-8"), ("cp932", "Shift_JIS（CP932）")],
    )

    def clean_file(self):
        file = self.cleaned_data["file"]
        if file.size > MAX_CSV_BYTES:
            raise forms.ValidationError(_("A file may be up to 20 MB."))
        return file


class LiftForm(forms.Form):
    reason = forms.CharField(label=_("reason for lifting"), max_length=200)


class StaffConsentForm(forms.Form):
    """A 顧客対応 records a customer's answer to a consent question given on paper or by phone."""

    customer_number = forms.CharField(label=_("customer number"), max_length=20)
    notice_version = forms.ModelChoiceField(label=_("notice version that asks for consent"), queryset=None)
    consent = forms.TypedChoiceField(
        label=_("the customer's answer"), coerce=lambda value: value == "yes",
        choices=[("yes", _("Consents (同意する)")), ("no", _("Does not consent (同意しない)"))],
    )
    occurred_at = forms.DateTimeField(
        label=_("said by the customer at"), help_text=_("Japan time, for example 2026-11-01 10:15."),
    )
    capture = forms.ChoiceField(label=_("said through"), choices=Capture.choices)
    evidence = forms.CharField(
        label=_("evidence reference"), max_length=200, help_text=_("A call-recording id or a document id."),
    )

    def __init__(self, *args, versions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["notice_version"].queryset = versions

    def clean_customer_number(self):
        return self.cleaned_data["customer_number"].strip().upper()
