"""Driving the review page of a change request as an approver does: open it, then press a button."""

import re

from approvals.models import ChangeRequest


def review_url(change: ChangeRequest) -> str:
    return f"/admin/approvals/changerequest/{change.pk}/change/"


def shown_fingerprint(html: str) -> str:
    match = re.search(r'name="fingerprint" value="([0-9a-f]{64})"', html)
    assert match, "the page offers no decision"
    return match.group(1)


def decide(client, change: ChangeRequest, decision: str = "approve", reason: str = "", fingerprint: str | None = None):
    """Open the page (unless a fingerprint from an earlier opening is given) and send the decision."""
    if fingerprint is None:
        fingerprint = shown_fingerprint(client.get(review_url(change)).content.decode())
    return client.post(review_url(change), {"decision": decision, "reason": reason, "fingerprint": fingerprint})


def pending_for(obj) -> ChangeRequest:
    return ChangeRequest.objects.pending().for_object(obj).get()
