"""Staff's identity check of a request made by an agent (代理人) or by post, recorded document by document
before an answer that does what was asked can be sent: which document, when it was issued (a certificate
counts only within REQUEST_SEAL_CERTIFICATE_MONTHS before the request) and what was blacked out."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.dates import today_in_tokyo, wareki

from .agents import months_before
from .guards import ANSWER_PERMISSION, lock_open, require
from .identity import IDENTITY_KINDS
from .models import CustomerRequest, IdentityCheck

Document = IdentityCheck.Document
IDENTITY_DOCUMENTS = {
    Document.DRIVING_LICENCE, Document.MY_NUMBER_CARD, Document.PASSPORT, Document.HEALTH_INSURANCE,
    Document.RESIDENCE_CARD,
}
# Certificates that count only when recent: the issue date is required.
CERTIFICATES = {Document.SEAL_CERTIFICATE, Document.FAMILY_REGISTER, Document.GUARDIANSHIP}
# The health insurance card's 記号・番号 and QR code must be blacked out (Health Insurance Act Art. 194-2: no
# one may ask for them); a copy that shows them is not kept.
MUST_BLACK_OUT = {Document.HEALTH_INSURANCE}
BLACKED_OUT_LIMIT = 200


def needs_check(request: CustomerRequest) -> bool:
    """Requests by agents, and requests by post (their copies of identity documents, checked by staff): the
    email link that logged a customer in proves nothing here."""
    return bool(request.agent_name) or request.route == CustomerRequest.Route.POSTAL


def missing(request: CustomerRequest) -> list[str]:
    """What staff still have to check before answering, in words; empty when the check is complete."""
    if not needs_check(request):
        return []
    seen = set(request.identity_checks.values_list("document", flat=True))
    gaps = []
    if not seen & IDENTITY_DOCUMENTS:
        gaps.append(_("an identity document (the agent's, for a request by an agent)"))
    if request.agent_relationship == CustomerRequest.AgentRole.DELEGATED:
        if Document.POWER_OF_ATTORNEY not in seen:
            gaps.append(str(Document.POWER_OF_ATTORNEY.label))
        if Document.SEAL_CERTIFICATE not in seen:
            gaps.append(str(Document.SEAL_CERTIFICATE.label))
    if request.agent_relationship == CustomerRequest.AgentRole.LEGAL and not seen & {
        Document.FAMILY_REGISTER, Document.GUARDIANSHIP,
    }:
        gaps.append(_("proof of the legal representation (certificate of family register or of registered "
                      "guardianship)"))
    if request.requester == CustomerRequest.Requester.HEIR and Document.FAMILY_REGISTER not in seen:
        gaps.append(_("proof of the inheritance (certificate of family register)"))
    return gaps


def require_complete(request: CustomerRequest) -> None:
    gaps = missing(request)
    if gaps:
        raise ValidationError(
            _("Record the identity check before answering this request. Still to check: %(gaps)s.")
            % {"gaps": "、".join(gaps)},
            code="identity",
        )


@transaction.atomic
def identity_check_record(
    *, request: CustomerRequest, actor, document: str, issued_on: datetime.date | None = None,
    blacked_out: str = "",
) -> IdentityCheck:
    """Record one document staff checked. A certificate issued more than REQUEST_SEAL_CERTIFICATE_MONTHS before the
    request was received, or one dated in the future, is refused: ask the customer for a new one."""
    require(actor, ANSWER_PERMISSION)
    if document not in Document.values:
        raise ValidationError(_("Choose the document that was checked from the list."), code="document")
    blacked_out = blacked_out.strip()
    if len(blacked_out) > BLACKED_OUT_LIMIT:
        raise ValidationError(_("Write what was blacked out in %(limit)s characters or fewer.")
                              % {"limit": BLACKED_OUT_LIMIT}, code="blacked_out")
    request = lock_open(request)
    if not needs_check(request):
        raise ValidationError(_("Only a request by an agent or by post needs a recorded identity check."),
                              code="not_needed")
    if issued_on is not None and issued_on > today_in_tokyo():
        raise ValidationError(_("The issue date cannot be in the future."), code="issued_on")
    if document in CERTIFICATES:
        if issued_on is None:
            raise ValidationError(_("Enter the certificate's issue date."), code="issued_on")
        received = timezone.localdate(request.received_at)
        earliest = months_before(received, settings.REQUEST_SEAL_CERTIFICATE_MONTHS)
        if issued_on < earliest:
            raise ValidationError(
                _("This certificate is too old: it must be issued within %(months)s months before the request was "
                  "received (on or after %(earliest)s). Ask for a new one.")
                % {"months": settings.REQUEST_SEAL_CERTIFICATE_MONTHS, "earliest": wareki(earliest)},
                code="too_old",
            )
    if document in MUST_BLACK_OUT and not blacked_out:
        raise ValidationError(
            _("A health insurance card is kept only with its symbol, number and QR code blacked out: write what was "
              "blacked out."),
            code="blacked_out",
        )
    check = IdentityCheck.objects.create(request=request, document=document, issued_on=issued_on,
                                         blacked_out=blacked_out, checked_by=actor, checked_at=timezone.now())
    confirmed = request.identity_method or request.kind not in IDENTITY_KINDS
    if request.route == CustomerRequest.Route.POSTAL and not confirmed and not missing(request):
        # A postal request's identity is confirmed when staff have checked the copies it came with, not when it
        # was entered: the request says so from now on.
        request.identity_method = CustomerRequest.IdentityMethod.POSTAL_DOCUMENTS
        request.identity_reference = _("Copies enclosed with the request form")
        request.identity_checked_at = check.checked_at
        request.save(update_fields=["identity_method", "identity_reference", "identity_checked_at"])
    return check
