import uuid

from django import forms
from django.utils.translation import gettext_lazy as _

from customers.models import Policyholder
from notices.fields import JointUserChoiceField
from notices.models import Company

from .agents import Agent
from .documents import check_upload
from .identity import IDENTITY_KINDS
from .models import CustomerRequest, RequestDocument
from .services import CUSTOMER_KINDS


def checked_upload(upload):
    """An uploaded file checked by desk.documents.check_upload, as (bytes, type), or None when none was sent; one
    that cannot even be read is refused like a bad one."""
    if not upload:
        return None
    try:
        return check_upload(upload)
    except forms.ValidationError:
        raise
    except Exception as error:
        raise forms.ValidationError(_("The file could not be read. Upload it again.")) from error


# The form's kinds: ご案内の停止 has a page of its own, where the customer picks what to stop and confirms it.
FORM_KINDS = [kind for kind in CUSTOMER_KINDS if kind != CustomerRequest.Kind.MARKETING_STOP]
DATE_FORMATS = ["%Y-%m-%d", "%Y/%m/%d", "%Y年%m月%d日"]
# What the desk sets itself and a customer's form never carries: a request posting one is forged.
SERVER_FIELDS = frozenset({
    "fee", "fee_amount", "fee_payment", "identity_method", "identity_reference", "identity_checked_at",
    "identity_verified", "policy", "policy_id", "policyholder", "policyholder_id", "customer_number", "route",
    "requester", "entered_by", "status", "outcome",
})

DETAILS_LIMIT = 4000
# The kinds whose request says what to correct, stop or erase, and why.
DETAILS_REQUIRED = {
    CustomerRequest.Kind.CORRECTION, CustomerRequest.Kind.SUSPENSION, CustomerRequest.Kind.THIRD_PARTY_STOP,
}


class CompanyChoiceField(forms.ModelChoiceField):
    """Any group company, by legal name: for staff entering a letter (a customer's own forms offer only the joint
    users in force, notices.fields.JointUserChoiceField)."""

    def label_from_instance(self, obj):
        return obj.legal_name


class RequestForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What would you like to request?"),
        choices=[(kind, CustomerRequest.Kind(kind).label) for kind in FORM_KINDS],
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
    policy_number = forms.CharField(
        label=_("Policy number"),
        max_length=40,
        required=False,
        help_text=_("As printed on your insurance certificate, of any of your policies."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "latin"}),
    )
    birth_date = forms.DateField(
        label=_("Date of birth"),
        required=False,
        input_formats=DATE_FORMATS,
        help_text=_("For example 1985-04-01."),
        widget=forms.DateInput(attrs={"type": "date", "autocomplete": "bday"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("Enter the date of birth as 1985-04-01.")},
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
    agent_relation = forms.CharField(
        label=_("Relation to the customer"),
        max_length=100,
        required=False,
        help_text=_("For example: eldest son, guardian, lawyer."),
    )
    agent_postal_code = forms.RegexField(
        label=_("Agent's postal code"),
        regex=r"^\d{3}-?\d{4}\Z",
        max_length=8,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "postal-code", "inputmode": "numeric"}),
        error_messages={"invalid": _("Write the postal code as 123-4567.")},
    )
    agent_address = forms.CharField(
        label=_("Agent's address"), max_length=300, required=False,
        widget=forms.TextInput(attrs={"autocomplete": "street-address"}),
    )
    agent_phone = forms.RegexField(
        label=_("Agent's phone number"),
        regex=r"^[0-9０-９\-－ ]{10,20}\Z",
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
        error_messages={"invalid": _("Write the phone number in digits, for example 03-1234-5678.")},
    )
    agent_email = forms.EmailField(
        label=_("Agent's email address"), required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={"invalid": _("Enter a valid email address.")},
    )
    document_authority = forms.FileField(
        label=_("Proof of the agent's authority"),
        required=False,
        help_text=_("A power of attorney (委任状) from the customer, or for a legal representative a document "
                    "showing the representation (e.g. a family register or a certificate of guardianship "
                    "registration). PDF, JPEG or PNG, up to 10 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,image/jpeg,image/png"}),
    )
    document_identity = forms.FileField(
        label=_("The agent's identity document"),
        required=False,
        help_text=_("E.g. a driving licence or My Number card (front only). PDF, JPEG or PNG, up to 10 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,image/jpeg,image/png"}),
    )

    document_seal_certificate = forms.FileField(
        label=_("The customer's seal registration certificate"),
        required=False,
        help_text=_("Only for an agent the customer appointed: the certificate of the seal on the power of "
                    "attorney, issued within the last 3 months. PDF, JPEG or PNG, up to 10 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,image/jpeg,image/png"}),
    )
    seal_issued_on = forms.DateField(
        label=_("Date the seal registration certificate was issued"),
        required=False,
        input_formats=DATE_FORMATS,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("Enter the date as 2027-01-14.")},
    )

    DOCUMENT_FIELDS = {
        "document_authority": RequestDocument.Kind.AUTHORITY,
        "document_identity": RequestDocument.Kind.IDENTITY,
        "document_seal_certificate": RequestDocument.Kind.SEAL_CERTIFICATE,
    }
    AGENT_CONTACT_FIELDS = ("agent_relation", "agent_address", "agent_phone")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("idempotency_key", uuid.uuid4().hex)

    def _clean_document(self, name):
        return checked_upload(self.cleaned_data.get(name))

    def clean_document_authority(self):
        return self._clean_document("document_authority")

    def clean_document_identity(self):
        return self._clean_document("document_identity")

    def clean_document_seal_certificate(self):
        return self._clean_document("document_seal_certificate")

    def clean_agent_postal_code(self):
        code = self.cleaned_data.get("agent_postal_code") or ""
        return f"{code[:3]}-{code[-4:]}" if code and "-" not in code else code

    def documents(self) -> dict[str, tuple[bytes, str]]:
        return {kind: self.cleaned_data[name] for name, kind in self.DOCUMENT_FIELDS.items()
                if self.cleaned_data.get(name)}

    def clean(self):
        data = super().clean()
        agent = (data.get("agent_name") or "").strip()
        role = data.get("agent_relationship")
        if agent:
            if not role:
                self.add_error("agent_relationship", _("Choose what kind of agent you are."))
            for name in self.AGENT_CONTACT_FIELDS:
                if name not in self.errors and not (data.get(name) or "").strip():
                    self.add_error(name, _("A request by an agent needs this."))
            needed = ["document_authority", "document_identity"]
            if role == CustomerRequest.AgentRole.DELEGATED:
                needed.append("document_seal_certificate")
                if "seal_issued_on" not in self.errors and not data.get("seal_issued_on"):
                    self.add_error("seal_issued_on", _("Enter the date the certificate was issued."))
            for name in needed:
                if name not in self.errors and not data.get(name):
                    self.add_error(name, _("A request by an agent needs this document."))
            if role == CustomerRequest.AgentRole.LEGAL and data.get("document_seal_certificate"):
                self.add_error("document_seal_certificate",
                               _("A legal representative sends no seal registration certificate."))
        elif any(data.get(name) for name in self.DOCUMENT_FIELDS) or role or any(
            (data.get(name) or "") for name in (*self.AGENT_CONTACT_FIELDS, "agent_postal_code", "agent_email")
        ):
            self.add_error("agent_name", _("Enter the agent's name, or leave the agent's fields empty."))
        kind = data.get("kind")
        if kind == CustomerRequest.Kind.DISCLOSURE and not data.get("delivery"):
            self.add_error("delivery", _("Choose how you would like to receive the disclosure."))
        if kind in DETAILS_REQUIRED and not (data.get("details") or "").strip():
            self.add_error("details", _("Write what you would like corrected, stopped or erased, and why."))
        if kind in IDENTITY_KINDS:
            if not (data.get("policy_number") or "").strip():
                self.add_error("policy_number", _("Enter a policy number to confirm that it is you."))
            if "birth_date" not in self.errors and not data.get("birth_date"):
                self.add_error("birth_date", _("Enter your date of birth to confirm that it is you."))
        return data

    def agent(self):
        from_form = {name: (self.cleaned_data.get(f"agent_{name}") or "")
                     for name in ("name", "relation", "postal_code", "address", "phone", "email")}
        return Agent(role=self.cleaned_data.get("agent_relationship") or "", **from_form)


class MarketingStopForm(forms.Form):
    """The companies and the ways of contact to stop; every chosen company by every chosen way."""

    companies = forms.TypedMultipleChoiceField(
        label=_("Companies"),
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one company."),
                        "invalid_choice": _("Choose the companies and ways of contact from the list.")},
    )
    channels = forms.MultipleChoiceField(
        label=_("Ways of contact"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one way of contact."),
                        "invalid_choice": _("Choose the companies and ways of contact from the list.")},
    )

    def __init__(self, *args, companies, channels, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["companies"].choices = [(company.pk, company.legal_name) for company in companies]
        self.fields["channels"].choices = [(channel.code, channel.name) for channel in channels]

    def cells(self) -> set[tuple[int, str]]:
        return {(company, channel) for company in self.cleaned_data["companies"]
                for channel in self.cleaned_data["channels"]}


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


class PostalRequestForm(forms.Form):
    """Staff's entry of a request received by post (desk/postal.py): the online form's fields, who wrote,
    where to answer, the day the letter arrived and the scanned form."""

    kind = forms.ChoiceField(label=_("Kind of request"),
                             choices=[(kind, CustomerRequest.Kind(kind).label) for kind in FORM_KINDS])
    received_on = forms.DateField(label=_("Day the letter arrived"), input_formats=DATE_FORMATS,
                                  widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    requester = forms.ChoiceField(label=_("Made by"), choices=CustomerRequest.Requester.choices)
    customer_number = forms.CharField(
        label=_("Customer number"), max_length=20, required=False,
        help_text=_("Of the customer the request concerns, if they are a policyholder (required when the customer "
                    "wrote themself)."),
    )
    name = forms.CharField(label=_("Name on the form"), max_length=100,
                           help_text=_("The customer's; for an heir or someone who is not a policyholder, theirs."))
    postal_code = forms.RegexField(label=_("Postal code"), regex=r"^\d{3}-\d{4}\Z", max_length=8,
                                   error_messages={"invalid": _("Write the postal code as 123-4567.")})
    postal_address = forms.CharField(label=_("Address (the answer is sent there)"), max_length=300)
    phone = forms.CharField(label=_("Phone number"), max_length=20, required=False)
    email = forms.EmailField(label=_("Email address"), required=False)
    company = CompanyChoiceField(label=_("Company concerned"), queryset=Company.objects.order_by("display_order", "id"),
                                 required=False, empty_label=_("All group companies / not sure"))
    delivery = forms.ChoiceField(label=_("How to receive the disclosure"), required=False,
                                 choices=[("", "-"), *CustomerRequest.Delivery.choices])
    details = forms.CharField(label=_("Details"), widget=forms.Textarea(attrs={"rows": 4}), required=False,
                              max_length=DETAILS_LIMIT)
    agent_name = forms.CharField(label=_("Agent's name"), max_length=100, required=False)
    agent_relationship = forms.ChoiceField(label=_("The agent is"), required=False,
                                           choices=[("", "-"), *CustomerRequest.AgentRole.choices])
    agent_relation = forms.CharField(label=_("Relation to the customer"), max_length=100, required=False)
    agent_postal_code = forms.CharField(label=_("Agent's postal code"), max_length=8, required=False)
    agent_address = forms.CharField(label=_("Agent's address"), max_length=300, required=False)
    agent_phone = forms.CharField(label=_("Agent's phone number"), max_length=20, required=False)
    agent_email = forms.EmailField(label=_("Agent's email address"), required=False)
    scanned_form = forms.FileField(label=_("The request form received by post (scan)"),
                                   help_text=_("With the enclosed copies of identity documents. PDF, JPEG or PNG, "
                                               "up to 10 MB."))
    document_authority = forms.FileField(label=_("Proof of the agent's authority"), required=False)
    document_identity = forms.FileField(label=_("The agent's identity document"), required=False)
    document_seal_certificate = forms.FileField(label=_("The customer's seal registration certificate"),
                                                required=False)
    seal_issued_on = forms.DateField(label=_("Date the seal registration certificate was issued"), required=False,
                                     input_formats=DATE_FORMATS,
                                     widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=32)

    DOCUMENT_FIELDS = RequestForm.DOCUMENT_FIELDS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("idempotency_key", uuid.uuid4().hex)

    def _checked(self, name):
        return checked_upload(self.cleaned_data.get(name))

    def clean_scanned_form(self):
        return self._checked("scanned_form")

    def clean_document_authority(self):
        return self._checked("document_authority")

    def clean_document_identity(self):
        return self._checked("document_identity")

    def clean_document_seal_certificate(self):
        return self._checked("document_seal_certificate")

    def clean_customer_number(self):
        number = (self.cleaned_data.get("customer_number") or "").strip().upper()
        if not number:
            return None
        policyholder = Policyholder.objects.filter(customer_number=number).first()
        if policyholder is None:
            raise forms.ValidationError(_("No policyholder has this customer number."))
        return policyholder

    def documents(self) -> dict[str, tuple[bytes, str]]:
        return {kind: self.cleaned_data[name] for name, kind in self.DOCUMENT_FIELDS.items()
                if self.cleaned_data.get(name)}

    def agent(self) -> Agent:
        return Agent(role=self.cleaned_data.get("agent_relationship") or "", **{
            name: self.cleaned_data.get(f"agent_{name}") or ""
            for name in ("name", "relation", "postal_code", "address", "phone", "email")
        })
