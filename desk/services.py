"""Writes of the desk. Each is one transaction that owns its side effects: the email a request or an
answer causes is queued in it (the outbox), and a marketing stop is applied through the
preference service in it, so that the request, its email and its effect exist together or not at all."""

import datetime
import secrets

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from consents.models import Source
from consents.services import preferences_update
from customers.models import Policyholder
from disclosure.models import DisclosurePackage
from disclosure.services import disclosure_package_request
from notices.models import Company
from outbox.sending import outgoing_email_queue

from . import answers, fee_receipts, identity_checks
from .agents import Agent, agent_check
from .company_records import company_tasks_open
from .documents import document_discard, document_store, documents_quota_check, documents_removed_unless_committed
from .emails import REQUEST_ANSWER, REQUEST_RECEIVED
from .fees import fee_for
from .guards import ANSWER_PERMISSION, APPROVE_PERMISSION
from .guards import lock_open as _lock_open
from .guards import require as _require
from .identity import IDENTITY_KINDS, identity_confirm, identity_reference
from .marketing import Cell, marketing_stop_plan
from .models import REFUSALS, CustomerRequest, Note, Reply, RequestDocument
from .pauses import pause_end_on_close

CUSTOMER_KINDS = [kind for kind in CustomerRequest.Kind.values if kind != CustomerRequest.Kind.INQUIRY]


def _new_number() -> str:
    # As receipt numbers: the day and 32 random bits, drawn again on the rare repeat.
    while True:
        number = f"R{timezone.localdate():%Y%m%d}-{secrets.token_hex(4).upper()}"
        if not CustomerRequest.objects.filter(number=number).exists():
            return number


def due_date_for(received_at: datetime.datetime) -> datetime.date:
    """REQUEST_DUE_DAYS calendar days after the day of receipt in Tokyo."""
    return timezone.localdate(received_at) + datetime.timedelta(days=settings.REQUEST_DUE_DAYS)


def _check_key(idempotency_key: str) -> None:
    if not idempotency_key or len(idempotency_key) > 40:
        raise ValidationError(_("The form is out of date. Open the page again and try again."), code="key")


def _create(**fields) -> CustomerRequest:
    now = timezone.now()
    request = CustomerRequest(number=_new_number(), received_at=now, due_date=due_date_for(now), **fields)
    request.full_clean()
    request.save()
    # A 開示 answers for each joint user's own records too: one task per company (desk.company_records).
    company_tasks_open(request)
    return request


def _acknowledge(request: CustomerRequest) -> None:
    """Queued last, so that it tells what the request's transaction did (a marketing stop is answered).
    A request that came by post is acknowledged by post, by staff."""
    if request.route == CustomerRequest.Route.POSTAL:
        return
    _email(request, "acknowledgment", REQUEST_RECEIVED, request.policyholder)


def _email(row, field: str, kind: str, policyholder: Policyholder | None) -> None:
    """Queue an email and link it from `row`, in the same transaction: the worker that builds it (desk.emails,
    registered in apps.py) finds the row."""
    setattr(row, field, outgoing_email_queue(kind=kind, policyholder=policyholder))
    row.save(update_fields=[field])


@documents_removed_unless_committed
@transaction.atomic
def request_submit(
    *,
    policyholder: Policyholder,
    kind: str,
    idempotency_key: str,
    details: str = "",
    delivery: str = "",
    company: Company | None = None,
    ip_address: str | None = None,
    user_agent: str = "",
    agent_name: str = "",
    agent_relationship: str = "",
    documents: dict[str, tuple[bytes, str]] | None = None,
    policy_number: str = "",
    birth_date: datetime.date | None = None,
    agent: Agent | None = None,
    seal_issued_on: datetime.date | None = None,
    marketing_cells: set[Cell] | None = None,
) -> CustomerRequest:
    """A logged-in policyholder's request (APPI Art. 32-35, or stopping marketing). A repeated form
    (same key) returns the request it made.

    開示, 訂正等, 利用停止等 and 第三者提供の停止 need the customer's policy number and date of birth, matching
    one of their policies (desk.identity). A marketing stop names the cells to stop ({(company id, channel
    code)}, desk.marketing) and is applied at once and answered. The fee of the kind and company is copied
    from the fee table (desk.fees).

    A request made by an agent names the agent, their role, relation and contact (`agent`; `agent_name` and
    `agent_relationship` alone are the older form of it) and carries the documents their role needs
    ({RequestDocument.Kind: (bytes, type read from the bytes)}, checked by desk.documents.check_upload; the
    seal certificate's issue date in `seal_issued_on`)."""
    if kind not in CUSTOMER_KINDS:
        raise ValidationError(_("Choose the kind of request from the list."), code="kind")
    if kind == CustomerRequest.Kind.DISCLOSURE and delivery not in CustomerRequest.Delivery.values:
        raise ValidationError(_("Choose how you would like to receive the disclosure."), code="delivery")
    if kind != CustomerRequest.Kind.DISCLOSURE:
        delivery = ""
    documents = documents or {}
    agent = agent_check(agent or Agent(name=agent_name, role=agent_relationship), documents,
                        seal_issued_on=seal_issued_on)
    _check_key(idempotency_key)
    key = f"{policyholder.pk}:{idempotency_key}"
    policyholder = Policyholder.objects.select_for_update().get(pk=policyholder.pk)
    existing = CustomerRequest.objects.filter(idempotency_key=key, policyholder=policyholder).first()
    if existing is not None:
        return existing
    identity = {}
    if kind in IDENTITY_KINDS:
        policy = identity_confirm(policyholder=policyholder, policy_number=policy_number, birth_date=birth_date)
        identity = {
            "identity_method": CustomerRequest.IdentityMethod.POLICY_MATCH,
            "identity_reference": identity_reference(policy), "identity_checked_at": timezone.now(),
        }
    plan = []
    if kind == CustomerRequest.Kind.MARKETING_STOP:
        plan = marketing_stop_plan(policyholder, set(marketing_cells or ()))
        details = "\n".join(change.line() for change in plan)
    fee = fee_for(kind=kind, company=company, route=CustomerRequest.Route.ONLINE)
    # Files are written before the transaction commits; whatever fails in it removes them again, so a
    # refused request leaves nothing on disk.
    stored: list[str] = []
    try:
        request = _create(
            kind=kind, policyholder=policyholder, details=details.strip(), delivery=delivery, company=company,
            idempotency_key=key, fee_amount=fee.amount, fee_payment=fee.payment, **agent.fields(), **identity,
        )
        if documents:
            documents_quota_check(policyholder=policyholder, adding=[len(data) for data, _type in documents.values()])
        _documents_attach(request, documents, stored, seal_issued_on=seal_issued_on)
        electronic = kind == CustomerRequest.Kind.DISCLOSURE and delivery == CustomerRequest.Delivery.ELECTRONIC
        if electronic and not agent.name and not fee.amount:
            # The package holds only what the portal holds about the logged-in customer and only they can
            # download it: nothing for staff to decide, so it is prepared at once (Art. 33(2): without
            # delay). An agent's request waits for staff to check the documents, and one with a fee for
            # its receipt (request_disclosure_package).
            disclosure_package_request(policyholder, request_number=request.number)
        if kind == CustomerRequest.Kind.MARKETING_STOP:
            _marketing_stop(request, plan, ip_address=ip_address, user_agent=user_agent)
        _acknowledge(request)
    except BaseException:
        for name in stored:
            document_discard(name)
        raise
    return request


def _documents_attach(request: CustomerRequest, documents: dict[str, tuple[bytes, str]], stored: list[str], *,
                      seal_issued_on: datetime.date | None = None) -> None:
    for kind, (data, content_type) in sorted(documents.items()):
        name, digest = document_store(data, content_type)
        stored.append(name)
        RequestDocument.objects.create(
            request=request, kind=kind, content_type=content_type, size=len(data), sha256=digest,
            stored_name=name, uploaded_at=timezone.now(),
            issued_on=seal_issued_on if kind == RequestDocument.Kind.SEAL_CERTIFICATE else None,
        )


def _marketing_stop(request: CustomerRequest, plan, *, ip_address, user_agent) -> None:
    """The cells the customer chose and confirmed (desk.marketing), and only those, set to 'do not receive'
    through the preference service, under the request's number; the request is answered and closed."""
    result = preferences_update(
        policyholder=request.policyholder,
        changes={(change.company.pk, change.channel.code): False for change in plan},
        source=Source.REQUEST,
        idempotency_key=f"request-{request.number}",
        reason=request.number,
        ip_address=ip_address,
        user_agent=user_agent,
    )
    now = timezone.now()
    changed = [change.line() for change in plan if change.changes]
    if result.receipt is not None:
        body = _(
            "We have stopped the marketing you chose. The change was recorded with receipt number %(receipt)s."
        ) % {"receipt": result.receipt.number} + "\n" + "\n".join(changed)
    else:
        body = _("The marketing you chose was already stopped; nothing was changed.")
    Reply.objects.create(
        request=request, author=None, body=body, outcome=CustomerRequest.Outcome.DONE,
        status=Reply.Status.SENT, created_at=now, sent_at=now,
    )
    request.status, request.outcome, request.closed_at = (
        CustomerRequest.Status.CLOSED, CustomerRequest.Outcome.DONE, now,
    )
    request.save(update_fields=["status", "outcome", "closed_at"])


@transaction.atomic
def inquiry_submit(
    *, name: str, email: str, message: str, idempotency_key: str, company: Company | None = None
) -> CustomerRequest:
    """A general inquiry from anyone, answered at the address given. A repeated form returns the first."""
    _check_key(idempotency_key)
    key = f"inquiry:{idempotency_key}"
    existing = CustomerRequest.objects.filter(idempotency_key=key).first()
    if existing is not None:
        return existing
    if not name.strip() or not email.strip() or not message.strip():
        raise ValidationError(_("Enter your name, email address and message."), code="required")
    inquiry = _create(
        kind=CustomerRequest.Kind.INQUIRY, name=name.strip(), email=email.strip(), details=message.strip(),
        company=company, idempotency_key=key,
    )
    _acknowledge(inquiry)
    return inquiry


@transaction.atomic
def request_disclosure_package(*, request: CustomerRequest, actor) -> DisclosurePackage:
    """Staff prepare the disclosure package of an open 開示 request by 電磁的記録 (an agent's, once its
    documents are checked; or again, after a package expired or failed)."""
    _require(actor, ANSWER_PERMISSION)
    request = _lock_open(request)
    if request.kind != CustomerRequest.Kind.DISCLOSURE or request.delivery != CustomerRequest.Delivery.ELECTRONIC:
        raise ValidationError(_("Only a disclosure request by electronic record gets a disclosure package."))
    if request.policyholder_id is None:
        raise ValidationError(_("This request has no policyholder to disclose."))
    identity_checks.require_complete(request)
    fee_receipts.require_paid(request)
    waiting = DisclosurePackage.objects.filter(
        request_number=request.number, status__in=[DisclosurePackage.Status.QUEUED, DisclosurePackage.Status.READY]
    ).exclude(status=DisclosurePackage.Status.READY, expires_at__lte=timezone.now())
    if waiting.exists():
        raise ValidationError(_("A disclosure package for this request is already being prepared or can be "
                                "downloaded."))
    return disclosure_package_request(request.policyholder, request_number=request.number, requested_by=actor)


@transaction.atomic
def request_assign(*, request: CustomerRequest, assignee, actor) -> CustomerRequest:
    """Give the request to a staff member who may answer requests (or to nobody)."""
    _require(actor, ANSWER_PERMISSION)
    request = CustomerRequest.objects.select_for_update().get(pk=request.pk)
    if assignee is not None and not (assignee.is_active and assignee.has_perm(ANSWER_PERMISSION)):
        raise ValidationError(_("%(user)s cannot answer requests.") % {"user": assignee.get_username()})
    request.assignee = assignee
    fields = ["assignee"]
    if assignee is not None and request.status == CustomerRequest.Status.RECEIVED:
        request.status = CustomerRequest.Status.IN_PROGRESS
        fields.append("status")
    request.save(update_fields=fields)
    return request


@transaction.atomic
def note_add(*, request: CustomerRequest, author, body: str) -> Note:
    _require(author, ANSWER_PERMISSION)
    if not body.strip():
        raise ValidationError(_("Write the note."), code="required")
    return Note.objects.create(request=request, author=author, body=body.strip(), created_at=timezone.now())


@transaction.atomic
def reply_write(
    *, request: CustomerRequest, author, body: str, outcome: str = "", reason: str = "", marketing_cells=None
) -> Reply:
    """Write the request's draft answer, or rewrite it (one draft per request; its writer is who wrote it last).
    Nothing is sent: staff preview the email and the customer's page, then send it (reply_send). With an
    outcome the answer closes the request when sent; 一部対応 or 対応しない needs the reason the customer is
    given (APPI Art. 36) and another staff member's approval. `marketing_cells` ([company id, channel code])
    are stopped through the preference service when an accepted 利用停止 or 第三者提供の停止 is sent."""
    _require(author, ANSWER_PERMISSION)
    request = _lock_open(request)
    body, reason = body.strip(), reason.strip()
    if not body:
        raise ValidationError(_("Write the answer."), code="required")
    if outcome and outcome not in CustomerRequest.Outcome.values:
        raise ValidationError(_("Choose the outcome from the list."), code="outcome")
    if outcome in REFUSALS and not reason:
        raise ValidationError(
            _("An answer that does not do all that was asked must give the customer the reason (APPI Art. 36)."),
            code="reason",
        )
    if outcome not in REFUSALS:
        reason = ""
    cells = answers.marketing_cells_clean(request, outcome, marketing_cells)
    _no_closing_answer_waiting(request, outcome)
    draft = request.replies.select_for_update().filter(status=Reply.Status.DRAFT).first() or Reply(
        request=request, status=Reply.Status.DRAFT)
    draft.author, draft.body, draft.outcome, draft.reason, draft.marketing_cells = author, body, outcome, reason, cells
    draft.created_at = timezone.now()
    draft.full_clean()
    draft.save()
    return draft


def _no_closing_answer_waiting(request: CustomerRequest, outcome: str) -> None:
    if outcome and request.replies.filter(status=Reply.Status.AWAITING_APPROVAL).exists():
        raise ValidationError(
            _("An answer that closes this request is already awaiting approval. Have it approved or returned first."),
            code="pending",
        )


@transaction.atomic
def reply_send(*, reply: Reply, actor, shown: str | None = None) -> Reply:
    """The send step of a draft, after its preview (`shown`: the preview's answers.fingerprint; a draft changed
    since is not sent). An answer that does all that was asked, or none yet, is sent at once; one that refuses
    in whole or in part goes to another staff member for approval (reply_approve) and is sent then."""
    _require(actor, ANSWER_PERMISSION)
    # The request first, then the answer: the order reply_write takes them in, so the two never deadlock.
    request = _lock_open(Reply.objects.select_related("request").get(pk=reply.pk).request)
    reply = Reply.objects.select_for_update().get(pk=reply.pk)
    if reply.status != Reply.Status.DRAFT:
        raise ValidationError(
            _("This answer is not a draft (it is: %(status)s).") % {"status": reply.get_status_display()},
            code="stale",
        )
    answers.require_shown(reply, shown)
    answers.send_checks(reply, request)
    if reply.outcome in REFUSALS:
        _no_closing_answer_waiting(request, reply.outcome)
        reply.status = Reply.Status.AWAITING_APPROVAL
        reply.save(update_fields=["status"])
        return reply
    reply.status, reply.sent_at = Reply.Status.SENT, timezone.now()
    reply.save(update_fields=["status", "sent_at"])
    _send(reply, request, actor=actor)
    return reply


def _lock_awaiting(reply: Reply, approver) -> Reply:
    _require(approver, APPROVE_PERMISSION)
    reply = Reply.objects.select_for_update().select_related("request").get(pk=reply.pk)
    if reply.status != Reply.Status.AWAITING_APPROVAL:
        raise ValidationError(
            _("This answer is not awaiting approval (it is: %(status)s).") % {"status": reply.get_status_display()},
            code="stale",
        )
    if reply.author_id == approver.pk:
        raise PermissionDenied(_("You wrote this answer, so another person must approve it (two-person rule)."))
    return reply


@transaction.atomic
def reply_approve(*, reply: Reply, approver, shown: str | None = None) -> Reply:
    """A second staff member approves a refusal (`shown`: the fingerprint of the preview they approved); it is
    sent and the request closes with its outcome."""
    reply = _lock_awaiting(reply, approver)
    answers.require_shown(reply, shown)
    request = _lock_open(reply.request)
    answers.send_checks(reply, request)
    now = timezone.now()
    reply.approved_by, reply.decided_at, reply.status, reply.sent_at = approver, now, Reply.Status.SENT, now
    reply.save(update_fields=["approved_by", "decided_at", "status", "sent_at"])
    _send(reply, request, actor=approver)
    return reply


@transaction.atomic
def reply_return(*, reply: Reply, approver, comment: str) -> Reply:
    """The second staff member does not approve: the answer goes back to its writer, unsent, with why."""
    reply = _lock_awaiting(reply, approver)
    if not comment.strip():
        raise ValidationError(_("Write why the answer is returned."), code="required")
    reply.status, reply.decided_at, reply.return_comment = Reply.Status.RETURNED, timezone.now(), comment.strip()
    reply.save(update_fields=["status", "decided_at", "return_comment"])
    return reply


def _send(reply: Reply, request: CustomerRequest, *, actor) -> None:
    """The answer leaves: the request closes with its outcome (a pause ends with it), the marketing it
    stops is stopped, and its email is queued, all in the sending transaction."""
    if reply.outcome:
        pause_end_on_close(request)
        request.status, request.outcome, request.closed_at = CustomerRequest.Status.CLOSED, reply.outcome, reply.sent_at
    else:
        request.status = CustomerRequest.Status.IN_PROGRESS
    request.save(update_fields=["status", "outcome", "closed_at"])
    answers.marketing_apply(reply, request, actor=actor)
    _email(reply, "email", REQUEST_ANSWER, request.policyholder)
