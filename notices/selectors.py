"""Reads that decide who is a joint user on a day: the joint-use version in force names them, everywhere
(the preference matrix, the API, unsubscribe links, /companies/). A company that an announced version adds
is announced, not a joint user, until that version's effective date (Asia/Tokyo)."""

import dataclasses
import datetime

from django.utils import timezone

from core.dates import today_in_tokyo
from core.memo import process_memo

from .models import Company, JointUser, Notice, NoticeVersion, Section


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


@dataclasses.dataclass(frozen=True)
class ConsentChange:
    """A published joint-use version whose ground for adding joint users or data items is the customers'
    consent (通則ガイドライン 3-6-3): what it adds, and whether it is in force yet."""

    version: NoticeVersion
    previous: NoticeVersion
    added_company_ids: tuple[int, ...]  # in the version's order of joint users
    data_items_changed: bool
    in_force: bool

    @property
    def starts_at(self) -> datetime.datetime:
        """Tokyo midnight of the effective date: customers added to our records from then on were told of this
        version before their data was first shared, so their consent is not asked."""
        return timezone.make_aware(datetime.datetime.combine(self.version.effective_date, datetime.time.min))


@dataclasses.dataclass(frozen=True)
class ConsentGrounds:
    """On one day: the consent-ground versions customers are asked about, and for each joint user in force
    whose joining rests on consent, the version that added it."""

    changes: tuple[ConsentChange, ...]
    decided_by_version: dict[int, int]  # company id → id of the consent version that added it

    def change_of(self, version_id: int) -> ConsentChange | None:
        return next((change for change in self.changes if change.version.pk == version_id), None)

    def for_company(self, company_id: int) -> ConsentChange | None:
        version_id = self.decided_by_version.get(company_id)
        return None if version_id is None else self.change_of(version_id)


@process_memo(seconds=5)
def consent_grounds_on(day: datetime.date) -> ConsentGrounds:
    """Walks the published versions of the group's joint-use notice in order of effective date. A company
    joins with the version that first names it after a version that did not; it rests on consent when that
    version's ground is consent. Announced versions (after `day`) are asked about before they take effect.
    Two queries, memoized a few seconds per process."""
    versions = list(
        NoticeVersion.objects.joint_use().published()
        .filter(notice_id__in=NoticeVersion.objects.joint_use().published()
                .order_by("notice__display_order", "notice_id").values("notice_id")[:1])
        .select_related("notice")
        .order_by("effective_date")
    )
    members: dict[int, list[int]] = {version.pk: [] for version in versions}
    rows = (
        JointUser.objects.filter(version__in=versions).order_by("order", "id").values_list("version_id", "company_id")
    )
    for version_id, company_id in rows:
        members[version_id].append(company_id)
    changes, joined_with, in_force_joined = [], {}, {}
    previous = None
    for version in versions:
        ids = members[version.pk]
        if previous is None:
            joined_with = dict.fromkeys(ids)
        else:
            added = tuple(pk for pk in ids if pk not in joined_with)
            joined_with = {pk: joined_with.get(pk, version.pk if pk in added else None) for pk in ids}
            items_changed = version.content["data_items"] != previous.content["data_items"]
            if version.publication_ground == NoticeVersion.Ground.CONSENT and (added or items_changed):
                in_force = version.effective_date <= day
                changes.append(ConsentChange(version, previous, added, items_changed, in_force))
        if version.effective_date <= day:
            in_force_joined = dict(joined_with)
        previous = version
    consent_ids = {change.version.pk for change in changes}
    decided = {pk: version_id for pk, version_id in in_force_joined.items() if version_id in consent_ids}
    # Asked about: every announced one, and those in force that still decide a joint user or changed the items
    # of the version in force.
    in_force_ids = [version.pk for version in versions if version.effective_date <= day]
    current_id = in_force_ids[-1] if in_force_ids else None
    asked = tuple(
        change for change in changes
        if not change.in_force or change.version.pk in decided.values()
        or (change.version.pk == current_id and change.data_items_changed)
    )
    return ConsentGrounds(asked, decided)


def consent_change_of(version: NoticeVersion, *, today: datetime.date | None = None) -> ConsentChange | None:
    """What a published joint-use version adds against the one it replaced, as a consent question (whatever its
    ground); None for a first version."""
    previous = NoticeVersion.objects.preceding(version).first()
    if previous is None:
        return None
    old = set(previous.joint_users.values_list("company_id", flat=True))
    added = tuple(pk for pk in version.joint_users.values_list("company_id", flat=True) if pk not in old)
    items_changed = version.content["data_items"] != previous.content["data_items"]
    in_force = version.effective_date <= (today or today_in_tokyo())
    return ConsentChange(version, previous, added, items_changed, in_force)


def retained_data_group_notice() -> Notice | None:
    """The group's page of items on retained personal data (the common items): the first such notice that no
    one company publishes."""
    return (
        Notice.objects.filter(kind=Notice.Kind.RETAINED_DATA, company__isnull=True)
        .order_by("display_order", "id")
        .first()
    )


def retained_data_group_version(*, on: datetime.date | None = None) -> NoticeVersion | None:
    """The version in force of the group's page of items on retained personal data, or None."""
    notice = retained_data_group_notice()
    if notice is None:
        return None
    return notice.versions.in_force(on=on or today_in_tokyo()).select_related("notice").first()


def retained_data_company_pages(*, on: datetime.date | None = None) -> list[Notice]:
    """Each company's page of items on retained personal data that has a version in force, in display order."""
    in_force = NoticeVersion.objects.in_force(on=on or today_in_tokyo())
    return list(
        Notice.objects.filter(kind=Notice.Kind.RETAINED_DATA, company__isnull=False, versions__in=in_force)
        .select_related("company")
        .distinct()
        .order_by("display_order", "id")
    )


def retained_data_notice_for(company: Company | None) -> Notice | None:
    """The page of items on retained personal data that answers for `company`: its own, or the group's."""
    if company is not None:
        own = (
            Notice.objects.filter(kind=Notice.Kind.RETAINED_DATA, company=company)
            .order_by("display_order", "id")
            .first()
        )
        if own is not None and own.versions.in_force(on=today_in_tokyo()).exists():
            return own
    return retained_data_group_notice()


# The sections of a page of items on retained personal data that tell a customer where to complain, in the order
# a refusal gives them.
COMPLAINT_ROUTE_TOPICS = (Section.Topic.COMPLAINTS, Section.Topic.ACCREDITED_BODY)


def complaint_route_sections(company: Company | None) -> tuple[Notice | None, list[dict]]:
    """The page of items on retained personal data in force for `company` (or the group's) and its sections on
    the complaint route (苦情の申出先, the 認定個人情報保護団体), in COMPLAINT_ROUTE_TOPICS' order; (None, [])
    without a page in force."""
    notice = retained_data_notice_for(company)
    version = notice.versions.in_force(on=today_in_tokyo()).first() if notice is not None else None
    if version is None:
        return None, []
    sections = [
        section for topic in COMPLAINT_ROUTE_TOPICS for section in version.content["sections"]
        if section.get("topic") == topic
    ]
    return notice, sections
