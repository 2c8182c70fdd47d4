"""Requests to the desk: the APPI requests of a logged-in policyholder (Art. 32-35) and general inquiries
from anyone, in one queue that 顧客対応 staff answer within REQUEST_DUE_DAYS."""

import datetime

from django.conf import settings
from django.contrib import admin
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.dates import today_in_tokyo
from customers.models import Policyholder
from notices.models import Company
from outbox.models import OutgoingEmail


def _paused():
    # Resolved when the query runs: RequestPause is defined below.
    return models.Exists(RequestPause.objects.filter(request=models.OuterRef("pk"), ended_at__isnull=True))


class CustomerRequestQuerySet(models.QuerySet):
    def open(self):
        return self.exclude(status=CustomerRequest.Status.CLOSED)

    def paused(self):
        """Open requests whose clock is stopped (waiting for the customer's documents, fee or identity)."""
        return self.open().filter(_paused())

    def running(self):
        """Open requests whose clock runs."""
        return self.open().exclude(_paused())

    def overdue(self, *, today: datetime.date | None = None):
        # A paused request is not overdue: its due date moves by the paused days when it resumes.
        return self.running().filter(due_date__lt=today or today_in_tokyo())

    def queue(self, *, today: datetime.date | None = None):
        """The desk's order: running requests (overdue first, then the nearest due date, oldest first), then
        paused ones apart, then closed ones."""
        today = today or today_in_tokyo()
        is_open = ~models.Q(status=CustomerRequest.Status.CLOSED)
        return self.annotate(
            is_paused=_paused(),
            open_rank=models.Case(
                models.When(is_open & models.Q(is_paused=False), then=2),
                models.When(is_open, then=1),
                default=0, output_field=models.IntegerField(),
            ),
            overdue_rank=models.Case(
                models.When(is_open & models.Q(is_paused=False, due_date__lt=today), then=1),
                default=0,
                output_field=models.IntegerField(),
            ),
        ).order_by("-open_rank", "-overdue_rank", "due_date", "received_at", "id")


class FeePayment(models.TextChoices):
    """How a request's fee is paid (RequestFee, CustomerRequest.fee_payment)."""

    FREE = "free", _("No fee")
    POSTAL_ORDER = "postal_order", _("Fixed-amount postal money order")
    REVENUE_STAMP = "revenue_stamp", _("Revenue stamps")
    BANK_TRANSFER = "bank_transfer", _("Bank transfer")


class CustomerRequest(models.Model):
    class Kind(models.TextChoices):
        PURPOSE = "purpose", _("Notification of the purposes of use (APPI Art. 32)")
        DISCLOSURE = "disclosure", _("Disclosure, with the records of provision to third parties (APPI Art. 33)")
        CORRECTION = "correction", _("Correction, addition or deletion (APPI Art. 34)")
        SUSPENSION = "suspension", _("Stopping use or erasure (APPI Art. 35(1))")
        THIRD_PARTY_STOP = "third_party_stop", _("Stopping provision to third parties (APPI Art. 35(3))")
        MARKETING_STOP = "marketing_stop", _("Stopping marketing under the joint use")
        INQUIRY = "inquiry", _("General inquiry")

    class Delivery(models.TextChoices):
        ELECTRONIC = "electronic", _("Electronic record (download)")
        PAPER = "paper", _("Paper (by post)")

    class Status(models.TextChoices):
        RECEIVED = "received", _("Received")
        IN_PROGRESS = "in_progress", _("In progress")
        CLOSED = "closed", _("Closed")

    class AgentRole(models.TextChoices):
        LEGAL = "legal", _("Legal representative (a parent with parental authority, a guardian)")
        DELEGATED = "delegated", _("Agent appointed by the customer (power of attorney)")

    class Route(models.TextChoices):
        ONLINE = "online", _("Online (the customer logged in)")
        POSTAL = "postal", _("By post (entered by staff)")

    class Requester(models.TextChoices):
        SELF = "self", _("The customer")
        AGENT = "agent", _("An agent of the customer")
        HEIR = "heir", _("An heir of the customer")
        OTHER = "other", _("Someone who is not a policyholder")

    class IdentityMethod(models.TextChoices):
        POLICY_MATCH = "policy_match", _("Policy number and date of birth matched a policy on record")
        POSTAL_DOCUMENTS = "postal_documents", _("By post: copies of identity documents enclosed, checked by staff")

    class Outcome(models.TextChoices):
        DONE = "done", _("Done as requested")
        PARTIAL = "partial", _("Partly done")
        DECLINED = "declined", _("Not done")

    number = models.CharField(_("request number"), max_length=20, unique=True)
    kind = models.CharField(_("kind of request"), max_length=20, choices=Kind.choices)
    # Null for a general inquiry from someone who did not log in.
    policyholder = models.ForeignKey(
        Policyholder, verbose_name=_("policyholder"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="desk_requests",
    )
    # Who to answer when there is no policyholder (a policyholder is answered at their registered address).
    name = models.CharField(_("name"), max_length=100, blank=True)
    email = models.EmailField(_("contact email address"), blank=True)
    company = models.ForeignKey(
        Company, verbose_name=_("company"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    delivery = models.CharField(_("how to receive the disclosure"), max_length=20, choices=Delivery.choices, blank=True)
    details = models.TextField(_("details"), blank=True)
    # A request made for the customer by an agent (代理人): the agent's name and how they act for them.
    agent_name = models.CharField(_("agent's name"), max_length=100, blank=True)
    agent_relationship = models.CharField(_("agent's relationship"), max_length=20, choices=AgentRole.choices,
                                          blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.RECEIVED)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, blank=True)
    received_at = models.DateTimeField(_("received at"))
    due_date = models.DateField(_("answer due by"))
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("assigned to"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )
    # A resubmitted form (reload, double click) finds the request it made instead of making another.
    idempotency_key = models.CharField(_("idempotency key"), max_length=64, unique=True)
    acknowledgment = models.OneToOneField(
        OutgoingEmail, verbose_name=_("acknowledgment email"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="desk_request",
    )
    # How the request reached the desk and who made it (desk/intake.py).
    route = models.CharField(_("received"), max_length=20, choices=Route.choices, default=Route.ONLINE)
    requester = models.CharField(_("made by"), max_length=20, choices=Requester.choices, default=Requester.SELF)
    # The requester's own postal contact: a postal request may come from someone without an email address.
    postal_code = models.CharField(_("postal code"), max_length=8, blank=True)
    postal_address = models.CharField(_("postal address"), max_length=300, blank=True)
    phone = models.CharField(_("phone number"), max_length=20, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("entered by"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )
    # How the requester was identified before the request was accepted (desk/identity.py), and against what:
    # the company and policy number matched, never the date of birth.
    identity_method = models.CharField(_("identity confirmed by"), max_length=20, choices=IdentityMethod.choices,
                                       blank=True)
    identity_reference = models.CharField(_("identity matched against"), max_length=300, blank=True)
    identity_checked_at = models.DateTimeField(_("identity confirmed at"), null=True, blank=True)
    # The agent's own relation to the customer and contact details.
    agent_relation = models.CharField(_("agent's relation to the customer"), max_length=100, blank=True)
    agent_postal_code = models.CharField(_("agent's postal code"), max_length=8, blank=True)
    agent_address = models.CharField(_("agent's address"), max_length=300, blank=True)
    agent_phone = models.CharField(_("agent's phone number"), max_length=20, blank=True)
    agent_email = models.EmailField(_("agent's email address"), blank=True)
    # The fee as the fee table stood when the request was made (desk/fees.py); receipt is recorded by staff.
    fee_amount = models.PositiveIntegerField(_("fee (yen)"), default=0)
    fee_payment = models.CharField(_("how the fee is paid"), max_length=20, choices=FeePayment.choices, blank=True)
    # The email that reminded the assignee of the due date (desk.reminders): set once, never sent again.
    reminder = models.OneToOneField(
        OutgoingEmail, verbose_name=_("reminder to the assignee"), on_delete=models.PROTECT, null=True,
        blank=True, related_name="desk_reminder",
    )

    objects = CustomerRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("request")
        verbose_name_plural = _("requests")
        ordering = ["-received_at", "-id"]
        constraints = [
            # Someone to answer: the policyholder, or the address given on the form.
            models.CheckConstraint(
                condition=models.Q(policyholder__isnull=False) | ~models.Q(email="") | ~models.Q(postal_address=""),
                name="deskrequest_policyholder_or_address",
            ),
            # A confirmed identity says against what and when.
            models.CheckConstraint(
                condition=models.Q(identity_method="", identity_checked_at__isnull=True)
                | (~models.Q(identity_method="") & models.Q(identity_checked_at__isnull=False)),
                name="deskrequest_identity_method_has_time",
            ),
            # A fee to pay says how it is paid.
            models.CheckConstraint(
                condition=models.Q(fee_amount=0) | ~models.Q(fee_payment__in=["", "free"]),
                name="deskrequest_fee_has_payment",
            ),
            # Staff enter the requests that came by post, and only those.
            models.CheckConstraint(
                condition=models.Q(route="online", entered_by__isnull=True)
                | models.Q(route="postal", entered_by__isnull=False),
                name="deskrequest_postal_entered_by_staff",
            ),
            models.CheckConstraint(
                condition=models.Q(kind="disclosure", delivery__in=["electronic", "paper"])
                | (~models.Q(kind="disclosure") & models.Q(delivery="")),
                name="deskrequest_delivery_iff_disclosure",
            ),
            models.CheckConstraint(
                condition=models.Q(status="closed", closed_at__isnull=False,
                                   outcome__in=["done", "partial", "declined"])
                | (~models.Q(status="closed") & models.Q(closed_at__isnull=True, outcome="")),
                name="deskrequest_closed_has_outcome",
            ),
            models.CheckConstraint(
                condition=models.Q(agent_name="", agent_relationship="")
                | (~models.Q(agent_name="") & models.Q(agent_relationship__in=["legal", "delegated"])),
                name="deskrequest_agent_named_with_role",
            ),
        ]
        indexes = [
            # The desk's queue: open requests by due date.
            models.Index(fields=["status", "due_date"], name="deskrequest_queue_idx"),
            # A customer's own requests, newest first (/my/requests/, the history).
            models.Index(fields=["policyholder", "-received_at"], name="deskrequest_customer_idx"),
        ]
        permissions = [
            ("answer_customerrequest", _("Can write notes and answers to requests")),
            ("approve_reply", _("Can approve an answer that refuses a request in whole or in part")),
        ]

    def __str__(self):
        return self.number

    def get_absolute_url(self):
        return reverse("desk:detail", kwargs={"number": self.number})

    @property
    def is_open(self) -> bool:
        return self.status != self.Status.CLOSED

    def is_overdue(self, *, today: datetime.date | None = None) -> bool:
        return self.is_open and not self.paused_now and self.due_date < (today or today_in_tokyo())

    @property
    def paused_now(self) -> bool:
        """Whether the clock is stopped: from the queue's annotation when there is one, else one query."""
        if not self.is_open:
            return False
        annotated = self.__dict__.get("is_paused")
        return annotated if annotated is not None else self.open_pause is not None

    @property
    def open_pause(self) -> "RequestPause | None":
        """The pause that stops the clock now, if any."""
        if not self.is_open:
            return None
        return next((pause for pause in self.pauses.all() if pause.ended_at is None), None)

    def days_left(self, *, today: datetime.date | None = None) -> int:
        """Calendar days to the due date (negative once overdue)."""
        return (self.due_date - (today or today_in_tokyo())).days

    @property
    def answers_requester(self) -> bool:
        # An heir writes about a customer who can no longer be answered: the heir is.
        return not self.policyholder_id or self.requester == self.Requester.HEIR

    @property
    def contact_name(self) -> str:
        return self.name if self.answers_requester else self.policyholder.name

    @property
    @admin.display(description=_("contact email address"))  # the desk's label for it, in Japanese
    def contact_email(self) -> str:
        return self.email if self.answers_requester else self.policyholder.email


# The outcomes that refuse a request in whole or in part: they give the reason (APPI Art. 36), wait for a second
# person and carry the complaint route.
REFUSALS = (CustomerRequest.Outcome.PARTIAL, CustomerRequest.Outcome.DECLINED)


class Reply(models.Model):
    """An answer to the customer, shown on their page and emailed to them. One that refuses the request
    in whole or in part gives the reason (APPI Art. 36) and waits for a second staff member's approval."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft (not sent)")
        AWAITING_APPROVAL = "awaiting_approval", _("Awaiting a second person's approval")
        RETURNED = "returned", _("Returned by the approver")
        SENT = "sent", _("Sent to the customer")

    request = models.ForeignKey(CustomerRequest, verbose_name=_("request"), on_delete=models.CASCADE,
                                related_name="replies")
    # Null for an answer the system gave itself (a marketing stop applied at once).
    author = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("written by"), on_delete=models.PROTECT,
                               null=True, blank=True, related_name="+")
    body = models.TextField(_("answer"))
    # Empty for an answer that leaves the request open (a question, an interim answer).
    outcome = models.CharField(_("outcome"), max_length=20, choices=CustomerRequest.Outcome.choices, blank=True)
    reason = models.TextField(_("reason given to the customer"), blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices)
    created_at = models.DateTimeField(_("written at"))
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("approved by"),
                                    on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    decided_at = models.DateTimeField(_("approved or returned at"), null=True, blank=True)
    return_comment = models.TextField(_("why it was returned"), blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    email = models.OneToOneField(OutgoingEmail, verbose_name=_("email"), on_delete=models.PROTECT, null=True,
                                 blank=True, related_name="desk_reply")
    # A 利用停止 or 第三者提供の停止 accepted for marketing: the [company id, channel code] cells set to "do not
    # receive" through the preference service when the answer is sent (desk.answers).
    marketing_cells = models.JSONField(_("marketing stopped when sent"), default=list, blank=True)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        ordering = ["created_at", "id"]
        constraints = [
            # APPI Art. 36: the customer is told why a request is refused, in whole or in part.
            models.CheckConstraint(
                condition=~models.Q(outcome__in=["partial", "declined"]) | ~models.Q(reason=""),
                name="deskreply_refusal_has_reason",
            ),
            # Two people: a refusal is sent only once someone other than its writer approved it.
            models.CheckConstraint(
                condition=~models.Q(outcome__in=["partial", "declined"], status="sent")
                | models.Q(approved_by__isnull=False),
                name="deskreply_refusal_sent_after_approval",
            ),
            models.CheckConstraint(
                condition=models.Q(approved_by__isnull=True) | ~models.Q(approved_by=models.F("author")),
                name="deskreply_approver_is_not_author",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="sent") | models.Q(sent_at__isnull=False),
                name="deskreply_sent_has_sent_at",
            ),
            # One draft per request: writing again replaces its text.
            models.UniqueConstraint(fields=["request"], condition=models.Q(status="draft"),
                                    name="deskreply_one_draft_per_request"),
        ]
        indexes = [
            # The approvers' list: answers waiting for a second person.
            models.Index(fields=["status"], name="deskreply_status_idx"),
        ]

    def __str__(self):
        return f"{self.request.number} #{self.pk}"


class Note(models.Model):
    """Staff's internal note on a request. Never shown to the customer."""

    request = models.ForeignKey(CustomerRequest, verbose_name=_("request"), on_delete=models.CASCADE,
                                related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("written by"), on_delete=models.PROTECT,
                               related_name="+")
    body = models.TextField(_("internal note"))
    created_at = models.DateTimeField(_("written at"))

    class Meta:
        verbose_name = _("internal note")
        verbose_name_plural = _("internal notes")
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.request.number} #{self.pk}"


class RequestDocument(models.Model):
    """A document an agent (代理人) uploaded with a request: the power of attorney or proof of the legal
    representation, and the agent's own identity document. The file lives in REQUEST_DOCUMENT_DIR, outside
    every URL; staff see it only through the admin, and it is deleted REQUEST_DOCUMENT_RETENTION_DAYS
    after the request closes (this row stays, with when it was deleted)."""

    class Kind(models.TextChoices):
        AUTHORITY = "authority", _("Proof of the agent's authority")
        IDENTITY = "identity", _("The agent's identity document")
        SEAL_CERTIFICATE = "seal_certificate", _("The customer's seal registration certificate")
        POSTAL_FORM = "postal_form", _("The request form received by post (scan)")

    request = models.ForeignKey(CustomerRequest, verbose_name=_("request"), on_delete=models.CASCADE,
                                related_name="documents")
    kind = models.CharField(_("kind of document"), max_length=20, choices=Kind.choices)
    # The type read from the file's bytes, never from its name.
    content_type = models.CharField(_("file type"), max_length=40)
    size = models.PositiveIntegerField(_("size in bytes"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    # The name in the private storage; the customer's file name is not kept (it may hold personal data).
    stored_name = models.CharField(_("stored file"), max_length=100, unique=True)
    uploaded_at = models.DateTimeField(_("uploaded at"))
    # The day a seal registration certificate was issued: one older than three months is refused.
    issued_on = models.DateField(_("issued on"), null=True, blank=True)
    deleted_at = models.DateTimeField(_("file deleted at"), null=True, blank=True)

    class Meta:
        verbose_name = _("agent's document")
        verbose_name_plural = _("agent's documents")
        ordering = ["request", "kind", "id"]
        constraints = [
            models.UniqueConstraint(fields=["request", "kind"], name="deskdocument_one_per_kind"),
        ]
        indexes = [
            # The clean-up: files not yet deleted.
            models.Index(fields=["deleted_at"], name="deskdocument_deleted_idx"),
        ]

    def __str__(self):
        return f"{self.request.number} {self.get_kind_display()}"


class RequestPause(models.Model):
    """The clock of a request stopped while staff wait for the customer (documents, the fee, identity). The
    customer sees the reason on the request's page; when staff resume it, the due date moves by the paused
    calendar days (Asia/Tokyo), recorded here."""

    class Reason(models.TextChoices):
        DOCUMENTS = "documents", _("We are waiting for documents from you")
        FEE = "fee", _("We are waiting for the fee")
        IDENTITY = "identity", _("We are waiting to confirm your identity")

    request = models.ForeignKey(CustomerRequest, verbose_name=_("request"), on_delete=models.CASCADE,
                                related_name="pauses")
    reason = models.CharField(_("reason for the pause"), max_length=20, choices=Reason.choices)
    # Shown to the customer with the reason: what exactly we need from them.
    message = models.TextField(_("what we need (shown to the customer)"), blank=True)
    started_at = models.DateTimeField(_("paused at"))
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("paused by"), on_delete=models.PROTECT,
                                   related_name="+")
    ended_at = models.DateTimeField(_("resumed at"), null=True, blank=True)
    # Null when the request closed while paused (no one resumed it).
    ended_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("resumed by"), on_delete=models.PROTECT,
                                 null=True, blank=True, related_name="+")
    days = models.PositiveIntegerField(_("days the due date moved"), null=True, blank=True)

    class Meta:
        verbose_name = _("pause")
        verbose_name_plural = _("pauses")
        ordering = ["started_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["request"], condition=models.Q(ended_at__isnull=True),
                                    name="deskpause_one_open_per_request"),
            models.CheckConstraint(condition=models.Q(reason__in=["documents", "fee", "identity"]),
                                   name="deskpause_has_reason"),
            models.CheckConstraint(
                condition=models.Q(ended_at__isnull=True, days__isnull=True)
                | models.Q(ended_at__isnull=False, days__isnull=False),
                name="deskpause_ended_has_days",
            ),
        ]

    def __str__(self):
        return f"{self.request.number} {self.get_reason_display()}"


class FeeReceipt(models.Model):
    """Staff's record that the request's fee (手数料) was received: when, how, by whom it was recorded."""

    # How it was paid: the fee table's list, without 無料.
    METHODS = [(value, label) for value, label in FeePayment.choices if value != FeePayment.FREE]

    request = models.OneToOneField(CustomerRequest, verbose_name=_("request"), on_delete=models.CASCADE,
                                   related_name="fee_receipt")
    amount = models.PositiveIntegerField(_("amount received (yen)"))
    method = models.CharField(_("how it was paid"), max_length=20, choices=METHODS)
    received_on = models.DateField(_("received on"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"),
                                    on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(_("recorded at"))

    class Meta:
        verbose_name = _("fee receipt")
        verbose_name_plural = _("fee receipts")
        ordering = ["-recorded_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gte=1), name="deskfee_amount_positive"),
        ]

    def __str__(self):
        return f"{self.request.number} ¥{self.amount:,}"


class IdentityCheck(models.Model):
    """One document staff checked before answering a request made by an agent or by post: which document,
    when it was issued (certificates count only within REQUEST_SEAL_CERTIFICATE_MONTHS) and what was blacked out."""

    class Document(models.TextChoices):
        DRIVING_LICENCE = "driving_licence", _("Driving licence")
        MY_NUMBER_CARD = "my_number_card", _("My Number card (front only)")
        PASSPORT = "passport", _("Passport")
        HEALTH_INSURANCE = "health_insurance", _("Health insurance card")
        RESIDENCE_CARD = "residence_card", _("Residence card")
        POWER_OF_ATTORNEY = "power_of_attorney", _("Power of attorney")
        SEAL_CERTIFICATE = "seal_certificate", _("Seal registration certificate")
        FAMILY_REGISTER = "family_register", _("Certificate of family register")
        GUARDIANSHIP = "guardianship", _("Certificate of registered guardianship")

    request = models.ForeignKey(CustomerRequest, verbose_name=_("request"), on_delete=models.CASCADE,
                                related_name="identity_checks")
    document = models.CharField(_("document checked"), max_length=30, choices=Document.choices)
    issued_on = models.DateField(_("issued on"), null=True, blank=True)
    blacked_out = models.CharField(_("what was blacked out"), max_length=200, blank=True)
    checked_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("checked by"),
                                   on_delete=models.PROTECT, related_name="+")
    checked_at = models.DateTimeField(_("checked at"))

    class Meta:
        verbose_name = _("identity check")
        verbose_name_plural = _("identity checks")
        ordering = ["checked_at", "id"]

    def __str__(self):
        return f"{self.request.number} {self.get_document_display()}"


class CompanyTask(models.Model):
    """A 開示 answered for one joint-user company's own records (contracts, claims), which the portal does
    not hold: staff attach them as files or answer that the company holds none. The customer's answer lists
    every company and what it said."""

    class Status(models.TextChoices):
        OPEN = "open", _("To answer")
        ATTACHED = "attached", _("Records attached")
        NOT_HELD = "not_held", _("We hold none")

    request = models.ForeignKey(CustomerRequest, verbose_name=_("request"), on_delete=models.CASCADE,
                                related_name="company_tasks")
    company = models.ForeignKey(Company, verbose_name=_("company"), on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.OPEN)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("answered by"),
                                    on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("company's records")
        verbose_name_plural = _("companies' records")
        ordering = ["request", "company__display_order", "company_id"]
        constraints = [
            models.UniqueConstraint(fields=["request", "company"], name="desktask_one_per_company"),
            models.CheckConstraint(
                condition=models.Q(status="open", answered_at__isnull=True)
                | models.Q(status__in=["attached", "not_held"], answered_at__isnull=False),
                name="desktask_answered_has_time",
            ),
        ]

    def __str__(self):
        return f"{self.request.number} {self.company.short_name}"


class CompanyRecordFile(models.Model):
    """A file of a company's records attached to a 開示, stored like agents' documents (desk.documents: type
    read from the bytes, private directory, random name); the customer downloads it from the request's page
    once the answer is sent."""

    task = models.ForeignKey(CompanyTask, verbose_name=_("company's records"), on_delete=models.CASCADE,
                             related_name="files")
    content_type = models.CharField(_("file type"), max_length=40)
    size = models.PositiveIntegerField(_("size in bytes"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    stored_name = models.CharField(_("stored file"), max_length=100, unique=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("attached by"),
                                    on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(_("attached at"))
    deleted_at = models.DateTimeField(_("file deleted at"), null=True, blank=True)

    class Meta:
        verbose_name = _("file of a company's records")
        verbose_name_plural = _("files of companies' records")
        ordering = ["task", "id"]

    def __str__(self):
        return f"{self.task} #{self.pk}"


class RequestFee(models.Model):
    """What a company charges for a kind of request (手数料, APPI Art. 38), online or by post, and how it is
    paid. Only a notification of the purposes of use and a disclosure may carry a fee (Art. 38(1)); a kind
    or company with no row costs nothing. Shown on the request form before the customer sends it, and
    copied onto the request when it is made (CustomerRequest.fee_amount), so a later change never alters
    what a customer was told."""

    Payment = FeePayment

    FEE_KINDS = (CustomerRequest.Kind.PURPOSE, CustomerRequest.Kind.DISCLOSURE)

    company = models.ForeignKey(Company, verbose_name=_("company"), on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("kind of request"), max_length=20,
                            choices=[(kind.value, kind.label) for kind in FEE_KINDS])
    route = models.CharField(_("how the request is made"), max_length=20, choices=CustomerRequest.Route.choices)
    amount = models.PositiveIntegerField(_("fee (yen)"))
    payment = models.CharField(_("how the fee is paid"), max_length=20, choices=Payment.choices)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("request fee")
        verbose_name_plural = _("request fees")
        ordering = ["company__display_order", "company_id", "kind", "route"]
        constraints = [
            models.UniqueConstraint(fields=["company", "kind", "route"], name="deskfee_one_per_company_kind_route"),
            models.CheckConstraint(condition=models.Q(kind__in=["purpose", "disclosure"]),
                                   name="deskfee_only_purpose_or_disclosure"),
            # No fee is paid no way; a fee is paid some way.
            models.CheckConstraint(
                condition=models.Q(amount=0, payment="free") | (models.Q(amount__gt=0) & ~models.Q(payment="free")),
                name="deskfee_payment_matches_amount",
            ),
            # A fee must be reasonable (Art. 38(2)); more than this is a typing error.
            models.CheckConstraint(condition=models.Q(amount__lte=10000), name="deskfee_amount_at_most_10000"),
        ]

    def __str__(self):
        return f"{self.company.short_name} {self.get_kind_display()} {self.get_route_display()}"


class PostalRequest(CustomerRequest):
    """A request that came by post (an heir, an agent, someone who is not a policyholder, or a policyholder
    who wrote), entered by staff in the admin with the scanned form: then an ordinary request in the queue."""

    class Meta:
        proxy = True
        verbose_name = _("request received by post")
        verbose_name_plural = _("requests received by post")
