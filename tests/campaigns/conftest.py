import datetime

import pytest
from django.core.management import call_command

from notices.models import JointUser, Notice, NoticeVersion, Purpose
from notices.services import notice_version_create_draft, notice_version_freeze
from tests import personas
from tests.factories import CompanyFactory

EFFECTIVE = datetime.date(2030, 4, 1)


@pytest.fixture
def editor(db):
    return personas.editor()


@pytest.fixture
def approver(db):
    return personas.approver()


@pytest.fixture
def announced(demo_content, editor) -> NoticeVersion:
    """The group notice revised from 1 April 2030: a new joint user and a new purpose, with consent as the ground."""
    notice = Notice.objects.get(slug="group-joint-use")
    draft = notice_version_create_draft(notice=notice, user=editor, on=datetime.date(2026, 1, 1))
    draft.effective_date = EFFECTIVE
    draft.change_summary = "楽天ペイメント株式会社を共同利用者に加えるため。"
    draft.save()
    newcomer = CompanyFactory(legal_name="楽天ペイメント株式会社", short_name="楽天ペイ", corporate_number="")
    JointUser.objects.create(version=draft, company=newcomer, order=99)
    Purpose.objects.create(version=draft, order=99, text="決済サービスのご案内のため")
    draft.publication_ground = NoticeVersion.Ground.CONSENT
    return notice_version_freeze(version=draft, update_fields=("publication_ground",))


@pytest.fixture
def demo_policyholders(demo_content):
    call_command("load_demo_policyholders", verbosity=0)
    from consents.models import Policyholder

    return list(Policyholder.objects.order_by("customer_number"))
