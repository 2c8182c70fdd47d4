import uuid

from django import forms
from django.utils.translation import gettext_lazy as _

from notices.fields import JointUserChoiceField

from .documents import check_upload
from .models import CustomerRequest, RequestDocument
from .services import CUSTOMER_KINDS

DETAILS_LIMIT = 4000
# The kinds whose request says what to correct, stop or erase, and why.
DETAILS_REQUIRED = {
    CustomerRequest.Kind.CORRECTION, CustomerRequest.Kind.SUSPENSION, CustomerRequest.Kind.THIRD_PARTY_STOP,
}


class RequestForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What would you like to request?"),
        choices=[(kind, CustomerRequest.Kind(kind).label) for kind in CUSTOMER_KINDS],
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose the kind of request."),
            "invalid_choice": _("Choose the kind of request from the list."),
        },
    )
    delivery = forms.ChoiceField(
        label=_("How would you like to receive the disclosure?"),
        choices=CustomerRequest.Delivery.choices,
        widget=forms.RadioSelect,
        required=False,
        help_text=_("Only for a disclosure request (APPI Art. 33(1))."),
        error_messages={"invalid_choice": _("Choose how you would like to receive the disclosure.")},
    )
    company = JointUserChoiceField(
        label=_("Company concerned"),
        required=False,
        empty_label=_("All group companies / not sure"),
        error_messages={"invalid_choice": _("Choose the company from the list.")},
    )
    details = forms.CharField(
        label=_("Details"),
        widget=forms.Textarea(attrs={"rows": 6}),
        required=False,
        max_length=DETAILS_LIMIT,
        help_text=_("For a correction, what is wrong and what is right; for stopping use or provision, what and why."),
        error_messages={"max_length": _("Write the details in %(limit_value)d characters or fewer.")},
    )
    idempotency_key = forms.CharField(
        widget=forms.HiddenInput,
        max_length=32,
        error_messages={"required": _("The form is out of date. Open the page again and try again.")},
    )
    agent_name = forms.CharField(
        label=_("Agent's name"),
        max_length=100,
        required=False,
        help_text=_("Only when an agent makes the request for the customer."),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    agent_relationship = forms.ChoiceField(
        label=_("The agent is"),
        choices=CustomerRequest.AgentRole.choices,
        widget=forms.RadioSelect,
        required=False,
        error_messages={"invalid_choice": _("Choose what kind of agent you are from the list.")},
    )
    document_authority = forms.FileField(
        label=_("Proof of the agent's authority"),
        required=False,
        help_text=_("A power of attorney, or a document showing the legal representation (e.g. a family "
                    "register). PDF, JPEG or PNG, up to 10 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,image/jpeg,image/png"}),
    )
    document_identity = forms.FileField(
        label=_("The agent's identity document"),
        required=False,
        help_text=_("E.g. a driving licence or My Number card (front only). PDF, JPEG or PNG, up to 10 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,image/jpeg,image/png"}),
    )

    DOCUMENT_FIELDS = {
        "document_authority": RequestDocument.Kind.AUTHORITY,
        "document_identity": RequestDocument.Kind.IDENTITY,
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("idempotency_key", uuid.uuid4().hex)

    def _clean_document(self, name):
        upload = self.cleaned_data.get(name)
        if not upload:
            return None
        try:
            return check_upload(upload)
        except forms.ValidationError:
            raise
        except Exception as error:  # an upload that cannot even be read is refused like a bad one
            raise forms.ValidationError(_("The file could not be read. Upload it again.")) from error

    def clean_document_authority(self):
        return self._clean_document("document_authority")

    def clean_document_identity(self):
        return self._clean_document("document_identity")

    def documents(self) -> dict[str, tuple[bytes, str]]:
        return {kind: self.cleaned_data[name] for name, kind in self.DOCUMENT_FIELDS.items()
                if self.cleaned_data.get(name)}

    def clean(self):
        data = super().clean()
        agent = (data.get("agent_name") or "").strip()
        if agent:
            if not data.get("agent_relationship"):
                self.add_error("agent_relationship", _("Choose what kind of agent you are."))
            for name in self.DOCUMENT_FIELDS:
                if name not in self.errors and not data.get(name):
                    self.add_error(name, _("A request by an agent needs this document."))
        elif any(data.get(name) for name in self.DOCUMENT_FIELDS) or data.get("agent_relationship"):
            self.add_error("agent_name", _("Enter the agent's name, or leave the agent's fields empty."))
        kind = data.get("kind")
        if kind == CustomerRequest.Kind.DISCLOSURE and not data.get("delivery"):
            self.add_error("delivery", _("Choose how you would like to receive the disclosure."))
        if kind in DETAILS_REQUIRED and not (data.get("details") or "").strip():
            self.add_error("details", _("Write what you would like corrected, stopped or erased, and why."))
        return data


class ReplyForm(forms.Form):
    body = forms.CharField(label=_("Answer to the customer"), widget=forms.Textarea(attrs={"rows": 8}))
    outcome = forms.ChoiceField(
        label=_("Close the request with this outcome"),
        choices=[("", _("Do not close (question or interim answer)")), *CustomerRequest.Outcome.choices],
        required=False,
    )
    reason = forms.CharField(
        label=_("Reason given to the customer (APPI Art. 36)"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text=_("Required when the request is partly done or not done; such an answer is sent only after "
                    "another staff member approves it."),
    )


class NoteForm(forms.Form):
    body = forms.CharField(
        label=_("Internal note (never shown to the customer)"), widget=forms.Textarea(attrs={"rows": 4})
    )


class ReturnForm(forms.Form):
    comment = forms.CharField(label=_("Why the answer is returned"), widget=forms.Textarea(attrs={"rows": 3}))
