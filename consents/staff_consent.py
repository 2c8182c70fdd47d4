"""Answers to a consent question (consents/reconsent.py) that a customer gives to staff, on paper or by phone.

A 顧客対応 records the answer with its evidence (a recording id, a document id). 同意しない takes effect at once:
refusing needs no second look. 同意する lets a company use the customer's data, so it takes effect only when a
second member of staff confirms it (never the one who recorded it). The answer that takes effect goes into the
customer's chain of notice records through consents.services.consent_answer_record (source staff): it is
numbered and emailed to the customer, and the API and the do-not-contact export follow it, like an answer given
on the portal.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.dates import today_in_tokyo
from customers.models import Policyholder
from notices.selectors import consent_grounds_on

from .chain import policyholder_lock
from .models import Capture, NoticeRecord, StaffConsentAnswer
from .reconsent import is_asked, latest_answers
from .services import consent_answer_record, occurred_at_check


def _change_asked(policyholder: Policyholder, version_id: int):
    change = consent_grounds_on(today_in_tokyo()).change_of(version_id)
    if change is None:
        raise ValidationError(_("This change to the joint use does not ask for the customer's consent (any more)."))
    if not is_asked(policyholder, change):
        raise ValidationError(_("The customer became our customer after this change took effect: it does not ask "
                                "for their consent."))
    return change


def _said_at(record: NoticeRecord) -> datetime.datetime:
    """When the customer gave the answer `record` holds: told to staff at its occurred_at, or on the portal."""
    staff_answer = getattr(record, "staff_answer", None)
    return staff_answer.occurred_at if staff_answer is not None else record.created_at


def _apply(answer: StaffConsentAnswer, *, actor) -> None:
    """Put the answer into the chain, unless it is already the customer's latest answer."""
    kind = NoticeRecord.Kind.CONSENTED if answer.consent else NoticeRecord.Kind.DECLINED
    latest = latest_answers(answer.policyholder, [answer.notice_version_id]).get(answer.notice_version_id)
    if latest is not None and latest.kind == kind:
        answer.status = StaffConsentAnswer.Status.UNCHANGED
        return
    if latest is not None and _said_at(latest) > answer.occurred_at:
        # The latest interaction wins: the customer answered otherwise after they told staff.
        answer.status = StaffConsentAnswer.Status.SUPERSEDED
        return
    # The same service as an answer on the portal: a record number, and the email that confirms it to the customer.
    answer.record = consent_answer_record(
        policyholder=answer.policyholder, version_id=answer.notice_version_id, consent=answer.consent,
        source=NoticeRecord.Source.STAFF, actor=actor, idempotency_key=f"staff-consent:{answer.pk}",
    ).record
    answer.status = StaffConsentAnswer.Status.APPLIED


@transaction.atomic
def staff_consent_record(
    *, policyholder: Policyholder, version_id: int, consent: bool, capture: str, evidence: str,
    occurred_at: datetime.datetime, actor,
) -> StaffConsentAnswer:
    """Record what the customer answered; 同意しない applies now, 同意する waits for a second person."""
    if actor is None or not actor.has_perm("consents.add_staffconsentanswer"):
        raise ValidationError(_("Only customer support staff may record a customer's answer."))
    if capture not in Capture.values:
        raise ValidationError(_("Unknown way the customer said it: %(capture)s") % {"capture": capture})
    if not evidence.strip():
        raise ValidationError(_("Give the evidence reference (a call-recording id or a document id)."))
    occurred_at_check(occurred_at, opt_in=consent)
    change = _change_asked(policyholder, version_id)
    policyholder_lock(policyholder)
    answer = StaffConsentAnswer.objects.create(
        policyholder=policyholder, notice_version=change.version, consent=consent, capture=capture,
        evidence=evidence.strip()[:200], occurred_at=occurred_at, recorded_by=actor, recorded_at=timezone.now(),
        status=StaffConsentAnswer.Status.AWAITING,
    )
    if not consent:
        _apply(answer, actor=actor)
        answer.save(update_fields=["status", "record"])
    return answer


@transaction.atomic
def staff_consent_confirm(*, answer: StaffConsentAnswer, actor) -> StaffConsentAnswer:
    """A second member of staff confirms a recorded 同意する: it takes effect now."""
    if actor is None or not actor.has_perm("consents.confirm_staffconsentanswer"):
        raise ValidationError(_("You may not confirm consent answers."))
    answer = StaffConsentAnswer.objects.select_for_update().select_related("policyholder", "notice_version").get(
        pk=answer.pk
    )
    if answer.status != StaffConsentAnswer.Status.AWAITING:
        raise ValidationError(_("This answer is not awaiting confirmation."))
    if answer.recorded_by_id == actor.pk:
        raise ValidationError(_("The answer must be confirmed by someone other than the person who recorded it."))
    _change_asked(answer.policyholder, answer.notice_version_id)
    policyholder_lock(answer.policyholder)
    answer.confirmed_by, answer.confirmed_at = actor, timezone.now()
    _apply(answer, actor=actor)
    answer.save(update_fields=["confirmed_by", "confirmed_at", "status", "record"])
    return answer
