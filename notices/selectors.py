"""Reads that decide who is a joint user on a day: the joint-use version in force names them, everywhere
(the preference matrix, the API, unsubscribe links, /companies/). A company that an announced version adds
is announced, not a joint user, until that version's effective date (Asia/Tokyo)."""

import dataclasses
import datetime

from core.memo import process_memo

from .models import Company, JointUser, NoticeVersion, today_in_tokyo


@process_memo(seconds=1)
def joint_use_version_on(day: datetime.date) -> NoticeVersion | None:
    """The group's joint-use notice in force on `day`: the version every consent event and API answer
    names. Memoized: one query a second per process, not one a call."""
    return (
        NoticeVersion.objects.joint_use()
        .in_force(on=day)
        .select_related("notice")
        .order_by("notice__display_order", "notice_id", "-effective_date")
        .first()
    )


@process_memo(seconds=1)
def joint_user_ids_on(day: datetime.date) -> frozenset[int]:
    """The companies the joint-use version in force on `day` names as joint users."""
    version = joint_use_version_on(day)
    if version is None:
        return frozenset()
    return frozenset(JointUser.objects.filter(version=version).values_list("company_id", flat=True))


def joint_users_in_force(*, on: datetime.date | None = None):
    return Company.objects.filter(pk__in=joint_user_ids_on(on or today_in_tokyo()))


@dataclasses.dataclass(frozen=True)
class AnnouncedJointUser:
    company: Company
    effective_date: datetime.date


def announced_joint_users(*, today: datetime.date | None = None) -> list[AnnouncedJointUser]:
    """Companies that an announced joint-use version adds, each with the date it joins (the soonest)."""
    today = today or today_in_tokyo()
    current = joint_user_ids_on(today)
    joining: dict[int, datetime.date] = {}
    rows = (
        JointUser.objects.filter(version__in=NoticeVersion.objects.joint_use().announced(today=today))
        .exclude(company_id__in=current)
        .values_list("company_id", "version__effective_date")
        .order_by("version__effective_date")
    )
    for company_id, effective_date in rows:
        joining.setdefault(company_id, effective_date)
    companies = Company.objects.in_bulk(list(joining))
    return sorted(
        (AnnouncedJointUser(companies[pk], date) for pk, date in joining.items()),
        key=lambda joined: (joined.effective_date, joined.company.display_order, joined.company.pk),
    )
