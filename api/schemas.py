import datetime
from typing import Annotated, Literal

from ninja import Field
from ninja import Schema as NinjaSchema
from pydantic import BaseModel, ConfigDict

from consents.models import Capture, Channel, Suppression

# Half-width only: full-width digits (０１２) are refused, not silently converted.
CustomerNumber = Annotated[
    str, Field(pattern=r"^[A-Z0-9]{6,20}$", description="Customer number: 6–20 half-width capital letters and digits.")
]
CompanyId = Annotated[int, Field(ge=1, le=2**63 - 1, description="The company's id (see /companies/#company-<id>).")]
Campaign = Annotated[
    str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$", description="Your campaign code, up to 64 characters.")
]
MAX_BATCH = 1000


class Schema(NinjaSchema):
    # A parameter or field we do not know is a mistake in the request (a typo, a wrong version of
    # the client): refuse it with a 422 rather than answer a question that was not asked.
    model_config = ConfigDict(extra="forbid")


class Out(BaseModel):
    """Answers are built as dicts by the views: plain pydantic validates them without ninja's
    per-attribute Django lookups, which cost more than the query behind a batch of 1,000."""


class PermissionQuery(Schema):
    customer: CustomerNumber
    company: CompanyId
    channel: Channel.Code


class ExportQuery(Schema):
    company: CompanyId
    channel: Channel.Code
    since: Annotated[
        str | None, Field(min_length=1, max_length=500, description=(
            "The X-Next-Cursor of an earlier export, or the webhook-id (ce_<n>) of the last webhook event received."
        ))
    ] = None


class NoticeVersionOut(Out):
    effective_date: datetime.date
    url: str


class DecidedBy(Out):
    kind: Literal[
        "event", "default", "not_joint_user", "declined_joint_use", "joint_use_not_consented", "suppressed"
    ] = Field(
        description="event: the customer's (or staff's) choice; default: nobody chose, the channel's default "
        "applies; not_joint_user: the company is not a joint user under the joint-use notice in force today "
        "(or does not market), so it may contact no customer, whatever was chosen. The company joined the joint "
        "use by a notice version whose ground is the customers' consent (PPC guidelines 3-6-3), and the customer, "
        "a customer before that version took effect, declined it (declined_joint_use) or has not consented "
        "(joint_use_not_consented: not answering is not consenting): allowed is false whatever was chosen, "
        "until the customer consents on the portal. suppressed: a stop on contact applies whatever the customer "
        "chose (decided_by.suppression: hard_bounce, complaint, deceased, litigation_hold or customer_stop); it "
        "lasts until an approver lifts it."
    )
    event_id: int | None = Field(description="The consent event that set the current value; null for the default.")
    receipt: str | None = Field(description="The receipt number of that change.")
    source: str | None = Field(
        description="portal, staff, unsubscribe, api, import (a CSV file) or request (a request to stop marketing)."
    )
    suppression: str | None = Field(
        default=None, description="For kind suppressed: hard_bounce, complaint, deceased, litigation_hold, "
        "customer_stop. Absent otherwise."
    )
    suppression_id: int | None = Field(default=None, description="For kind suppressed: the suppression's number.")


class PermissionOut(Out):
    customer: str
    company: int
    channel: str
    allowed: bool
    since: datetime.datetime | None = Field(description="When the customer chose; null while the default applies.")
    notice_version: NoticeVersionOut | None = Field(description="The joint-use notice version in force today.")
    decided_by: DecidedBy


class BatchIn(Schema):
    company: CompanyId
    channel: Channel.Code
    customers: list[CustomerNumber] = Field(min_length=1, max_length=MAX_BATCH)


class BatchResult(Out):
    customer: str
    allowed: bool
    since: datetime.datetime | None
    decided_by: DecidedBy


class BatchOut(Out):
    company: int
    channel: str
    notice_version: NoticeVersionOut | None
    results: list[BatchResult]
    not_found: list[str] = Field(description="Customer numbers we do not know; do not contact them on our behalf.")


class UnsubscribeLinkIn(Schema):
    customer: CustomerNumber
    company: CompanyId
    campaign: Campaign


class UnsubscribeLinkOut(Out):
    url: str
    list_unsubscribe: str = Field(description="The value of the List-Unsubscribe header for the email.")
    list_unsubscribe_post: str = Field(description="The value of the List-Unsubscribe-Post header (RFC 8058).")


MAX_INBOUND_BATCH = 1000


class InboundChangeIn(Schema):
    key: Annotated[str, Field(min_length=1, max_length=64, description=(
        "Your key for this change (an unsubscribe's id in your system, a card's number). Sending it again with the "
        "same change answers with the first result; with a different change it is refused (409)."
    ))]
    customer: CustomerNumber
    company: CompanyId
    channel: Channel.Code | None = Field(
        default=None, description="The channel. Required with allowed; with suppression, null stops every channel "
        "(a bounce or a complaint is always email)."
    )
    allowed: bool | None = Field(default=None, description="What the customer said: true (receive) or false (stop).")
    suppression: Suppression.Kind | None = Field(
        default=None, description="Instead of allowed: a stop on contact that overrides preferences (hard_bounce, "
        "complaint, deceased, litigation_hold, customer_stop)."
    )
    occurred_at: datetime.datetime = Field(description=(
        "When the customer said it (or the address bounced), with its offset (2026-11-01T10:15:00+09:00). The "
        "latest interaction wins: a change older than the one deciding the cell is kept as evidence only. Refused "
        "in the future or more than INBOUND_CHANGE_MAX_AGE_DAYS (90) days ago."
    ))
    capture: Capture = Field(description="Through what the customer said it: call_center, agency, paper, "
                             "email_platform, sms or branch.")
    operator: Annotated[str, Field(max_length=100, description="The operator or system that took it.")] = ""
    evidence: Annotated[str, Field(max_length=200, description="A call-recording id, a document id.")] = ""
    reason: Annotated[str, Field(max_length=200, description="A note, such as a bounce's SMTP reply.")] = ""


class InboundBatchIn(Schema):
    changes: list[InboundChangeIn] = Field(min_length=1, max_length=MAX_INBOUND_BATCH)


class InboundResultOut(Out):
    key: str
    customer: str
    status: Literal["applied", "superseded", "suppressed"] = Field(description=(
        "applied: the change decides the cell now; superseded: a later interaction decides the cell, so the change "
        "is kept in the evidence chain only; suppressed: the suppression is in place."
    ))
    repeated: bool = Field(description="true when this key was recorded before: the first result, nothing new.")
    receipt: str | None = Field(description="The receipt number of a preference change.")
    event_id: int | None = Field(description="The consent event (also the webhook event ce_<id>).")
    suppression_id: int | None
    occurred_at: datetime.datetime = Field(description="When the customer said it.")
    recorded_at: datetime.datetime = Field(description="When the portal recorded it.")


class InboundBatchOut(Out):
    results: list[InboundResultOut]
