"""Who has answered a consent-ground version, who has not, and the ratios per company (of the customers'
contracts). Customers asked are those in our records before the version's effective date."""

import dataclasses

from django.db.models import Count, OuterRef, Q, Subquery

from consents.models import NoticeRecord
from consents.reconsent import ANSWERS, answer_counts
from customers.models import Policy, Policyholder
from notices.models import NoticeVersion
from notices.selectors import ConsentChange, consent_change_of

from .counts import AnswerCounts


@dataclasses.dataclass(frozen=True)
class CompanyRatio(AnswerCounts):
    company: str


def consent_versions():
    """Published joint-use versions whose ground is consent, newest first."""
    return (
        NoticeVersion.objects.joint_use().published()
        .filter(publication_ground=NoticeVersion.Ground.CONSENT).select_related("notice")
        .order_by("-effective_date")
    )


def ratios(change: ConsentChange) -> list[CompanyRatio]:
    """All asked customers first, then per company the customers with a contract with it."""
    total = answer_counts(change)
    rows = [CompanyRatio(company="", asked=total.asked, consented=total.consented, declined=total.declined)]
    latest = _latest(change.version)
    per_company = (
        Policy.objects.filter(policyholder__created_at__lt=change.starts_at)
        .annotate(answer=Subquery(latest.filter(policyholder_id=OuterRef("policyholder_id")).values("kind")[:1]))
        .values("company__legal_name", "company__display_order", "company_id")
        .annotate(
            asked=Count("policyholder_id", distinct=True),
            consented=Count("policyholder_id", distinct=True, filter=Q(answer=NoticeRecord.Kind.CONSENTED)),
            declined=Count("policyholder_id", distinct=True, filter=Q(answer=NoticeRecord.Kind.DECLINED)),
        )
        .order_by("company__display_order", "company_id")
    )
    rows += [CompanyRatio(company=row["company__legal_name"], asked=row["asked"], consented=row["consented"],
                          declined=row["declined"]) for row in per_company]
    return rows


def _latest(version: NoticeVersion):
    return NoticeRecord.objects.filter(notice_version=version, kind__in=ANSWERS).order_by("-id")


FILTERS = ("consented", "declined", "unanswered")


def asked_customers(change: ConsentChange, *, answer: str = ""):
    """The customers asked, each with their latest answer and when (None while unanswered), by customer number;
    `answer` keeps only those who consented, declined or have not answered."""
    latest = _latest(change.version).filter(policyholder_id=OuterRef("pk"))
    holders = (
        Policyholder.objects.filter(created_at__lt=change.starts_at)
        .annotate(answer=Subquery(latest.values("kind")[:1]), answered_at=Subquery(latest.values("created_at")[:1]),
                  record_id=Subquery(latest.values("pk")[:1]), record_number=Subquery(latest.values("number")[:1]))
        .order_by("customer_number")
    )
    if answer == "unanswered":
        holders = holders.filter(answer__isnull=True)
    elif answer in ("consented", "declined"):
        holders = holders.filter(answer=answer)
    return holders


__all__ = ["FILTERS", "asked_customers", "consent_change_of", "consent_versions", "ratios"]
