"""`/api/v1/`: may company X contact customer Y by channel Z, and whom must a campaign leave out."""

import csv
import io
import json

from django.conf import settings
from django.http import StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Query

from consents.selectors import joint_use_version_in_force, marketing_company_ids
from consents.unsubscribe import unsubscribe_url
from core.dates import today_in_tokyo
from customers.models import Policyholder
from notices.models import Company
from notices.selectors import consent_grounds_on
from relay.inbound import InboundItem, InboundRefused, inbound_record
from relay.models import InboundChange

from . import schemas
from .auth import BearerToken, require_company
from .calls import api_call
from .problems import ApiProblem, Problem, install_problem_handlers, use_problem_media_type
from .selectors import Permission, channel_get, contact_permissions, cursor_issue, cursor_read, do_not_contact_rows

CSV, NDJSON = "text/csv", "application/x-ndjson"
ROWS_PER_CHUNK = 1000


class PortalAPI(NinjaAPI):
    def get_openapi_schema(self, **kwargs):
        return use_problem_media_type(super().get_openapi_schema(**kwargs))


api = PortalAPI(
    title="Privacy portal API",
    version="1",
    description="Marketing permissions of the group's customers, for the group's marketing systems.",
    urls_namespace="api",
    docs_url=None,
    auth=BearerToken(),
)
install_problem_handlers(api)
api.add_decorator(api_call, mode="view")

ERRORS = {401: Problem, 403: Problem, 422: Problem, 429: Problem, 503: Problem}
# The GET operations also refuse a parameter given twice.
QUERY_ERRORS = {400: Problem, **ERRORS}


def _notice_version():
    version = joint_use_version_in_force()
    if version is None:
        return None
    return {"effective_date": version.effective_date, "url": settings.SITE_URL + version.get_absolute_url()}


# decided_by.kind for a company that may not market to anyone today, whatever the customer chose.
NOT_JOINT_USER = "not_joint_user"
# decided_by.kind for a company that joined the joint use on the customers' consent (通則ガイドライン 3-6-3),
# for a customer who declined it, or who was asked and has not consented.
DECLINED_JOINT_USE = "declined_joint_use"
JOINT_USE_NOT_CONSENTED = "joint_use_not_consented"
# decided_by.kind for a customer on whom a suppression applies (decided_by.suppression says which kind).
SUPPRESSED = "suppressed"


def _consent_for(company_id: int):
    """The version that added this company on consent, if it is a joint user today on that ground."""
    return consent_grounds_on(today_in_tokyo()).for_company(company_id)


def _company_may_market(company_id: int) -> bool:
    """A company markets only as a joint user named by the joint-use version in force today (and only if it
    markets at all): a company an announced version adds may not, until that version's effective date."""
    return company_id in marketing_company_ids()


def _not_joint_user() -> ApiProblem:
    return ApiProblem(
        409,
        "company-not-joint-user",
        _("This company is not a joint user under the joint-use notice in force today, so it may not contact any "
          "customer (APPI Art. 27(5)(iii))."),
    )


def _suppressed(permission: Permission) -> dict:
    suppression_id, kind = permission.suppression
    decided_by = {
        "kind": SUPPRESSED, "event_id": None, "receipt": None, "source": None, "suppression": kind,
        "suppression_id": suppression_id,
    }
    return {"customer": permission.customer_number, "allowed": False, "since": None, "decided_by": decided_by}


def _result(permission: Permission, *, company_may_market: bool = True) -> dict:
    if company_may_market and permission.suppression is not None:
        # A stop on contact (a bounce, a complaint, a death, a litigation hold, a 全停止) wins over any choice.
        return _suppressed(permission)
    if not company_may_market or permission.joint_use_refused:
        if not company_may_market:
            kind = NOT_JOINT_USER
        elif permission.joint_use_answer:
            kind = DECLINED_JOINT_USE
        else:
            kind = JOINT_USE_NOT_CONSENTED
        decided_by = {"kind": kind, "event_id": None, "receipt": None, "source": None}
        return {"customer": permission.customer_number, "allowed": False, "since": None, "decided_by": decided_by}
    if permission.event_id is None:
        decided_by = {"kind": "default", "event_id": None, "receipt": None, "source": None}
        since = None
    else:
        decided_by = {"kind": "event", "event_id": permission.event_id}
        decided_by.update(receipt=permission.receipt, source=permission.source)
        since = timezone.localtime(permission.since)
    return {
        "customer": permission.customer_number,
        "allowed": permission.allowed,
        "since": since,
        "decided_by": decided_by,
    }


def _refuse_unknown_parameters(request, query_schema) -> None:
    """ninja drops query parameters it does not know; a typo (`chanel=`) must not go unnoticed. A parameter
    given twice is refused too: ninja would take the last (`company=4&company=2` answering for company 2,
    whatever a proxy or a log checked in the first)."""
    repeated = [name for name in query_schema.model_fields if len(request.GET.getlist(name)) > 1]
    if repeated:
        raise ApiProblem(400, "invalid-request", _("Give each parameter once: %(names)s.") % {
            "names": ", ".join(repeated)})
    unknown = sorted(set(request.GET) - set(query_schema.model_fields))
    if unknown:
        errors = [{"location": f"query.{name}", "type": "extra_forbidden"} for name in unknown]
        detail = _("Check these values: %(locations)s.") % {"locations": ", ".join(e["location"] for e in errors)}
        raise ApiProblem(422, "invalid-request", detail, errors=errors)


def _unknown_customer() -> ApiProblem:
    return ApiProblem(404, "unknown-customer", _("No customer has this customer number."))


# exclude_unset: decided_by.suppression appears only when a suppression decides.
@api.get(
    "/contact-permission", response={200: schemas.PermissionOut, 404: Problem, **QUERY_ERRORS}, exclude_unset=True
)
def contact_permission(request, query: Query[schemas.PermissionQuery]):
    """May this company contact this customer by this channel today?"""
    _refuse_unknown_parameters(request, schemas.PermissionQuery)
    require_company(request.auth, query.company)
    channel = channel_get(query.channel)
    consent = _consent_for(query.company)
    found, _missing = contact_permissions(
        company_id=query.company, channel=channel, customer_numbers=[query.customer], consent=consent
    )
    if not found:
        raise _unknown_customer()
    result = _result(found[0], company_may_market=_company_may_market(query.company))
    return {**result, "company": query.company, "channel": channel.code, "notice_version": _notice_version()}


@api.post(
    "/contact-permission/batch", response={200: schemas.BatchOut, 413: Problem, **ERRORS}, exclude_unset=True
)
def contact_permission_batch(request, body: schemas.BatchIn):
    """The same question for up to 1,000 customers of one company and channel, in a constant number of queries."""
    require_company(request.auth, body.company)
    channel = channel_get(body.channel)
    found, missing = contact_permissions(
        company_id=body.company, channel=channel, customer_numbers=body.customers, consent=_consent_for(body.company)
    )
    may_market = _company_may_market(body.company)
    results = [_result(permission, company_may_market=may_market) for permission in found]
    return {
        "company": body.company,
        "channel": channel.code,
        "notice_version": _notice_version(),
        "results": results,
        "not_found": missing,
    }


def _accept_ranges(header: str) -> dict[str, float]:
    """Each media range of an Accept header with its quality (1 if absent or unreadable)."""
    ranges = {}
    for part in header.split(","):
        media_range, *params = (piece.strip() for piece in part.split(";"))
        if not media_range:
            continue
        quality = 1.0
        for param in params:
            name, _sep, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = min(max(float(value), 0.0), 1.0)
                except ValueError:
                    quality = 1.0
        ranges[media_range.lower()] = quality
    return ranges


def _export_format(request) -> str:
    """CSV or NDJSON, as the Accept header prefers. The most specific range that matches a type gives its
    quality (RFC 9110, 12.5.1): `text/csv;q=0, */*` refuses CSV however welcome anything else is."""
    ranges = _accept_ranges(request.headers.get("Accept", "") or "*/*")

    def quality(media_type: str) -> float:
        for candidate in (media_type, media_type.split("/")[0] + "/*", "*/*"):
            if candidate in ranges:
                return ranges[candidate]
        return 0.0

    best = max((CSV, NDJSON), key=quality)  # CSV first: it wins a tie
    if quality(best) <= 0:
        raise ApiProblem(406, "not-acceptable", _("The export is available as text/csv or application/x-ndjson."))
    return best


def _csv_chunks(rows):
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(["customer", "allowed", "changed_at"])
    for count, (customer, allowed, changed_at) in enumerate(rows, start=1):
        at = timezone.localtime(changed_at).isoformat() if changed_at else ""
        writer.writerow([customer, "true" if allowed else "false", at])
        if count % ROWS_PER_CHUNK == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def _ndjson_chunks(rows):
    lines = []
    for customer, allowed, changed_at in rows:
        at = timezone.localtime(changed_at).isoformat() if changed_at else None
        lines.append(json.dumps({"customer": customer, "allowed": allowed, "changed_at": at}) + "\n")
        if len(lines) == ROWS_PER_CHUNK:
            yield "".join(lines)
            lines.clear()
    if lines:
        yield "".join(lines)


EXPORT_RESPONSES = {
    200: {
        "description": "One row per customer: customer, allowed (false: leave out; true: remove from your list), "
        "changed_at (empty while the default applies). Streamed.",
        "headers": {
            "X-Next-Cursor": {
                "description": "Pass as `since` next time to receive only the changes after this export.",
                "schema": {"type": "string"},
                "required": True,
            }
        },
        "content": {
            CSV: {"schema": {"type": "string"}},
            NDJSON: {
                "schema": {
                    "type": "object",
                    "properties": {
                        "customer": {"type": "string"},
                        "allowed": {"type": "boolean"},
                        "changed_at": {"type": ["string", "null"], "format": "date-time"},
                    },
                }
            },
        },
    },
    406: {
        "description": "Not Acceptable",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Problem"}}},
    },
}


@api.get(
    "/do-not-contact",
    response={200: None, 409: Problem, **QUERY_ERRORS},
    openapi_extra={"responses": EXPORT_RESPONSES},
)
def do_not_contact(request, query: Query[schemas.ExportQuery]):
    """Customers this company must not contact by this channel, as CSV or JSON lines (by Accept)."""
    _refuse_unknown_parameters(request, schemas.ExportQuery)
    require_company(request.auth, query.company)
    channel = channel_get(query.channel)
    media_type = _export_format(request)
    if not _company_may_market(query.company):
        # Every customer would be on the list: say so once rather than stream the whole customer base.
        raise _not_joint_user()
    consent = _consent_for(query.company)
    after = (
        None if query.since is None
        else cursor_read(query.since, company_id=query.company, channel=channel, consent=consent)
    )
    # Taken before the rows are read: a change made while they stream comes again next time.
    next_cursor = cursor_issue(company_id=query.company, channel=channel, consent=consent)
    rows = do_not_contact_rows(company_id=query.company, channel=channel, after=after, consent=consent)
    chunks = _csv_chunks(rows) if media_type == CSV else _ndjson_chunks(rows)
    content_type = f"{CSV}; charset=utf-8; header=present" if media_type == CSV else NDJSON
    response = StreamingHttpResponse(chunks, content_type=content_type)
    response["X-Next-Cursor"] = next_cursor
    return response


@api.post(
    "/unsubscribe-links",
    response={200: schemas.UnsubscribeLinkOut, 404: Problem, 409: Problem, 413: Problem, **ERRORS},
)
def unsubscribe_link(request, body: schemas.UnsubscribeLinkIn):
    """A one-click unsubscribe link (RFC 8058) from this company's marketing email, for one customer and campaign."""
    require_company(request.auth, body.company)
    policyholder = Policyholder.objects.filter(customer_number=body.customer).first()
    if policyholder is None:
        raise _unknown_customer()
    if not _company_may_market(body.company):
        raise _not_joint_user()
    company = Company.objects.get(pk=body.company)
    url = unsubscribe_url(policyholder=policyholder, company=company, campaign=body.campaign)
    return {"url": url, "list_unsubscribe": f"<{url}>", "list_unsubscribe_post": "List-Unsubscribe=One-Click"}


@api.post(
    "/preference-changes",
    response={200: schemas.InboundBatchOut, 404: Problem, 409: Problem, 413: Problem, **ERRORS},
)
def preference_changes(request, body: schemas.InboundBatchIn):
    """Record changes customers made elsewhere (a call, an agency, a paper card, an email platform, an SMS, a
    branch), with when they said it; or suppressions (a bounce, a complaint…). Up to 1,000, all or nothing."""
    items = [
        InboundItem(
            key=change.key, customer=change.customer, company=change.company,
            channel=change.channel.value if change.channel else None, occurred_at=change.occurred_at,
            capture=change.capture.value, allowed=change.allowed,
            suppression=change.suppression.value if change.suppression else "", operator=change.operator,
            evidence=change.evidence, reason=change.reason,
        )
        for change in body.changes
    ]
    try:
        batch = inbound_record(
            origin=InboundChange.Origin.API, sender=f"api:{request.auth.pk}", items=items,
            allowed_companies=request.auth.company_ids(),
        )
    except InboundRefused as refusal:
        errors = None
        if refusal.index is not None:
            errors = [{"location": f"body.changes.{refusal.index}", "type": refusal.code}]
        raise ApiProblem(refusal.status, refusal.code, refusal.message, errors=errors) from None
    results = []
    for result in batch.results:
        change = result.change
        results.append({
            "key": change.key,
            "customer": result.item.customer,
            "status": change.status,
            "repeated": result.repeated,
            "receipt": change.event.receipt.number if change.event else None,
            "event_id": change.event_id,
            "suppression_id": change.suppression_id,
            "occurred_at": timezone.localtime(change.occurred_at),
            "recorded_at": timezone.localtime(change.received_at),
        })
    return {"results": results}
