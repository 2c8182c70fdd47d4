"""Objects the benchmark needs besides the bulk data; run inside `manage.py shell`."""

import datetime

from notices.models import Notice, Purpose
from notices.services import notice_version_freeze

SECOND_VERSION_DATE = datetime.date(2024, 4, 1)


def setup():
    """A second published version of the group notice, so that there is a 新旧対照表 to compare."""
    notice = Notice.objects.get(slug="group-joint-use")
    if notice.versions.filter(effective_date=SECOND_VERSION_DATE).exists():
        return
    first = notice.versions.published().get()
    second = first
    items, joint_users = list(first.data_items.all()), list(first.joint_users.all())
    purposes = list(first.purposes.all())
    second.pk = None
    second._state.adding = True
    second.snapshot = None
    second.status = "draft"
    second.effective_date = SECOND_VERSION_DATE
    second.responsible_party_name = "楽天インシュアランスホールディングス株式会社"
    second.responsible_party_address = "東京都世田谷区玉川一丁目14番1号"
    second.responsible_party_representative = "代表取締役社長"
    second.save()
    for related in items + joint_users:
        related.pk = None
        related.version = second
        related.save()
    for purpose in purposes:
        Purpose.objects.create(version=second, order=purpose.order, text=purpose.text.replace("充実", "充実・改善"))
    notice_version_freeze(version=second)
