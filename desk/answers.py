"""What an answer must carry before it is sent, what it does when it is sent, and how staff see it first.

- Checks at the send step (and again at the approval of a refusal): the identity check of a request by an
  agent or by post (desk.identity_checks), the fee's receipt (desk.fee_receipts), every company's part of a
  開示 (desk.company_records), and for a refusal in whole or
  in part, the complaint route (苦情の申出先 and the 認定個人情報保護団体) stated by the page of items on
  retained personal data in force, which `includes/complaint_route.txt`/`.html` render in the refusal.
- A 利用停止 or 第三者提供の停止 accepted for marketing names the company × channel cells it stops; they are set
  to "do not receive" through consents.services.preferences_update in the transaction that sends the answer,
  so the API answers allowed: false from that moment, for those cells only.
- The preview: the email and the customer's page exactly as they will be, built by the same code."""

import copy
import hashlib
import json

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from consents.models import Source
from consents.selectors import matrix_axes
from consents.services import preferences_update
from disclosure.models import DisclosurePackage
from notices.models import Section
from notices.selectors import COMPLAINT_ROUTE_TOPICS, complaint_route_sections

from . import company_records, fee_receipts, identity_checks
from .fees import Fee
from .models import REFUSALS, CompanyTask, CustomerRequest, Reply

# The kinds whose acceptance can stop marketing (APPI Art. 35(1), (3)).
MARKETING_KINDS = (CustomerRequest.Kind.SUSPENSION, CustomerRequest.Kind.THIRD_PARTY_STOP)


def marketing_cells_clean(request: CustomerRequest, outcome: str, cells) -> list[list]:
    """The chosen [company id, channel code] cells, checked and sorted; [] when none were chosen."""
    if not cells:
        return []
    if request.kind not in MARKETING_KINDS or request.policyholder_id is None:
        raise ValidationError(_("Only an accepted request to stop use or provision can stop marketing."),
                              code="marketing")
    if outcome not in (CustomerRequest.Outcome.DONE, CustomerRequest.Outcome.PARTIAL):
        raise ValidationError(_("Marketing is stopped only by an answer that does what was asked, in whole or in "
                                "part."), code="marketing")
    companies, channels = matrix_axes()
    company_ids, channel_codes = {company.pk for company in companies}, {channel.code for channel in channels}
    clean = set()
    for cell in cells:
        try:
            company_id, channel_code = int(cell[0]), str(cell[1])
        except (TypeError, ValueError, IndexError) as error:
            raise ValidationError(_("Choose the companies and channels from the table."), code="marketing") from error
        if company_id not in company_ids or channel_code not in channel_codes:
            raise ValidationError(_("Choose the companies and channels from the table."), code="marketing")
        clean.add((company_id, channel_code))
    return [list(cell) for cell in sorted(clean)]


def marketing_cells_described(reply: Reply) -> list[str]:
    """「楽天損保 ／ ダイレクトメール」 for each chosen cell, for the writer, the approver and the customer."""
    if not reply.marketing_cells:
        return []
    companies, channels = matrix_axes()
    names = {company.pk: company.short_name for company in companies}
    labels = {channel.code: str(channel) for channel in channels}
    return [f"{names.get(company_id, company_id)} ／ {labels.get(code, code)}" for company_id, code in
            reply.marketing_cells]


def marketing_apply(reply: Reply, request: CustomerRequest, *, actor) -> None:
    """Stop the chosen cells through the preference service, under the request's number."""
    if not reply.marketing_cells:
        return
    preferences_update(
        policyholder=request.policyholder,
        changes={(company_id, code): False for company_id, code in reply.marketing_cells},
        source=Source.REQUEST,
        idempotency_key=f"request-{request.number}-answer-{reply.pk}",
        reason=request.number,
        actor=actor,
    )


def complaint_route_missing(request: CustomerRequest) -> list[str]:
    """What of the complaint route (苦情の申出先, the 認定個人情報保護団体) the page of items on retained personal
    data in force for the request's company (or the group's) does not state: the refusal's partials render
    those sections, so without them the customer would not be told where to complain."""
    stated = {section["topic"] for section in complaint_route_sections(request.company)[1]}
    return [str(Section.Topic(topic).label) for topic in COMPLAINT_ROUTE_TOPICS if topic not in stated]


def send_checks(reply: Reply, request: CustomerRequest) -> None:
    """What must hold before the answer leaves; ValidationError naming what is missing otherwise."""
    if reply.outcome in (CustomerRequest.Outcome.DONE, CustomerRequest.Outcome.PARTIAL):
        identity_checks.require_complete(request)
        fee_receipts.require_paid(request)
        company_records.require_all_answered(request)
    if reply.outcome in REFUSALS:
        missing = complaint_route_missing(request)
        if missing:
            raise ValidationError(
                _("An answer that does not do all that was asked must tell the customer where to complain. The page "
                  "of items on retained personal data in force does not state: %(missing)s. Publish it first; the "
                  "answer was not sent.") % {"missing": "、".join(missing)},
                code="complaint_route",
            )


def fingerprint(reply: Reply) -> str:
    """What the preview showed: the answer's text, outcome, reason, cells and status, and every company's part.
    The send and approve buttons carry it; if anything changed since, nothing is sent (409)."""
    tasks = list(CompanyTask.objects.filter(request_id=reply.request_id).order_by("id").values_list(
        "id", "status"))
    data = [reply.pk, reply.status, reply.body, reply.outcome, reply.reason, reply.marketing_cells, tasks]
    return hashlib.sha256(json.dumps(data, ensure_ascii=False).encode()).hexdigest()


def require_shown(reply: Reply, shown: str | None) -> None:
    if shown is not None and shown != fingerprint(reply):
        raise ValidationError(_("The answer changed since this page was opened. Open the preview again and check "
                                "it before sending."), code="stale")


def page_context(customer_request: CustomerRequest, *, preview: Reply | None = None) -> dict:
    """The customer's request page: what was sent, the pause that stops the clock, every company's part of a
    開示 once the request is closed. `preview`: an unsent answer shown as if it were sent now."""
    replies = list(customer_request.replies.filter(status=Reply.Status.SENT).order_by("sent_at", "id"))
    if preview is not None:
        preview = copy.copy(preview)
        preview.status, preview.sent_at = Reply.Status.SENT, timezone.now()
        replies.append(preview)
        if preview.outcome:
            customer_request = copy.copy(customer_request)
            customer_request.status, customer_request.outcome = CustomerRequest.Status.CLOSED, preview.outcome
            customer_request.closed_at = preview.sent_at
    for reply in replies:
        reply.stopped = marketing_cells_described(reply)
    tasks = []
    if not customer_request.is_open:
        # Only the companies that answered: a 開示 refused outright closes with parts no one looked at, and those
        # say nothing about what a company holds.
        tasks = list(customer_request.company_tasks.exclude(status=CompanyTask.Status.OPEN)
                     .select_related("company").prefetch_related("files"))
    packages = []
    if customer_request.policyholder_id:
        packages = DisclosurePackage.objects.filter(
            policyholder=customer_request.policyholder_id, request_number=customer_request.number
        ).order_by("-requested_at", "-id")
    return {
        "customer_request": customer_request,
        "fee": Fee(customer_request.fee_amount, customer_request.fee_payment),
        "replies": replies,
        "pause": customer_request.open_pause,
        "company_tasks": tasks,
        "records_downloadable": company_records.downloadable(customer_request) if tasks else False,
        "complaint_route_company": customer_request.company,
        "documents": customer_request.documents.count(),
        "packages": packages,
        "now": timezone.now(),
    }
