"""The customer's identity, before a request that discloses, corrects or stops something is accepted: the
email that logged them in proves only the mailbox, so they also give a 証券番号 and their 生年月日, which
must match one of their own policies on record. What matched (company and policy number, never the date
of birth) is recorded on the request; a mismatch is logged without personal data and refused."""

import datetime
import logging
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from core.ratelimit import RateLimit
from customers.models import Policy, Policyholder

from .models import CustomerRequest

logger = logging.getLogger(__name__)

# The kinds that disclose, change or stop the customer's data: a wrong person must not make them.
IDENTITY_KINDS = frozenset({
    CustomerRequest.Kind.DISCLOSURE, CustomerRequest.Kind.CORRECTION, CustomerRequest.Kind.SUSPENSION,
    CustomerRequest.Kind.THIRD_PARTY_STOP,
})

# Guessing a date of birth takes at most a few hundred tries a policy number: five an hour stops that.
IDENTITY_LIMIT = RateLimit("desk-identity", limit=5, window=60 * 60)


# The dashes a Japanese keyboard or a copy from a PDF gives for the hyphen printed on a 保険証券 (NFKC keeps them).
DASHES = str.maketrans({dash: "-" for dash in "‐‑‒–—―−ー"})


def policy_number_normalise(value: str) -> str:
    """As printed on a 保険証券, typed with full-width digits, small letters, another dash, or spaces around it."""
    return unicodedata.normalize("NFKC", value or "").translate(DASHES).strip().upper()


def identity_confirm(*, policyholder: Policyholder, policy_number: str,
                     birth_date: datetime.date | None) -> Policy:
    """The customer's own policy that the pair matches; ValidationError (code "identity") otherwise. Another
    customer's policy number is as wrong as a mistyped one, and the message does not say which was wrong."""
    number = policy_number_normalise(policy_number)
    if not number or birth_date is None:
        raise ValidationError(_("Enter a policy number and your date of birth."), code="identity")
    policy = (
        Policy.objects.filter(policyholder=policyholder, policy_number__iexact=number)
        .select_related("company").order_by("pk").first()
    )
    if policy is None or policyholder.birth_date is None or policyholder.birth_date != birth_date:
        # The policyholder's row id only: no number, name or date goes to the log.
        logger.warning("Identity check failed for a request (policyholder id %s)", policyholder.pk)
        raise ValidationError(
            _("The policy number and date of birth do not match our records. Check them on your insurance "
              "certificate and enter them again."),
            code="identity",
        )
    return policy


def identity_reference(policy: Policy) -> str:
    return f"{policy.company.legal_name} {policy.policy_number}"
