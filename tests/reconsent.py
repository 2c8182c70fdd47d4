"""Notice versions whose ground for adding joint users or data items is the customers' consent, and
customers who were customers before such a version took effect."""

import datetime

from django.utils import timezone

from customers.models import Policyholder
from notices.models import DataItem, JointUser, Notice, NoticeVersion, Purpose
from notices.services import notice_version_freeze
from tests.factories import CompanyFactory, PolicyholderFactory


def consent_version(*, effective_date: datetime.date, add=(), extra_item: str = "",
                    ground=NoticeVersion.Ground.CONSENT) -> NoticeVersion:
    """A published version of the demo group notice: the latest published one plus the companies `add` as joint
    users (and `extra_item` as a data item), on `ground`."""
    notice = Notice.objects.get(slug="group-joint-use")
    base = notice.versions.published().order_by("-effective_date").first()
    version = notice.versions.create(
        effective_date=effective_date,
        change_summary="共同利用者の追加",
        introduction=base.introduction,
        joint_users_scope=base.joint_users_scope,
        joint_users_note=base.joint_users_note,
        responsible_party_name=base.responsible_party_name,
        responsible_party_address="東京都世田谷区玉川一丁目14番1号",
        responsible_party_representative="代表取締役社長",
        notes=base.notes,
        publication_ground=ground,
        publication_ground_note="お客さまの同意を得て追加します。",
        consent_method="ポータルでの同意" if ground == NoticeVersion.Ground.CONSENT else "",
        consent_count=1 if ground == NoticeVersion.Ground.CONSENT else None,
    )
    texts = [item.text for item in base.data_items.all()] + ([extra_item] if extra_item else [])
    for order, text in enumerate(texts, start=1):
        DataItem.objects.create(version=version, order=order, text=text)
    companies = [joint_user.company for joint_user in base.joint_users.all()] + list(add)
    for order, company in enumerate(companies, start=1):
        JointUser.objects.create(version=version, order=order, company=company)
    for purpose in base.purposes.all():
        Purpose.objects.create(version=version, order=purpose.order, text=purpose.text)
    return notice_version_freeze(version=version)


def new_company(**kwargs):
    return CompanyFactory(markets_to_customers=True, **kwargs)


def customer_since(day: datetime.date, **kwargs) -> Policyholder:
    """A policyholder in our records since `day` (Tokyo midnight)."""
    policyholder = PolicyholderFactory(**kwargs)
    since = timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
    Policyholder.objects.filter(pk=policyholder.pk).update(created_at=since)
    policyholder.refresh_from_db()
    return policyholder


def days(n: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=n)
